"""Model backends (replay, and later hf / openai), registered by name.

Importing this package registers the built-in backends.
"""
from harness.backends.base import Generation, ModelBackend, Prompt, backend_factory, known_backends, register_backend
from harness.backends import replay  # noqa: F401  (registers "replay")
from harness.backends import hf  # noqa: F401  (registers "hf"; torch and transformers load only when used)
from harness.backends import openai_backend  # noqa: F401  (registers "openai")

__all__ = ["Generation", "ModelBackend", "Prompt", "backend_factory", "known_backends", "register_backend"]
