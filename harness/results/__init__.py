"""The results file (versioned JSON of every case record and aggregate) and its pandas frame.

Reports and gates are pure functions of results files.
"""
