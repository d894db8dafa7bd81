"""Evaluation and benchmarking harness for function-calling models.

Suites of tool-use cases, candidates (prompting baselines and fine-tunes), scoring, results, reports.
"""
from harness.version import __version__

__all__ = ["__version__", "load_results"]


def __getattr__(name: str):
    # Lazy: `load_results` needs pandas (~0.5 s to import), which the CLI's quick commands never touch.
    if name == "load_results":
        from harness.results.frame import load_results

        return load_results
    raise AttributeError(f"module 'harness' has no attribute {name!r}")
