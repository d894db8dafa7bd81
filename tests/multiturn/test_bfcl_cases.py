"""BFCL v4's multi-turn entries as MultiTurnCases: all 200 of each category convert, keep BFCL's turns, tools,
held-out functions and ground truth, pass our checker with the ground truth as the answer, and survive the
JSONL round trip; a bad line is an error naming it."""
from __future__ import annotations

import functools
import json
import zipfile

import pytest

from harness.errors import HarnessInputError
from harness.integrations.bfcl.wheel import read_bfcl_jsonl
from harness.multiturn.bfcl_cases import (
    BFCL_MULTI_TURN_CATEGORIES, BfclEnvironmentSpec, bfcl_case_environment, bfcl_multi_turn_cases,
    read_bfcl_multi_turn_jsonl, write_bfcl_multi_turn_jsonl,
)
from harness.multiturn.checker import check_conversation
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY

CATEGORIES = list(BFCL_MULTI_TURN_CATEGORIES)
#: BFCL's user message for a held-out turn, as bfcl-eval 2026.3.23 words it (the module reads it from the wheel).
HELD_OUT_PROMPT = "I have updated some more functions you can choose from. What about now?"
#: BFCL's class -> function-doc file mapping, written out here to check the one the module reads from the wheel.
#: Entries whose ground truth calls a function before the turn releasing it (flagged, kept as BFCL has them).
GROUND_TRUTH_DEFECTS = {"multi_turn_miss_func_49": "expected[1][1] calls 'tail', which is held out until turn 3"}
DOC_FILES = {"GorillaFileSystem": "gorilla_file_system.json", "MathAPI": "math_api.json",
             "MessageAPI": "message_api.json", "TwitterAPI": "posting_api.json", "TicketAPI": "ticket_api.json",
             "TradingBot": "trading_bot.json", "TravelAPI": "travel_booking.json",
             "VehicleControlAPI": "vehicle_control.json"}




@functools.cache
def _cases(category: str):
    return bfcl_multi_turn_cases(category)


@functools.cache
def _doc_names(wheel, class_name: str) -> tuple[str, ...]:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(f"bfcl_eval/data/multi_turn_func_doc/{DOC_FILES[class_name]}").decode()
    return tuple(json.loads(line)["name"] for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_entry_converts_with_bfcl_turns_and_calls(wheel, category):
    entries = read_bfcl_jsonl(wheel, f"BFCL_v4_{category}.json")
    answers = {row["id"]: row["ground_truth"]
               for row in read_bfcl_jsonl(wheel, f"possible_answer/BFCL_v4_{category}.json")}
    cases = _cases(category)
    assert len(cases) == len(entries) == 200
    for case, entry in zip(cases, entries):
        assert case.id == entry["id"] and case.category == category
        assert len(case.turns) == len(entry["question"])
        assert [len(calls) for calls in case.expected] == [len(calls) for calls in answers[case.id]]
        for turn, messages in zip(case.turns, entry["question"]):
            assert list(turn) == messages or (not messages and turn == ({"role": "user", "content": HELD_OUT_PROMPT},))
        involved = {name: state for name, state in entry["initial_config"].items() if name in entry["involved_classes"]}
        assert case.environment == BfclEnvironmentSpec(tuple(entry["involved_classes"]), involved,
                                                       category == "multi_turn_long_context")
        assert all(tool.parameters["type"] == "object" for tool in case.tools)  # BFCL's "dict" normalised


@pytest.mark.parametrize("category", CATEGORIES)
def test_held_out_tools_are_offered_from_their_turn_on(wheel, category):
    entries = {entry["id"]: entry for entry in read_bfcl_jsonl(wheel, f"BFCL_v4_{category}.json")}
    for case in _cases(category):
        entry = entries[case.id]
        missed = {name: int(turn) for turn, names in (entry.get("missed_function") or {}).items() for name in names}
        assert case.held_out_tools == missed
        assert bool(missed) == (category == "multi_turn_miss_func")
        documented = [name for class_name in entry["involved_classes"] for name in _doc_names(wheel, class_name)]
        for turn in range(len(case.turns)):
            offered = [tool.name for tool in case.tools_for_turn(turn)]
            # BFCL's order: the docs without the held-out functions, each appended at the turn releasing it
            released = sorted((name for name, first in missed.items() if first <= turn), key=missed.get)
            assert offered == [name for name in documented if name not in missed] + released
            for name, first in missed.items():
                assert (name in offered) == (turn >= first)
                assert turn != first or not entry["question"][turn]  # released on BFCL's empty turn
    flagged = {case.id: case.meta[GROUND_TRUTH_DEFECT_KEY] for case in _cases(category)
               if GROUND_TRUTH_DEFECT_KEY in case.meta}
    assert flagged == {key: value for key, value in GROUND_TRUTH_DEFECTS.items() if key.startswith(category + "_")}


@pytest.mark.parametrize("category", CATEGORIES)
def test_ground_truth_as_the_answer_passes(wheel, category):
    failures = {}
    for case in _cases(category):
        verdict = check_conversation(case.expected, case.expected, bfcl_case_environment(case))
        if not verdict.passed:
            failures[case.id] = verdict.turns[verdict.first_failure].detail
        else:
            assert verdict.calls_per_turn == tuple(len(calls) for calls in case.expected)
    assert failures == {}


@pytest.mark.parametrize("category", CATEGORIES)
def test_jsonl_round_trip_gives_equal_cases(wheel, tmp_path, category):
    path = tmp_path / f"{category}.jsonl"
    written = write_bfcl_multi_turn_jsonl(category, path)
    assert written == _cases(category)
    assert not [entry for entry in tmp_path.iterdir() if entry.name.startswith(".")]  # no scratch file left
    assert read_bfcl_multi_turn_jsonl(path) == written


def _written_lines(tmp_path, category="multi_turn_miss_func"):
    path = tmp_path / "cases.jsonl"
    write_bfcl_multi_turn_jsonl(category, path)
    return path, path.read_text().splitlines()


def test_a_line_that_is_not_json_is_named(wheel, tmp_path):
    path, lines = _written_lines(tmp_path)
    lines[2] = lines[2][:-40]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(HarnessInputError) as caught:
        read_bfcl_multi_turn_jsonl(path)
    assert caught.value.line == 3 and caught.value.path == str(path)
    assert f"{path}:3" in str(caught.value)


@pytest.mark.parametrize("corrupt, field", [
    (lambda data: data["expected"][0].__setitem__(0, {"name": "no_such_tool", "arguments": {}}), "expected[0][0].name"),
    (lambda data: data["expected"][0][0].__setitem__("arguments", {"no_such_argument": 1}),
     "expected[0][0].arguments"),
    (lambda data: data["environment"].update(bfcl_classes=["NoSuchAPI"], initial_config={}),
     "environment.bfcl_classes"),
    (lambda data: data["environment"]["initial_config"].__setitem__("NoSuchAPI", {}),
     "environment.initial_config.NoSuchAPI"),
    (lambda data: data["environment"].__setitem__("long_context", True), "environment.long_context"),
    (lambda data: data["environment"].pop("bfcl_classes"), "environment"),
    (lambda data: data.__setitem__("held_out_tools", {"1": ["no_such_tool"]}), "held_out_tools.1"),
    (lambda data: data["tools"][0]["function"].__setitem__("name", "not_a_method"), "tools[0]"),
    (lambda data: data["turns"].__setitem__(1, []), "turns[1]"),
    (lambda data: data.__setitem__("extra", 1), "extra"),
    (lambda data: _call_held_out_tool_early(data), "expected[0][0].name"),
])
def test_a_corrupted_field_is_named_with_its_line(wheel, tmp_path, corrupt, field):
    path, lines = _written_lines(tmp_path)
    data = json.loads(lines[4])
    corrupt(data)
    lines[4] = json.dumps(data)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(HarnessInputError) as caught:
        read_bfcl_multi_turn_jsonl(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 5, field)


def _call_held_out_tool_early(data):
    """Copy the first call of a held-out tool into turn 0, before the turn releasing it."""
    name = next(iter(data["held_out_tools"].values()))[0]
    call = next(call for calls in data["expected"] for call in calls if call["name"] == name)
    data["expected"][0].insert(0, call)


def test_a_defect_flag_must_match_the_ground_truth(wheel, tmp_path):
    path, lines = _written_lines(tmp_path)
    line = next(number for number, text in enumerate(lines) if '"multi_turn_miss_func_49"' in text)
    data = json.loads(lines[line])
    assert data["meta"][GROUND_TRUTH_DEFECT_KEY] == GROUND_TRUTH_DEFECTS["multi_turn_miss_func_49"]
    del data["meta"][GROUND_TRUTH_DEFECT_KEY]  # unflagged, the early call is an error at the call
    lines[line] = json.dumps(data)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(HarnessInputError) as caught:
        read_bfcl_multi_turn_jsonl(path)
    assert (caught.value.line, caught.value.field) == (line + 1, "expected[1][1].name")

    data = json.loads(lines[0])
    data["meta"][GROUND_TRUTH_DEFECT_KEY] = "made up"  # a flag on a sound case
    lines[0] = json.dumps(data)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(HarnessInputError) as caught:
        read_bfcl_multi_turn_jsonl(path)
    assert (caught.value.line, caught.value.field) == (1, f"meta.{GROUND_TRUTH_DEFECT_KEY}")


def test_an_unknown_category_is_refused(wheel):
    with pytest.raises(HarnessInputError, match="not a BFCL multi-turn category"):
        bfcl_multi_turn_cases("multi_turn_composite")
