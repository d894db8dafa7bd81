"""The multi-turn checker on hand-made trajectories against the toy bank: verdicts, error kinds, wasted calls."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.multiturn.checker import (
    ConversationVerdict, ResponseRule, TurnErrorKind, check_conversation, state_differences,
)
from harness.multiturn.environment import ClassEnvironment, RecordedEnvironment
from harness.multiturn.simulator_file import load_simulator_classes
from harness.suite.cases import ToolCall

BANK, CLOCK = load_simulator_classes(Path(__file__).with_name("toy_bank.py"), ["Bank", "Clock"])
CONFIG = {"Bank": {"balances": {"alice": 100, "bob": 50}}}


def fresh_bank():
    return ClassEnvironment([BANK, CLOCK], CONFIG)


def transfer(source, target, amount):
    return ("transfer", {"source": source, "target": target, "amount": amount})


def balance(account):
    return ("balance", {"account": account})


def check(model, expected, **options) -> ConversationVerdict:
    return check_conversation(model, expected, fresh_bank, **options)


def test_the_ground_truth_itself_passes():
    expected = [[transfer("alice", "bob", 30), balance("bob")], [("advance", {"minutes": 5})]]
    verdict = check(expected, expected)
    assert verdict.passed is True
    assert verdict.first_failure is None and verdict.error is None
    assert verdict.turn_accuracy == 1.0
    assert verdict.calls_per_turn == (2, 1)
    assert verdict.wasted_calls == 0
    assert [turn.checked for turn in verdict.turns] == [True, True]


def test_calls_may_be_tool_calls_or_pairs():
    expected = [[transfer("alice", "bob", 30)]]
    model = [[ToolCall(name="transfer", arguments={"amount": 30, "target": "bob", "source": "alice"})]]
    assert check(model, expected).passed is True


def test_a_wrong_argument_is_a_state_mismatch_naming_the_attributes():
    verdict = check([[transfer("alice", "bob", 20)]], [[transfer("alice", "bob", 30)]])
    assert verdict.passed is False
    assert verdict.error is TurnErrorKind.STATE_MISMATCH
    assert verdict.turns[0].detail == "differs from the ground truth: Bank.balances, Bank.transfers"
    assert verdict.turn_accuracy == 0.0
    assert verdict.wasted_calls == 0  # it changed state, so it is not wasted (only wrong)


def test_a_missing_read_only_call_is_a_missing_response():
    verdict = check([[transfer("alice", "bob", 30)]], [[transfer("alice", "bob", 30), balance("bob")]])
    assert verdict.error is TurnErrorKind.MISSING_RESPONSE
    assert verdict.turns[0].detail == """1 ground-truth result(s) not returned: '{"account": "bob", "balance": 80}'"""


def test_an_extra_read_only_call_still_passes_and_is_counted_as_wasted():
    verdict = check([[balance("alice"), transfer("alice", "bob", 30), ("crash", {})]],
                    [[transfer("alice", "bob", 30)]])
    assert verdict.passed is True
    assert verdict.turns[0].wasted_calls == (0, 2)  # the look-up nobody needed and the failed call
    assert verdict.wasted_calls == 2
    assert verdict.calls_per_turn == (3,)


def test_a_repeated_look_up_is_wasted_once():
    verdict = check([[transfer("alice", "bob", 30), balance("bob"), balance("bob")]],
                    [[transfer("alice", "bob", 30), balance("bob")]])
    assert verdict.passed is True
    assert verdict.turns[0].wasted_calls == (2,)


def test_a_look_up_repeated_in_a_later_turn_is_used_there_not_wasted():
    # The BFCL rule would accept the earlier turn's equal result; the repeat made in this turn is the one used.
    expected = [[balance("alice")], [balance("alice")]]
    verdict = check(expected, expected)
    assert verdict.passed is True
    assert verdict.wasted_calls == 0


def test_an_extra_state_changing_call_fails():
    verdict = check([[transfer("alice", "bob", 30), transfer("bob", "alice", 1)]], [[transfer("alice", "bob", 30)]])
    assert verdict.error is TurnErrorKind.STATE_MISMATCH


def test_an_empty_turn_fails_before_anything_else():
    verdict = check([[transfer("alice", "bob", 30)], []], [[transfer("alice", "bob", 30)], [balance("alice")]])
    assert verdict.passed is False
    assert verdict.first_failure == 1
    assert verdict.error is TurnErrorKind.EMPTY_TURN
    assert [turn.passed for turn in verdict.turns] == [True, False]
    assert verdict.turn_accuracy == 0.5


def test_a_cut_off_turn_fails_with_its_calls_right_and_a_held_out_one_too():
    expected = [[transfer("alice", "bob", 30)], [], [balance("bob")]]
    model = [[transfer("alice", "bob", 30), balance("bob")], [balance("alice")], [balance("bob")]]
    assert check(model, expected).passed
    verdict = check(model, expected, cut_off=[True, True, False])
    assert [turn.passed for turn in verdict.turns] == [False, False, True]
    assert [turn.error for turn in verdict.turns] == [TurnErrorKind.STEP_LIMIT, TurnErrorKind.STEP_LIMIT, None]
    assert verdict.turn_accuracy == 0.5  # turn 1 was not judged, so only turn 0 counts against it
    assert verdict.wasted_calls == 2  # the look-ups the ground truth did not need
    with pytest.raises(ValueError, match="2 cut-off flags for 3 turns"):
        check(model, expected, cut_off=[True, False])


def test_the_first_failing_turn_is_identified_in_a_longer_conversation():
    expected = [[transfer("alice", "bob", 10)], [transfer("bob", "alice", 5)], [balance("alice")],
                [("advance", {"minutes": 30})]]
    model = [[transfer("alice", "bob", 10)], [transfer("bob", "alice", 6)], [balance("alice")],
             [("advance", {"minutes": 30})]]
    verdict = check(model, expected)
    assert verdict.first_failure == 1
    assert verdict.error is TurnErrorKind.STATE_MISMATCH
    # Later turns are judged on the diverged states, so they fail too (the bank differs, though the clock agrees).
    assert [(turn.passed, turn.error) for turn in verdict.turns] == [
        (True, None), (False, TurnErrorKind.STATE_MISMATCH), (False, TurnErrorKind.STATE_MISMATCH),
        (False, TurnErrorKind.STATE_MISMATCH)]
    assert verdict.turn_accuracy == 0.25
    assert verdict.to_json()["turns"][1]["error"] == "state_mismatch"
    assert verdict.to_json()["first_failure"] == 1
    assert ConversationVerdict.from_json(json.loads(json.dumps(verdict.to_json()))) == verdict


def test_a_turn_without_ground_truth_is_not_judged_but_its_calls_still_run():
    expected = [[balance("alice")], [], [transfer("alice", "bob", 10)]]
    # The model does the held-out turn's transfer early: turn 1 is not judged, but the state then differs.
    verdict = check([[balance("alice")], [transfer("alice", "bob", 50)], [transfer("alice", "bob", 10)]], expected)
    assert [(turn.checked, turn.passed) for turn in verdict.turns] == [(True, True), (False, True), (True, False)]
    assert verdict.error is TurnErrorKind.STATE_MISMATCH
    assert verdict.turn_accuracy == 0.5  # over the two judged turns
    assert check([[balance("alice")], [], [transfer("alice", "bob", 10)]], expected).passed is True


def test_bfcl_rule_accepts_a_result_from_an_earlier_turn_and_any_order():
    expected = [[balance("alice")], [balance("alice"), balance("bob")]]
    early = [[balance("alice"), balance("bob")], [("time", {})]]
    assert check(early, expected).passed is True
    swapped = [[balance("alice")], [balance("bob"), balance("alice")]]
    assert check(swapped, expected).passed is True
    strict = check(early, expected, response_rule=ResponseRule.IN_ORDER)
    assert strict.error is TurnErrorKind.MISSING_RESPONSE and strict.first_failure == 1
    assert check(swapped, expected, response_rule=ResponseRule.IN_ORDER).error is TurnErrorKind.MISSING_RESPONSE
    assert check(expected, expected, response_rule=ResponseRule.IN_ORDER).passed is True


def test_an_unknown_tool_or_bad_arguments_in_the_answer_are_just_failed_calls():
    verdict = check([[("withdraw", {"amount": 5}), ("transfer", {"source": "alice"}), transfer("alice", "bob", 30)]],
                    [[transfer("alice", "bob", 30)]])
    assert verdict.passed is True
    assert verdict.turns[0].wasted_calls == (0, 1)


def test_a_ground_truth_error_result_must_be_reproduced():
    expected = [[balance("carol")]]
    assert check([[balance("carol")]], expected).passed is True
    assert check([[balance("alice")]], expected).error is TurnErrorKind.MISSING_RESPONSE


def test_recorded_responses_are_scored_on_responses_alone():
    def recorded():
        return RecordedEnvironment.from_records([("search", {"q": "x"}, ["hit"]), ("search", {"q": "y"}, [])])
    verdict = check_conversation([[("search", {"q": "y"}), ("search", {"q": "x"})]], [[("search", {"q": "x"})]],
                                 recorded)
    assert verdict.passed is True and verdict.turns[0].wasted_calls == (0,)
    missing = check_conversation([[("search", {"q": "z"})]], [[("search", {"q": "x"})]], recorded)
    assert missing.error is TurnErrorKind.MISSING_RESPONSE


def test_turn_counts_must_agree():
    with pytest.raises(ValueError, match="1 model turns for 2 expected turns"):
        check([[]], [[], []])


def test_state_differences_compare_the_ground_truth_attributes_only():
    expected = {"Bank": {"balances": {"a": 1}, "log": []}}
    assert state_differences({"Bank": {"balances": {"a": 1}, "log": [], "extra": 1}}, expected) == []
    assert state_differences({"Bank": {"balances": {"a": 2}}}, expected) == ["Bank.balances", "Bank.log"]
    assert state_differences({}, expected) == ["Bank.balances", "Bank.log"]
