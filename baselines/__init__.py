"""Built-in non-training candidate strategies: zero-shot, few-shot and RAG prompting.

Importing this package registers them with `harness.run.strategy`.
"""
from baselines import few_shot, rag, zero_shot  # noqa: F401
