"""The learning curve: dev-split scores recorded at every evaluation of a real (tiny) training run, and the
extrapolation to the best baseline checked on synthetic curves whose answer is known."""
from __future__ import annotations

import math

import pytest

from harness.suite.candidate import LoraSpec
from harness.training.learning_curve import extrapolate
from harness.training.trainer import TrainingRun, train_lora

FAST = {"batch_size": 8, "max_length": 256, "learning_rate": 5e-3, "r": 8, "alpha": 16}


def _curve(values, seen=(100, 200, 400, 800, 1600)):
    return [{"step": i + 1, "examples_seen": n, "tool_call_accuracy": v} for i, (n, v) in enumerate(zip(seen, values))]


def test_an_exact_log_linear_curve_meets_the_target_where_the_line_says():
    # accuracy = 0.05 ln(examples) - 0.1: 0.5 at ln(x) = 12, x = e^12
    points = _curve([0.05 * math.log(n) - 0.1 for n in (100, 200, 400, 800, 1600)])
    found = extrapolate(points, target=0.5)
    assert found.on_trend and found.examples == math.ceil(math.exp(12))
    assert found.low == found.high == found.examples  # no scatter: no uncertainty
    assert found.slope_per_doubling == pytest.approx(0.05 * math.log(2))
    assert found.points == 4  # the last four points


def test_a_noisy_rising_curve_gives_an_interval_around_the_estimate():
    found = extrapolate(_curve([0.10, 0.16, 0.19, 0.27, 0.29]), target=0.45)
    assert found.on_trend and found.low <= found.examples
    assert found.high is None or found.high >= found.examples


def test_flat_falling_reached_and_short_curves_are_not_on_trend():
    assert not extrapolate(_curve([0.3, 0.3, 0.3, 0.3]), target=0.5).on_trend
    assert not extrapolate(_curve([0.4, 0.35, 0.3, 0.25]), target=0.5).on_trend
    reached = extrapolate(_curve([0.2, 0.4, 0.6]), target=0.5)
    assert reached.reached and not reached.on_trend
    short = extrapolate(_curve([0.1, 0.2]), target=0.5)
    assert short.slope_per_doubling is None and not short.on_trend


def test_training_records_dev_scores_at_every_evaluation(tiny, synthetic_examples, tmp_path):
    model, tokenizer = tiny
    lora = LoraSpec(max_steps=4, validation_fraction=0.2, dev_examples=3, **FAST)
    run = train_lora(model, tokenizer, synthetic_examples, lora, seed=0, output_dir=tmp_path / "adapter")
    evaluations = [p.step for p in run.loss_curve if p.eval_loss is not None]
    assert [p["step"] for p in run.learning_curve] == evaluations and len(evaluations) >= 3
    seen = [p["examples_seen"] for p in run.learning_curve]
    assert seen == sorted(seen) and seen[-1] == run.examples_seen
    for point in run.learning_curve:
        assert point["cases"] == 3
        assert 0.0 <= point["tool_call_accuracy"] <= 1.0 and 0.0 <= point["relevance_f1"] <= 1.0
    stored = TrainingRun.from_json(run.to_json())
    assert stored.learning_curve == run.learning_curve


def _example(*answers: str):
    from harness.training.examples import TrainingExample

    messages = [{"role": "user", "content": "hi"}]
    for answer in answers:
        messages += [{"role": "assistant", "content": answer}, {"role": "user", "content": "<tool_response>{}</tool_response>"}]
    return TrainingExample(tuple(messages[:-1]))


CALL = '<tool_call>{"name": "f", "arguments": {}}</tool_call>'


def test_a_conversation_is_no_no_call_example_and_is_kept_out_of_the_dev_scores():
    from harness.training.metrics import no_call_count, single_answer_examples

    conversation, called, declined = _example(CALL, "Done."), _example(CALL), _example("No tool needed.")
    assert conversation.is_conversation and not called.is_conversation
    assert conversation.answer == "Done." and conversation.assistant_answers == (CALL, "Done.")
    # the conversation's last answer is text, but it called a tool first: it does not teach declining
    assert no_call_count([conversation, called, declined]) == 1
    assert single_answer_examples([conversation, called, conversation, declined], 2) == (called, declined)
    assert single_answer_examples([conversation, called, declined], 1) == (called,)
