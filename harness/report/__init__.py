"""Turning results files into what people read and act on: leaderboards, statistics, plots, the decision.

Everything is built on the per-case frame of `harness.results.frame.load_results`, so reports are pure functions of
results files and Python users get the same data.
"""
