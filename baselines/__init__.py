"""Built-in non-training candidate strategies: zero-shot, few-shot and RAG prompting, and the retrieval RAG uses.

Registered as plugins in the harness's pyproject.toml (entry-point group `fc_harness.strategies`).
"""
