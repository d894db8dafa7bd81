"""Evaluation and benchmarking harness for function-calling models.

Suites of tool-use cases, candidates (prompting baselines and fine-tunes), scoring, results, reports.
"""
__version__ = "0.1.0"
