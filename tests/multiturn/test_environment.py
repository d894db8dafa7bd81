"""Tool environments: dispatch to declared methods only, every failure an error result, snapshots, recordings."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from harness.errors import HarnessInputError
from harness.multiturn.environment import (
    ClassEnvironment, RecordedEnvironment, ToolEnvironment, ToolResult, canonical_arguments, json_friendly,
    render_result, tool_methods,
)
from harness.multiturn.recorded_file import load_recorded_responses
from harness.multiturn.simulator_file import load_simulator_classes

TOY_FILE = Path(__file__).with_name("toy_bank.py")


@pytest.fixture(scope="module")
def toy_classes():
    return load_simulator_classes(TOY_FILE, ["Bank", "Clock"])


@pytest.fixture
def bank(toy_classes):
    return ClassEnvironment(toy_classes[:1], {"Bank": {"balances": {"alice": 100, "bob": 50}}})


def test_simulator_file_loads_classes_by_path_under_a_private_module_name(toy_classes):
    bank_class, clock_class = toy_classes
    assert (bank_class.__name__, clock_class.__name__) == ("Bank", "Clock")
    assert bank_class.__module__.startswith("_harness_simulator_")
    assert load_simulator_classes(TOY_FILE, ["Clock"]) == (clock_class,)  # imported once


def test_public_methods_are_the_tools_in_definition_order(toy_classes):
    assert tool_methods(toy_classes[0]) == ("balance", "transfer", "accounts", "greeting", "count", "tag",
                                            "add_label", "crash", "hang", "ping")


def test_a_call_runs_the_method_and_its_result_is_rendered_for_the_model(bank):
    assert isinstance(bank, ToolEnvironment)
    result = bank.execute("transfer", {"source": "alice", "target": "bob", "amount": 30})
    assert result == ToolResult('{"source": 70, "target": 80}', None)
    assert result.ok
    assert bank.execute("accounts", {}).content == '["alice", "bob"]'
    assert bank.execute("greeting", {}).content == "welcome to the bank"
    assert bank.execute("count", {}).content == "2"
    assert bank.state() == {"Bank": {"balances": {"alice": 70, "bob": 80}, "long_context": False,
                                     "transfers": [{"source": "alice", "target": "bob", "amount": 30}]}}


@pytest.mark.parametrize("name", ["withdraw", "_secret", "_load_scenario", "__init__", "__class__", "balances", ""])
def test_an_unknown_private_or_dunder_name_is_an_unknown_tool(bank, name):
    before = bank.state()
    result = bank.execute(name, {})
    assert result.error == f"unknown tool {name!r}"
    assert result.content == f"Error: unknown tool {name!r}"
    assert bank.state() == before


@pytest.mark.parametrize("arguments, fragment", [
    ({"source": "alice", "target": "bob"}, "missing a required argument: 'amount'"),
    ({"source": "alice", "target": "bob", "amount": 1, "memo": "x"}, "unexpected keyword argument 'memo'"),
])
def test_arguments_that_do_not_bind_are_an_error_and_nothing_runs(bank, arguments, fragment):
    result = bank.execute("transfer", arguments)
    assert result.error.startswith("bad arguments to transfer: ")
    assert fragment in result.error
    assert bank.state()["Bank"]["transfers"] == []


def test_arguments_that_are_not_an_object_are_an_error(bank):
    assert bank.execute("balance", ["alice"]).error == "arguments to balance must be an object with string keys"
    assert bank.execute("balance", {1: "alice"}).error == "arguments to balance must be an object with string keys"


def test_an_exception_in_a_tool_is_an_error_result_and_the_next_call_still_works(bank):
    assert bank.execute("crash", {}) == ToolResult("Error: crash failed: RuntimeError: boom",
                                                   "crash failed: RuntimeError: boom")
    assert bank.execute("balance", {"account": "carol"}).error == "balance failed: KeyError: 'carol'"
    assert bank.execute("balance", {"account": "bob"}).content == '{"account": "bob", "balance": 50}'


def test_a_simulator_never_shares_an_argument_with_the_caller(bank, toy_classes):
    arguments = {"account": "alice", "labels": ["vip"]}
    other = ClassEnvironment(toy_classes[:1])
    bank.execute("tag", arguments)
    other.execute("tag", arguments)
    assert bank.execute("add_label", {"account": "alice", "label": "late"}).content == '["vip", "late"]'
    assert arguments == {"account": "alice", "labels": ["vip"]}
    assert other.state()["Bank"]["tags"] == {"alice": ["vip"]}


def test_an_initial_state_that_does_not_fit_the_class_is_input_error(toy_classes):
    with pytest.raises(HarnessInputError) as caught:
        ClassEnvironment(toy_classes[1:], {"Clock": {"hour": 9}})
    assert caught.value.field == "initial_config.Clock"
    assert "cannot set up simulator Clock: TypeError:" in str(caught.value)
    assert "unexpected keyword argument 'hour'" in str(caught.value)


def test_a_refusal_the_simulator_returns_is_a_normal_result(bank):
    result = bank.execute("transfer", {"source": "bob", "target": "alice", "amount": 500})
    assert result == ToolResult('{"error": "insufficient funds in bob"}')


def test_state_is_a_deep_copy_of_public_attributes(bank):
    snapshot = bank.state()
    assert "_opened" not in snapshot["Bank"]
    bank.execute("transfer", {"source": "alice", "target": "bob", "amount": 10})
    assert snapshot["Bank"]["balances"] == {"alice": 100, "bob": 50}
    snapshot["Bank"]["balances"]["alice"] = 0
    assert bank.state()["Bank"]["balances"] == {"alice": 90, "bob": 60}


def test_initial_config_is_copied_so_runs_never_share_it(toy_classes):
    config = {"Bank": {"balances": {"alice": 100, "bob": 50}}}
    first = ClassEnvironment(toy_classes[:1], config)
    first.execute("transfer", {"source": "alice", "target": "bob", "amount": 100})
    assert config == {"Bank": {"balances": {"alice": 100, "bob": 50}}}
    assert ClassEnvironment(toy_classes[:1], config).state()["Bank"]["balances"] == {"alice": 100, "bob": 50}


def test_long_context_reaches_load_scenario_and_a_class_without_it_gets_constructor_arguments(toy_classes):
    environment = ClassEnvironment(toy_classes, {"Clock": {"now": 600}}, long_context=True)
    assert environment.state() == {"Bank": {"balances": {"alice": 100, "bob": 50}, "transfers": [],
                                            "long_context": True},
                                   "Clock": {"now": 600}}
    assert environment.execute("advance", {"minutes": 15}).content == "615"
    assert ClassEnvironment(toy_classes[1:]).state() == {"Clock": {"now": 540}}


def test_a_name_resolves_to_the_first_class_that_has_it(toy_classes):
    bank_class, clock_class = toy_classes
    assert ClassEnvironment([bank_class, clock_class]).execute("ping", {}).content == "bank"
    assert ClassEnvironment([clock_class, bank_class]).execute("ping", {}).content == "clock"
    environment = ClassEnvironment([clock_class, bank_class])
    assert environment.owner("ping") == "Clock" and environment.owner("transfer") == "Bank"
    assert environment.tool_names == ("time", "advance", "ping", "balance", "transfer", "accounts", "greeting",
                                      "count", "tag", "add_label", "crash", "hang")
    assert str(environment.signature("transfer")) == "(source: 'str', target: 'str', amount: 'int') -> 'dict'"


def test_a_class_given_twice_is_refused(toy_classes):
    with pytest.raises(ValueError, match="simulator class Bank given twice"):
        ClassEnvironment([toy_classes[0], toy_classes[0]])


def test_fingerprint_changes_only_when_the_instance_does(bank):
    before = bank.fingerprint("balance")
    bank.execute("balance", {"account": "alice"})
    assert bank.fingerprint("balance") == before
    bank.execute("transfer", {"source": "alice", "target": "bob", "amount": 1})
    assert bank.fingerprint("balance") != before


def test_recorded_responses_answer_by_name_and_arguments_in_any_order():
    environment = RecordedEnvironment.from_records([
        ("weather", {"city": "Paris", "unit": "c"}, {"temperature": 21}),
        ("weather", {"city": "Oslo", "unit": "c"}, ToolResult.failure("city closed")),
        ("motd", {}, "hello"),
    ], tools=["news"])
    assert environment.tool_names == ("weather", "motd", "news")
    assert environment.execute("weather", {"unit": "c", "city": "Paris"}) == ToolResult('{"temperature": 21}')
    assert environment.execute("weather", {"city": "Oslo", "unit": "c"}).error == "city closed"
    assert environment.execute("motd", {}).content == "hello"
    assert environment.execute("weather", {"city": "Rome", "unit": "c"}).error == \
        "no recorded response for weather with these arguments"
    assert environment.execute("news", {}).error == "no recorded response for news with these arguments"
    assert environment.execute("stocks", {}).error == "unknown tool 'stocks'"
    assert environment.state() == {}


def test_canonical_arguments_ignore_key_order_and_keep_types_apart():
    assert canonical_arguments({"b": 1, "a": [1, 2]}) == canonical_arguments({"a": [1, 2], "b": 1})
    assert canonical_arguments({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    assert canonical_arguments({"a": 1}) != canonical_arguments({"a": "1"})


@pytest.mark.parametrize("value, text", [
    ({"a": 1}, '{"a": 1}'), ([1, "x"], '[1, "x"]'), ((1, 2), "[1, 2]"), ("plain", "plain"), (None, "None"),
    (3.5, "3.5"), ({"é": "ü"}, '{"é": "ü"}'),
    ({"when": datetime.date(2024, 1, 2)}, "{'when': datetime.date(2024, 1, 2)}"),  # not JSON: str() instead
])
def test_render_result(value, text):
    assert render_result(value) == text


def test_json_friendly_renders_objects_and_cuts_cycles():
    class Node:
        def __init__(self, name, parent=None):
            self.name, self.parent, self.children, self._hidden = name, parent, {}, 1

    root = Node("/")
    root.children["a"] = Node("a", root)
    assert json_friendly({"root": root, "tags": {"y", "x"}}) == {
        "root": {"__type__": "Node", "name": "/", "parent": None,
                 "children": {"a": {"__type__": "Node", "name": "a", "parent": "<Node (cycle)>", "children": {}}}},
        "tags": ["x", "y"]}


def test_a_missing_simulator_file_names_it(tmp_path):
    with pytest.raises(HarnessInputError, match="simulator file not found") as caught:
        load_simulator_classes(tmp_path / "absent.py", ["Bank"])
    assert caught.value.path == str(tmp_path / "absent.py")


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("class Bank:\n    def f(self)\n        pass\n")
    with pytest.raises(HarnessInputError) as caught:
        load_simulator_classes(path, ["Bank"])
    assert (caught.value.path, caught.value.line) == (str(path), 2)
    assert str(caught.value).startswith(f"{path}:2: syntax error in simulator file")


def test_a_file_failing_at_import_is_input_error(tmp_path):
    path = tmp_path / "fails.py"
    path.write_text("import json\nraise ValueError('no config')\n")
    with pytest.raises(HarnessInputError, match=r"failed to import: ValueError: no config \(run it with python"):
        load_simulator_classes(path, ["Bank"])


@pytest.mark.parametrize("name", ["Missing", "_Private", "helper"])
def test_a_name_that_is_not_a_class_of_the_file_lists_those_that_are(tmp_path, name):
    path = tmp_path / "sims.py"
    path.write_text("class Bank:\n    pass\n\nclass _Private:\n    pass\n\ndef helper():\n    pass\n")
    with pytest.raises(HarnessInputError) as caught:
        load_simulator_classes(path, [name])
    assert caught.value.field == "classes"
    assert str(caught.value) == (f"{path}: field 'classes': no simulator class {name!r} in the file "
                                 "(classes defined there: Bank, _Private)")


def test_an_edited_simulator_file_is_imported_again(tmp_path):
    path = tmp_path / "sims.py"
    path.write_text("class Bank:\n    def ping(self):\n        return 1\n")
    first = load_simulator_classes(path, ["Bank"])[0]
    path.write_text("class Bank:\n    def ping(self):\n        return 22\n\n")
    second = load_simulator_classes(path, ["Bank"])[0]
    assert ClassEnvironment([first]).execute("ping", {}).content == "1"
    assert ClassEnvironment([second]).execute("ping", {}).content == "22"


def test_recorded_responses_load_from_jsonl(tmp_path):
    path = tmp_path / "recorded.jsonl"
    path.write_text('{"name": "weather", "arguments": {"city": "Paris"}, "response": {"temperature": 21}}\n'
                    '\n'
                    '{"name": "weather", "arguments": {"city": "Oslo"}, "error": "city closed"}\n'
                    '{"name": "motd", "response": "hello"}\n', encoding="utf-8")
    environment = load_recorded_responses(path)
    assert environment.tool_names == ("weather", "motd")
    assert environment.execute("weather", {"city": "Paris"}) == ToolResult('{"temperature": 21}')
    assert environment.execute("weather", {"city": "Oslo"}) == ToolResult("Error: city closed", "city closed")
    assert environment.execute("motd", {}).content == "hello"


@pytest.mark.parametrize("line, message", [
    ('["weather"]', "a recorded call must be a JSON object"),
    ('{"arguments": {}, "response": 1}', "field 'name': the tool name must be a non-empty string"),
    ('{"name": "w", "arguments": [1], "response": 1}', "field 'arguments': arguments must be an object"),
    ('{"name": "w", "arguments": {}}', "field 'response': give exactly one of response and error"),
    ('{"name": "w", "response": 1, "error": "x"}', "field 'response': give exactly one of response and error"),
    ('{"name": "w", "error": 3}', "field 'error': error must be a string"),
    ('{"name": "w", "response": 1, "latency": 3}', "field 'latency': unknown field 'latency'"),
    ('{"name": "motd", "response": "again"}', "motd with these arguments is already recorded on line 1"),
])
def test_a_bad_recorded_line_names_the_file_line_and_field(tmp_path, line, message):
    path = tmp_path / "recorded.jsonl"
    path.write_text('{"name": "motd", "arguments": {}, "response": "hello"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(HarnessInputError) as caught:
        load_recorded_responses(path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)
    assert str(caught.value).startswith(f"{path}:2: {message}")


def test_bfcl_wording_renders_as_bfcls_execution_does():
    from harness.multiturn.environment import render_result_as_bfcl

    assert render_result_as_bfcl({"name": "é", "n": [1]}) == '{"name": "\\u00e9", "n": [1]}'
    assert render_result_as_bfcl(["a", "b"]) == "['a', 'b']" and render_result_as_bfcl(("a",)) == "('a',)"
    assert render_result_as_bfcl({"when": object}) == str({"when": object})  # JSON cannot hold it
    assert render_result_as_bfcl(None) == "None" and render_result_as_bfcl("text") == "text"
