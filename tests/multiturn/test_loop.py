"""The conversation loop against the toy bank with a scripted backend: results fed back, turn ends, step limits,
errors fed to the model, batching across conversations, scoring, replayed trajectories; then the tiny model."""
from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import pytest

from tests.tiny_cache import private_tiny_cache

from harness.backends.base import Generation
from harness.backends.prompt_format import text_chat
from harness.multiturn.case import environment_factory, load_multi_turn_cases
from harness.multiturn.checker import TurnErrorKind
from harness.multiturn.loop import Step, Trajectory, TurnRecord, run_conversations, score_trajectory
from harness.multiturn.environment import ToolResult
from harness.suite.cases import ToolCall
from tests.multiturn.scripted_backend import ScriptedBackend, call_text

DATA = Path(__file__).with_name("data")
BANK, CLOCK_CASE = load_multi_turn_cases(DATA / "bank_cases.jsonl")
ENVIRONMENTS = functools.partial(environment_factory, base_dir=DATA)

TRANSFER = call_text("transfer", source="alice", target="bob", amount=30)
BALANCE = call_text("balance", account="bob")


def run(script, cases=(BANK,), default="Done.", **options):
    backend = ScriptedBackend(script, default=default)
    return backend, run_conversations(backend, list(cases), ENVIRONMENTS, **options)


def score(trajectory, case=BANK):
    return score_trajectory(case, trajectory, ENVIRONMENTS(case))


def test_calls_run_their_results_go_back_and_a_text_answer_ends_the_turn():
    outputs = [TRANSFER, "Moved 30 to bob.", BALANCE, "Bob has 80."]
    backend, (trajectory,) = run({"bank_0": outputs})
    prompts = backend.prompts["bank_0"]
    assert len(prompts) == 4
    # step 2 of turn 0 sees the assistant's call and the tool's answer
    call_message, tool_message = prompts[1].messages[-2:]
    assert call_message == {"role": "assistant", "content": "", "tool_calls": [
        {"id": "call_0_0_0", "type": "function",
         "function": {"name": "transfer", "arguments": {"source": "alice", "target": "bob", "amount": 30}}}]}
    assert tool_message == {"role": "tool", "tool_call_id": "call_0_0_0", "name": "transfer",
                            "content": '{"source": 70, "target": 80}'}
    rendered = text_chat(prompts[1].messages, prompts[1].tools)
    assert rendered[-1] == {"role": "user", "content": '<tool_response>{"source": 70, "target": 80}</tool_response>'}
    assert rendered[-2]["content"].startswith('<tool_call>{"name": "transfer"')
    # the text answer ends turn 0 and is kept; turn 1's user message follows it
    assert prompts[2].messages[-2:] == ({"role": "assistant", "content": "Moved 30 to bob."}, BANK.turns[1][0])
    # turn 1 runs in the same environment: bob's balance includes turn 0's transfer
    assert prompts[3].messages[-1]["content"] == '{"account": "bob", "balance": 80}'
    assert [len(turn.steps) for turn in trajectory.turns] == [2, 2]
    assert [turn.step_limit for turn in trajectory.turns] == [False, False]
    first = trajectory.turns[0].steps[0]
    assert first.output == TRANSFER and first.parse_error is None and first.generation_error is None
    assert first.results == (ToolResult('{"source": 70, "target": 80}'),)
    assert trajectory.executed_calls == [[ToolCall("transfer", {"source": "alice", "target": "bob", "amount": 30})],
                                         [ToolCall("balance", {"account": "bob"})]]
    assert trajectory.steps == 4 and trajectory.latency_ms == 10.0
    assert trajectory.input_tokens == 10 * (1 + 3 + 5 + 7) and trajectory.output_tokens == sum(len(o.split()) for o in outputs)
    verdict = score(trajectory)
    assert verdict.passed and verdict.calls_per_turn == (1, 1) and verdict.wasted_calls == 0


def test_a_wrong_argument_fails_with_a_state_mismatch():
    wrong = call_text("transfer", source="alice", target="bob", amount=20)
    _, (trajectory,) = run({"bank_0": [wrong, "Done.", BALANCE, "Bob has 70."]})
    verdict = score(trajectory)
    assert not verdict.passed and verdict.first_failure == 0
    assert verdict.error is TurnErrorKind.STATE_MISMATCH


def test_parallel_calls_in_one_step_each_get_a_tool_message():
    both = call_text("balance", account="alice") + "\n" + BALANCE
    backend, (trajectory,) = run({"bank_0": [both, "ok"]})
    assert [(m["tool_call_id"], m["content"]) for m in backend.prompts["bank_0"][1].messages[-2:]] == [
        ("call_0_0_0", '{"account": "alice", "balance": 100}'), ("call_0_0_1", '{"account": "bob", "balance": 50}')]
    assert len(trajectory.turns[0].steps[0].calls) == 2


def test_a_model_that_always_calls_is_cut_off_at_the_step_limit_every_turn():
    backend, (trajectory,) = run({}, default=call_text("balance", account="alice"), max_steps_per_turn=3)
    assert [len(turn.steps) for turn in trajectory.turns] == [3, 3]
    assert [turn.step_limit for turn in trajectory.turns] == [True, True]
    assert len(backend.prompts["bank_0"]) == 6
    # turn 1's user message comes straight after the last tool result of turn 0
    assert [m["role"] for m in backend.prompts["bank_0"][3].messages[-2:]] == ["tool", "user"]
    verdict = score(trajectory)
    assert verdict.error is TurnErrorKind.STEP_LIMIT and not verdict.passed
    assert verdict.turns[0].detail.startswith("cut off by the step limit, still calling; and state_mismatch:")


def test_a_turn_cut_off_by_the_step_limit_fails_though_its_calls_were_right():
    """BFCL fails a conversation it force-terminates; the later turns are still judged for per-turn credit."""
    backend, (trajectory,) = run({"bank_0": [TRANSFER, BALANCE, BALANCE, BALANCE, "Bob has 80."]}, max_steps_per_turn=3)
    assert [turn.step_limit for turn in trajectory.turns] == [True, False]
    verdict = score(trajectory)
    assert not verdict.passed and verdict.first_failure == 0 and verdict.error is TurnErrorKind.STEP_LIMIT
    assert verdict.turns[0].detail == "cut off by the step limit, still calling"  # its state and results were right
    assert verdict.turns[1].passed and verdict.turn_accuracy == 0.5
    uncut = dataclasses.replace(trajectory, turns=tuple(dataclasses.replace(turn, step_limit=False)
                                                        for turn in trajectory.turns))
    assert score(uncut).passed  # the same calls in a turn that ended in words pass


def test_an_unknown_tool_and_bad_arguments_are_fed_back_as_errors():
    script = [call_text("withdraw", amount=5), call_text("transfer", source="alice"), "Sorry, I cannot."]
    backend, (trajectory,) = run({"bank_0": script})
    prompts = backend.prompts["bank_0"]
    assert prompts[1].messages[-1]["content"] == "Error: unknown tool 'withdraw'"
    assert prompts[2].messages[-1]["content"].startswith("Error: bad arguments to transfer: missing a required")
    first, second, third = trajectory.turns[0].steps
    assert first.results[0].error == "unknown tool 'withdraw'" and not first.results[0].ok
    assert "target" in second.results[0].error
    assert third.calls == () and third.output == "Sorry, I cannot."
    assert [call.name for call in trajectory.executed_calls[0]] == ["withdraw", "transfer"]


def test_a_crashing_method_is_that_steps_tool_error_and_the_run_goes_on():
    backend, (trajectory,) = run({"bank_0": [call_text("crash"), TRANSFER, "Done.", BALANCE, "80."]})
    crashed = trajectory.turns[0].steps[0].results[0]
    assert crashed.error == "crash failed: RuntimeError: boom"
    assert backend.prompts["bank_0"][1].messages[-1]["content"] == "Error: crash failed: RuntimeError: boom"
    assert trajectory.steps == 5 and score(trajectory).passed  # the failed call changed nothing


def test_a_parse_error_is_a_text_answer_with_the_error_recorded():
    broken = '<tool_call>{"name": "transfer", "arguments": {</tool_call>'
    backend, (trajectory,) = run({"bank_0": [broken, BALANCE, "80."]})
    step = trajectory.turns[0].steps[0]
    assert step.calls == () and "not valid JSON" in step.parse_error
    assert backend.prompts["bank_0"][1].messages[-2:] == ({"role": "assistant", "content": broken},
                                                          BANK.turns[1][0])
    assert score(trajectory).error is TurnErrorKind.EMPTY_TURN


def test_a_generation_error_ends_the_turn_and_the_conversation_goes_on():
    failure = Generation(error_type="generation_error", error="prompt longer than the context", latency_ms=1.0)
    backend, (trajectory,) = run({"bank_0": [failure, BALANCE, "Bob has 50."]})
    failed, = trajectory.turns[0].steps
    assert failed.generation_error == "prompt longer than the context"
    assert failed.generation_error_type == "generation_error" and failed.calls == ()
    assert trajectory.turns[0].generation_error == "prompt longer than the context"
    # nothing is appended for the failed answer: turn 1 follows turn 0's user message
    assert backend.prompts["bank_0"][1].messages == (BANK.turns[0][0], BANK.turns[1][0])
    assert len(trajectory.turns[1].steps) == 2
    assert score(trajectory).error is TurnErrorKind.EMPTY_TURN


def test_an_openai_message_output_is_read_and_its_text_kept():
    message = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "x", "type": "function", "function": {"name": "transfer", "arguments": json.dumps(
            {"source": "alice", "target": "bob", "amount": 30})}}]}
    _, (trajectory,) = run({"bank_0": [message, {"role": "assistant", "content": "Done."}, BALANCE, "80."]})
    assert score(trajectory).passed


def test_conversations_are_batched_each_round_and_proceed_independently():
    cases = [dataclasses.replace(BANK, id=name) for name in ("a", "b", "c")]
    script = {"a": [TRANSFER, "done", "text"],  # 3 prompts
              "b": ["text", "text"],  # 2 prompts
              "c": [TRANSFER, BALANCE, "done", "text"]}  # 4 prompts
    backend, trajectories = run(script, cases=cases)
    assert backend.batches == [3, 3, 2, 1]
    assert [trajectory.case_id for trajectory in trajectories] == ["a", "b", "c"]
    assert [trajectory.steps for trajectory in trajectories] == [3, 2, 4]
    # each conversation has its own environment: c's second call sees only its own transfer
    assert trajectories[2].turns[0].steps[1].results[0].content == '{"account": "bob", "balance": 80}'


def test_tools_are_offered_per_turn_and_the_system_prompt_comes_first():
    backend, (trajectory,) = run({"bank_1": [call_text("accounts"), "alice, bob", call_text("time"), "10:00"]},
                                 cases=[CLOCK_CASE],
                                 opening=lambda case: [{"role": "system", "content": "You are a bank clerk."}, *case.turns[0]])
    prompts = backend.prompts["bank_1"]
    assert [[tool.name for tool in prompt.tools] for prompt in prompts] == [["accounts"]] * 2 + [["accounts", "time"]] * 2
    assert prompts[0].messages[0] == {"role": "system", "content": "You are a bank clerk."}
    assert prompts[3].messages[-1]["content"] == "600"
    assert score(trajectory, CLOCK_CASE).passed


def test_a_replayed_trajectory_equals_the_original_and_scores_the_same():
    script = {"bank_0": [call_text("withdraw"), TRANSFER, "Done.", BALANCE, "80."],
              "w": [call_text("transfer", source="alice", target="bob", amount=20), "Done."]}
    wrong = dataclasses.replace(BANK, id="w")
    _, trajectories = run(script, cases=[BANK, wrong])
    for case, trajectory in zip([BANK, wrong], trajectories):
        replayed = Trajectory.from_json(json.loads(json.dumps(trajectory.to_json())))
        assert replayed == trajectory
        assert score(replayed, case) == score(trajectory, case)
    assert [score(t, c).passed for c, t in zip([BANK, wrong], trajectories)] == [True, False]
    written = trajectories[0].to_json()
    assert written["steps"] == 5 and written["executed_calls"][0][0] == {"name": "withdraw", "arguments": {}}


def test_a_trajectory_from_hand_made_steps_scores_and_refuses_another_case():
    trajectory = Trajectory("bank_0", (TurnRecord((Step(TRANSFER, (ToolCall("transfer", {
        "source": "alice", "target": "bob", "amount": 30}),)),)), TurnRecord((Step(BALANCE, (ToolCall(
            "balance", {"account": "bob"}),)),))))
    assert score(trajectory).passed and trajectory.latency_ms is None and trajectory.input_tokens is None
    with pytest.raises(ValueError, match="scored against case 'bank_1'"):
        score_trajectory(CLOCK_CASE, trajectory, ENVIRONMENTS(CLOCK_CASE))


def test_bad_options_are_refused_before_any_generation():
    from harness.errors import HarnessInputError

    backend = ScriptedBackend({})
    with pytest.raises(ValueError):
        run_conversations(backend, [BANK], ENVIRONMENTS, max_steps_per_turn=0)
    with pytest.raises(HarnessInputError):
        run_conversations(backend, [BANK], ENVIRONMENTS, decoder="no-such-decoder")
    assert backend.batches == []


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    """A private cache with tiny built once (tests/tiny_cache.py)."""
    with private_tiny_cache(tmp_path_factory.mktemp("cache")):
        yield


def test_the_tiny_model_runs_two_conversations_end_to_end(tiny_cache):
    from harness.backends.base import GenerationSpec
    from harness.backends.hf import HFBackend

    backend = HFBackend("tiny", GenerationSpec(max_new_tokens=16, batch_size=4), device="cpu")
    batches, generate = [], backend.generate
    backend.generate = lambda prompts: batches.append(len(prompts)) or generate(prompts)
    cases = [BANK, CLOCK_CASE]
    trajectories = run_conversations(backend, cases, ENVIRONMENTS, max_steps_per_turn=2)
    assert batches[0] == 2 and all(1 <= size <= 2 for size in batches) and len(batches) <= 4
    assert [trajectory.case_id for trajectory in trajectories] == ["bank_0", "bank_1"]
    for case, trajectory in zip(cases, trajectories):
        assert len(trajectory.turns) == len(case.turns)
        for turn in trajectory.turns:
            assert 1 <= len(turn.steps) <= 2
            assert turn.step_limit == (len(turn.steps) == 2 and bool(turn.steps[-1].calls))
            for step in turn.steps:
                assert step.generation_error is None and isinstance(step.output, str)
                assert step.input_tokens > 0 and 0 < step.output_tokens <= 16 and step.latency_ms > 0
                assert len(step.results) == len(step.calls)
        assert trajectory.steps == sum(len(turn.steps) for turn in trajectory.turns)
        assert trajectory.output_tokens == sum(s.output_tokens for t in trajectory.turns for s in t.steps)
        verdict = score(trajectory, case)
        assert len(verdict.turns) == len(case.turns) and isinstance(verdict.passed, bool)
        assert Trajectory.from_json(json.loads(json.dumps(trajectory.to_json()))) == trajectory
