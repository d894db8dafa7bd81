"""Fixtures for the training tests: the synthetic weather/currency examples and the embedded `tiny` model.

The tiny model is built once per session into a temporary cache and loaded fresh for each test (training
changes a model in place while it runs), in well under a second.
"""
from __future__ import annotations

import os

import pytest

from harness.training.data import load_training_examples
from tests.training.synthetic import synthetic_records, tool_library, write_jsonl


@pytest.fixture(scope="session")
def synthetic_examples(tmp_path_factory):
    path = write_jsonl(tmp_path_factory.mktemp("data") / "train.jsonl", synthetic_records(120))
    return load_training_examples(path, tool_library=tool_library())


@pytest.fixture(scope="session")
def tiny_source(tmp_path_factory):
    from harness.backends.embedded import resolve_model

    saved = os.environ.get("HARNESS_CACHE_DIR")
    os.environ["HARNESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("models"))
    try:
        return resolve_model("tiny")
    finally:
        if saved is None:
            del os.environ["HARNESS_CACHE_DIR"]
        else:
            os.environ["HARNESS_CACHE_DIR"] = saved


@pytest.fixture()
def tiny(tiny_source):
    """(model, tokenizer) of the embedded `tiny` model, freshly loaded on the CPU."""
    from harness.backends.embedded import load_model, load_tokenizer

    return load_model(tiny_source, "cpu"), load_tokenizer(tiny_source)
