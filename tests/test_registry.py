"""Plugins by name: entry points of every role, registration in code, and the one-line errors for unknown or
doubly claimed names."""
from importlib import metadata

import pytest

from harness.backends.base import backend_names, backend_plugin
from harness.errors import HarnessInputError
from harness.plugins import BACKENDS, DECODERS, METRICS, ROLES, STRATEGIES, Registry, Role, registry
from harness.run.strategy import strategy_plugin

WIDGETS = Role("widget", "fc_harness.test_widgets")


def test_the_built_ins_are_entry_points_like_any_plugin():
    assert {"hf", "openai", "replay"} <= set(backend_names())
    assert set(registry(STRATEGIES).names()) >= {"zero_shot", "few_shot", "rag"}
    assert {"auto", "bfcl_prompt", "bfcl_fc"} <= set(registry(DECODERS).names())
    assert {"tool_call_accuracy", "call_f1"} <= set(registry(METRICS).names())
    harness_points = {(ep.group, ep.name) for ep in metadata.distribution("fc-harness").entry_points}
    assert ("fc_harness.backends", "hf") in harness_points and ("fc_harness.metrics", "call_f1") in harness_points


def test_every_role_has_its_own_group():
    assert len({role.group for role in ROLES}) == len(ROLES) and all(r.group.startswith("fc_harness.") for r in ROLES)


def test_registration_in_code_is_found_by_name_and_listed_sorted():
    widgets = Registry(WIDGETS)
    widgets.register("b", "B")
    widgets.register("a", "A")
    assert widgets.get("b") == "B" and widgets.names() == ("a", "b")


def test_an_unknown_name_is_bad_input_naming_the_field_and_the_known_names():
    widgets = Registry(WIDGETS)
    widgets.register("gear", object)
    with pytest.raises(HarnessInputError) as error:
        widgets.get("sprocket")
    assert error.value.field == "widget"
    assert "unknown widget 'sprocket' (known: gear)" in str(error.value)


def test_a_taken_name_is_refused_but_the_same_definition_may_come_twice():
    widgets = Registry(WIDGETS)
    widgets.register("gear", Registry)
    widgets.register("gear", Registry)  # the same class, e.g. its module imported again
    with pytest.raises(HarnessInputError, match="registered twice"):
        widgets.register("gear", Role)
    with pytest.raises(HarnessInputError, match="registered twice"):
        registry(BACKENDS).register("hf", Role)  # an entry point's name


def test_two_packages_claiming_one_name_is_an_error_naming_both(monkeypatch):
    points = [metadata.EntryPoint("dup", "pkg_a:thing", WIDGETS.group), metadata.EntryPoint("dup", "pkg_b:thing", WIDGETS.group)]
    monkeypatch.setattr("harness.plugins.metadata.entry_points", lambda group: points if group == WIDGETS.group else [])
    with pytest.raises(HarnessInputError, match=r"widget 'dup' is declared twice: .*pkg_a:thing.*pkg_b:thing"):
        Registry(WIDGETS).names()


def test_a_broken_plugin_is_one_line_naming_it(monkeypatch):
    points = [metadata.EntryPoint("broken", "no_such_module_xyz:thing", WIDGETS.group)]
    monkeypatch.setattr("harness.plugins.metadata.entry_points", lambda group: points if group == WIDGETS.group else [])
    with pytest.raises(HarnessInputError, match="cannot load widget 'broken' from no_such_module_xyz:thing"):
        Registry(WIDGETS).get("broken")


def test_backends_and_strategies_use_it():
    with pytest.raises(HarnessInputError, match="unknown backend 'vllm'"):
        backend_plugin("vllm")
    with pytest.raises(HarnessInputError, match=r"unknown strategy 'cot' \(known: few_shot, rag, zero_shot"):
        strategy_plugin("cot")
