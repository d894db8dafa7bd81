"""The time limit on tool calls: a method that never returns becomes that call's tool error and the conversation
goes on; an outer timer survives the limit; off the main thread a call runs unlimited."""
from __future__ import annotations

import functools
import signal
import threading
import time
from pathlib import Path

import pytest

from harness.errors import HarnessInputError
from harness.multiturn.case import environment_factory, load_multi_turn_cases
from harness.multiturn.loop import run_conversations, score_trajectory
from harness.multiturn.time_limit import CallTimedOut, call_with_time_limit, can_limit_time, time_limited
from harness.run.runner import run_suite
from harness.suite.load import load_suite
import tests.fake_backends  # noqa: F401  (registers fake-teller)
from tests.fake_backends import COUNTER_ENV
from tests.multiturn.scripted_backend import ScriptedBackend, call_text
from tests.multiturn.test_run_suite import write_suite

pytestmark = pytest.mark.skipif(not can_limit_time(), reason="needs SIGALRM on the main thread")

DATA = Path(__file__).with_name("data")
BANK, _ = load_multi_turn_cases(DATA / "bank_cases.jsonl")
LIMITED = time_limited(functools.partial(environment_factory, base_dir=DATA), 0.2)
TRANSFER = call_text("transfer", source="alice", target="bob", amount=30)
BALANCE = call_text("balance", account="bob")


def test_a_hanging_method_is_that_steps_tool_error_and_the_conversation_goes_on():
    backend = ScriptedBackend({"bank_0": [call_text("hang"), TRANSFER, "Done.", BALANCE, "80."]})
    started = time.monotonic()
    (trajectory,) = run_conversations(backend, [BANK], LIMITED)
    hung = trajectory.turns[0].steps[0].results[0]
    assert hung.error == "hang did not return within 0.2 s" and hung.content == "Error: " + hung.error
    assert backend.prompts["bank_0"][1].messages[-1]["content"] == "Error: hang did not return within 0.2 s"
    # the transfer after it ran in the same environment, and the checker's replay ends the same way
    assert trajectory.turns[0].steps[1].results[0].content == '{"source": 70, "target": 80}'
    verdict = score_trajectory(BANK, trajectory, LIMITED(BANK))
    assert verdict.passed and trajectory.steps == 5
    assert time.monotonic() - started < 5  # two limited calls, not a hang


def test_a_call_within_its_limit_returns_its_value_and_leaves_no_timer():
    handler = signal.getsignal(signal.SIGALRM)
    assert call_with_time_limit(lambda: 42, 5.0) == 42
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) is handler


def test_an_outer_timer_is_restored_and_a_sooner_one_stays_in_charge():
    class OuterAlarm(Exception):
        pass

    def outer(signum, frame):
        raise OuterAlarm

    previous = signal.signal(signal.SIGALRM, outer)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        with pytest.raises(CallTimedOut):
            call_with_time_limit(lambda: time.sleep(5), 0.05)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < left <= 30.0 and signal.getsignal(signal.SIGALRM) is outer
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # sooner than the call's limit: the outer timer fires
        with pytest.raises(OuterAlarm):
            call_with_time_limit(lambda: time.sleep(5), 10.0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_off_the_main_thread_a_call_runs_without_a_limit():
    answers = []
    worker = threading.Thread(target=lambda: answers.append(call_with_time_limit(lambda: time.sleep(0.1) or 7, 0.01)))
    worker.start()
    worker.join()
    assert answers == [7]


def test_the_suite_sets_the_limit_and_checks_it(tmp_path):
    path = write_suite(tmp_path)
    assert load_suite(path).spec.multi_turn.call_time_limit_s == 10.0
    path.write_text(path.read_text().replace("max_steps_per_turn: 3", "max_steps_per_turn: 3, call_time_limit_s: 0.5"))
    assert load_suite(path).spec.multi_turn.call_time_limit_s == 0.5
    path.write_text(path.read_text().replace("call_time_limit_s: 0.5", "call_time_limit_s: 0"))
    with pytest.raises(HarnessInputError) as error:
        load_suite(path)
    assert error.value.field == "multi_turn.call_time_limit_s" and error.value.line == 5


def test_run_suite_runs_and_scores_conversations_under_the_suites_limit(tmp_path, monkeypatch):
    import harness.run.conversations as conversations

    limits = []

    def recording(environments, seconds):
        limits.append(seconds)
        return time_limited(environments, seconds)

    monkeypatch.setattr(conversations, "time_limited", recording)
    monkeypatch.setenv(COUNTER_ENV, str(tmp_path / "counter"))
    path = write_suite(tmp_path / "suite")
    path.write_text(path.read_text().replace("max_steps_per_turn: 3", "max_steps_per_turn: 3, call_time_limit_s: 2"))
    results = run_suite(load_suite(path), progress=False, cache_dir=tmp_path / "cache")
    assert limits == [2.0] and sum(record.multi_turn is not None for record in results.records) == 2
