"""Multi-turn case files: a good file loads into cases with per-turn tools and working environments; each kind of
bad line is a one-line HarnessInputError naming the file, the line and the field."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harness.errors import HarnessInputError
from harness.multiturn.case import (
    MultiTurnCase, RecordedSpec, SimulatorSpec, environment_factory, load_multi_turn_cases,
    multi_turn_case_from_line,
)
from harness.multiturn.environment import ClassEnvironment
from harness.suite.cases import ToolCall

DATA = Path(__file__).with_name("data")
CASES = DATA / "bank_cases.jsonl"
TOY_FILE = Path(__file__).with_name("toy_bank.py")


def test_a_good_file_loads_every_field():
    first, second = load_multi_turn_cases(CASES)
    assert isinstance(first, MultiTurnCase)
    assert (first.id, first.category) == ("bank_0", "multi_turn_base")
    assert first.turns == (({"role": "user", "content": "Move 30 from alice to bob."},),
                           ({"role": "user", "content": "How much does bob have now?"},))
    assert [tool.name for tool in first.tools] == ["transfer", "balance", "crash"]
    assert first.tools[0].required == ("source", "target", "amount")
    assert first.environment == SimulatorSpec("../toy_bank.py", ("Bank",), {"Bank": {"balances": {"alice": 100,
                                                                                                   "bob": 50}}})
    assert first.expected == ((ToolCall("transfer", {"source": "alice", "target": "bob", "amount": 30}),),
                              (ToolCall("balance", {"account": "bob"}),))
    assert first.held_out_tools == {} and first.meta == {}
    # BFCL's `question` is read as the turns; a held-out tool is offered from its turn on
    assert second.turns[1] == ({"role": "user", "content": "I added a clock. What time is it?"},)
    assert second.held_out_tools == {"time": 1} and second.meta == {"source": "toy"}
    assert [tool.name for tool in second.tools_for_turn(0)] == ["accounts"]
    assert [tool.name for tool in second.tools_for_turn(1)] == ["accounts", "time"]


def test_the_environment_factory_makes_fresh_environments_in_the_initial_state():
    first, second = load_multi_turn_cases(CASES)
    make = environment_factory(first, DATA)
    one, two = make(), make()
    assert isinstance(one, ClassEnvironment) and one is not two
    one.execute("transfer", {"source": "alice", "target": "bob", "amount": 30})
    assert two.execute("balance", {"account": "bob"}).content == '{"account": "bob", "balance": 50}'
    assert environment_factory(second, DATA)().execute("time", {}).content == "600"
    # the classes are imported once and shared by every case of the file
    assert environment_factory(second, DATA)().class_names == ("Bank", "Clock")
    assert type(make().state) is type(environment_factory(second, DATA)().state)


def test_a_case_round_trips_through_its_json():
    for case in load_multi_turn_cases(CASES):
        assert multi_turn_case_from_line(json.loads(json.dumps(case.to_json())), CASES, 1) == case


def test_a_recorded_environment_answers_recorded_calls_and_knows_the_offered_tools(tmp_path):
    line = {"id": "r", "category": "recorded", "turns": ["Population of Paris?"],
            "tools": [{"name": "lookup", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
                      {"name": "weather"}],
            "environment": {"recorded": str(DATA / "bank_recorded.jsonl")},
            "expected": [[{"name": "lookup", "arguments": {"city": "Paris"}}]]}
    path = _write(tmp_path, line)
    case, = load_multi_turn_cases(path)
    assert isinstance(case.environment, RecordedSpec)
    environment = environment_factory(case, tmp_path)()
    assert environment.execute("lookup", {"city": "Paris"}).content == '{"population": 2100000}'
    assert environment.execute("weather", {}).error == "no recorded response for weather with these arguments"
    assert environment.execute("launch", {}).error == "unknown tool 'launch'"
    assert environment.state() == {} and environment.fingerprint("lookup") == b""


def test_a_recorded_case_whose_ground_truth_was_never_recorded_is_refused(tmp_path):
    line = {"id": "r", "category": "recorded", "turns": ["Population of Rome?"],
            "tools": [{"name": "lookup", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
            "environment": {"recorded": str(DATA / "bank_recorded.jsonl")},
            "expected": [[{"name": "lookup", "arguments": {"city": "Rome"}}]]}
    path = _write(tmp_path, line)
    with pytest.raises(HarnessInputError, match=r"cases.jsonl:1: field 'expected\[0\]\[0\]': no recorded response"):
        load_multi_turn_cases(path)


def _good_line() -> dict:
    line = json.loads(CASES.read_text().splitlines()[0])
    line["environment"]["simulator"] = str(TOY_FILE)
    return line


def _write(tmp_path: Path, *lines: dict | str) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def _bad(change) -> dict:
    line = copy.deepcopy(_good_line())
    change(line)
    return line


BAD_LINES = {
    "missing turns": (lambda line: line.pop("turns"), "turns", "non-empty list of turns"),
    "missing expected": (lambda line: line.pop("expected"), "expected", "expected must be a list"),
    "missing environment": (lambda line: line.pop("environment"), "environment", "either 'simulator'"),
    "missing id": (lambda line: line.pop("id"), "id", "non-empty string id"),
    "unknown field": (lambda line: line.update(extra=1), "extra", "unknown field"),
    "turns given twice": (lambda line: line.update(question=line["turns"]), "question", "not both"),
    "expected names a tool not offered": (
        lambda line: line["expected"][1].append({"name": "accounts", "arguments": {}}), "expected[1][1].name",
        "unknown tool 'accounts'"),
    "expected call whose arguments do not bind": (
        lambda line: line["expected"][0][0]["arguments"].update(currency="eur"), "expected[0][0].arguments",
        "do not fit transfer"),
    "expected turns fewer than user turns": (lambda line: line["expected"].pop(), "expected", "1 turns of expected"),
    "simulator file that does not exist": (
        lambda line: line["environment"].update(simulator="no_such_sim.py"), "environment.simulator",
        "file not found"),
    "class not in the simulator file": (
        lambda line: line["environment"].update(classes=["Vault"], initial_config={}), "environment.classes",
        "no simulator class 'Vault'"),
    "offered tool the simulator lacks": (
        lambda line: line["tools"].append({"name": "withdraw"}), "tools[3]", "no method of the simulator"),
    "initial state that does not fit": (
        lambda line: line["environment"].update(classes=["Bank", "Clock"], initial_config={"Clock": {"hour": 9}}),
        "environment.initial_config.Clock", "cannot set up simulator Clock"),
    "initial state for an unlisted class": (
        lambda line: line["environment"]["initial_config"].update(Clock={}), "environment.initial_config.Clock",
        "not one of the listed classes"),
    "held-out tool released at turn 0": (
        lambda line: line.update(held_out_tools={"0": ["balance"]}), "held_out_tools.0", "must be 1 to 1"),
    "expected call to a tool still held out": (
        lambda line: line.update(held_out_tools={"1": ["transfer"]}), "expected[0][0].name",
        "held out until turn 1"),
    "turn ending with an assistant message": (
        lambda line: line["turns"][1].append({"role": "assistant", "content": "hi"}), "turns[1][1].role",
        "must end with a user message"),
    "message with a bad role": (
        lambda line: line["turns"][0].insert(0, {"role": "robot", "content": "x"}), "turns[0][0].role",
        "role must be one of"),
    "bad tool schema": (
        lambda line: line["tools"][1]["parameters"].update(type="list"), "tools[1].parameters.type",
        "unknown type"),
}


@pytest.mark.parametrize("name", BAD_LINES)
def test_a_bad_line_names_the_file_the_line_and_the_field(tmp_path, name):
    change, field, message = BAD_LINES[name]
    path = _write(tmp_path, _good_line() | {"id": "fine"}, _bad(change))
    with pytest.raises(HarnessInputError) as raised:
        load_multi_turn_cases(path)
    error = raised.value
    assert (error.path, error.line, error.field) == (str(path), 2, field), str(error)
    assert message in error.message
    assert str(error).startswith(f"{path}:2: field '{field}': ")
    assert "\n" not in str(error)


def test_bad_json_names_the_file_and_the_line(tmp_path):
    path = _write(tmp_path, _good_line(), '{"id": "broken", "turns": [')
    with pytest.raises(HarnessInputError) as raised:
        load_multi_turn_cases(path)
    assert (raised.value.path, raised.value.line) == (str(path), 2)
    assert str(raised.value).startswith(f"{path}:2: invalid JSON")


def test_a_duplicate_id_and_an_empty_file_are_refused(tmp_path):
    with pytest.raises(HarnessInputError, match=r":2: field 'id': duplicate case id 'bank_0' \(first on line 1\)"):
        load_multi_turn_cases(_write(tmp_path, _good_line(), _good_line()))
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(HarnessInputError, match="no cases"):
        load_multi_turn_cases(tmp_path / "empty.jsonl")


def test_a_simulator_file_that_does_not_import_names_that_file_and_its_line(tmp_path):
    broken = tmp_path / "broken_sim.py"
    broken.write_text("class Bank:\n    def balance(self\n")
    path = _write(tmp_path, _bad(lambda line: line["environment"].update(simulator="broken_sim.py")))
    with pytest.raises(HarnessInputError) as raised:
        load_multi_turn_cases(path)
    assert raised.value.path == str(broken.resolve()) and raised.value.line is not None
    assert "syntax error" in raised.value.message


def test_loading_a_simulator_writes_nothing_into_the_suite_folder(tmp_path, monkeypatch):
    """Compiled from source: no `__pycache__` appears beside the suite's files, whatever the interpreter's
    bytecode setting; a traceback from the simulator still names its file."""
    import shutil
    import sys
    import traceback

    from harness.multiturn.simulator_file import load_simulator_classes

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    shutil.copy(Path(__file__).with_name("toy_bank.py"), tmp_path / "bank_sim.py")
    bank, = load_simulator_classes(tmp_path / "bank_sim.py", ["Bank"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bank_sim.py"]
    instance = bank()
    with pytest.raises(KeyError) as raised:
        instance.balance("nobody")
    assert str(tmp_path / "bank_sim.py") in "".join(traceback.format_tb(raised.value.__traceback__))
    (tmp_path / "bank.txt").write_text("class A: pass\n")
    with pytest.raises(HarnessInputError, match="not an importable Python file"):
        load_simulator_classes(tmp_path / "bank.txt", ["A"])
