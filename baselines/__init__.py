"""Built-in non-training candidate strategies: zero-shot prompting (few-shot and RAG plug in beside it).

Importing this package registers them with `harness.strategies`.
"""
from baselines import zero_shot  # noqa: F401
