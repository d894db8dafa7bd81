"""Turning results files into tables people read (leaderboards, per-category views).

Every function here is a pure function of a `ResultsFile`.
"""
