"""The regression gate: `harness gate`, `harness compare` and the pytest plugin, on results files.

A drop fails only beyond its tolerance and when significant on an exact McNemar test.
"""
