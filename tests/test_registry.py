"""Plugins by name: registration, lookup, and the one-line error for an unknown name."""
import pytest

from harness.errors import HarnessInputError
from harness.backends.base import backend_factory, known_backends
from harness.plugins import Registry
from harness.run.strategy import strategy_factory


def test_registered_factories_are_found_by_name_and_listed_sorted():
    registry = Registry("widget")

    @registry.register("b")
    def make_b():
        return "b"

    registry.register("a")(lambda: "a")
    assert registry.get("b") is make_b and registry.names() == ("a", "b")


def test_an_unknown_name_is_bad_input_naming_the_field_and_the_known_names():
    registry = Registry("widget")
    registry.register("gear")(object)
    with pytest.raises(HarnessInputError) as error:
        registry.get("sprocket")
    assert error.value.field == "widget"
    assert "unknown widget 'sprocket' (known: gear)" in str(error.value)


def test_backends_and_strategies_use_it():
    assert {"hf", "openai", "replay"} <= set(known_backends())
    with pytest.raises(HarnessInputError, match="unknown backend 'vllm'"):
        backend_factory("vllm")
    with pytest.raises(HarnessInputError, match=r"unknown strategy 'cot' \(known: few_shot, rag, zero_shot\)"):
        strategy_factory("cot")
