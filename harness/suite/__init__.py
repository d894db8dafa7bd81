"""Stage 1, what to run: the suite and candidate specs, cases and tools, and `load_suite`, which checks
everything a run will need before any model work."""
