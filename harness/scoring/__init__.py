"""Metric definitions: tool-call accuracy, schema validity, relevance and call/argument F1.

One module per metric family; each is a pure function of a case and the calls parsed from an output.
"""
