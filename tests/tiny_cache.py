"""A private model cache for tests that build the embedded `tiny` model, with one torch thread.

This machine's cores are shared and oversubscribed OpenMP threads made generation 20x slower (outputs do not
depend on the thread count).
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import pytest


@contextlib.contextmanager
def private_tiny_cache(folder) -> Iterator[None]:
    """`HARNESS_CACHE_DIR` set to `folder` and torch on one thread while the block runs."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("HARNESS_CACHE_DIR", str(folder))
            yield
    finally:
        torch.set_num_threads(threads)
