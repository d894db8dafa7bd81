"""External benchmarks and libraries: BFCL's releases and result folders, and `evaluate` metric modules.
"""
