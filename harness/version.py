"""The harness's version, written into every results file (its own module, so recording it imports nothing)."""
__version__ = "0.2.0"
