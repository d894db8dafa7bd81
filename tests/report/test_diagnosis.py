"""The fine-tune diagnosis (per category and stage, the loser's dominant failure, remedies) and training adequacy
(a validation loss still falling vs flat), on hand-built results whose every figure is counted by hand."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from harness.report.adequacy import training_adequacy
from harness.report.build import build_report
from harness.report.diagnosis import diagnose, dominant_failure, failure_kind
from harness.results.frame import load_results
from tests.report.report_builders import candidate, case_record, results_file

NO_CALL = dict(expects_call=False, parsed=True, schema_valid=True, right_tools=False,
               error_type="unexpected_call")


def _curve(eval_losses: list[float], every: int = 10) -> list[dict]:
    return [{"step": every * (i + 1), "epoch": 0.1 * (i + 1), "train_loss": loss + 0.05, "eval_loss": loss}
            for i, loss in enumerate(eval_losses)]


def _training(eval_losses, **fields) -> dict:
    return {"steps": 10 * len(eval_losses), "epochs": 0.25, "train_examples": 400, "examples_seen": 100,
            "wall_time_s": 20.0 * 10 * len(eval_losses), "cost_usd": 0.4, "loss_curve": _curve(eval_losses),
            "final_train_loss": eval_losses[-1] + 0.05, **fields}


def _results(training: dict | None = None):
    """20 no-call cases (irrelevance, even indices of 0..39) and 20 simple call cases (odd indices).
    The fine-tune calls a tool on 18 of the 20 irrelevance cases and passes 12 of 20 simple ones (the 8 others:
    5 wrong arguments, 3 wrong tools); the baseline passes 15 irrelevance cases and 6 simple ones (14 unparsed)."""
    records = []
    for i in range(40):
        irrelevance, k = i % 2 == 0, i // 2
        if irrelevance:
            ft_pass, base_pass = k >= 18, k < 15
            ft = case_record("lora", i, ft_pass, category="irrelevance",
                             **({} if ft_pass else NO_CALL), **({"expects_call": False} if ft_pass else {}))
            base = case_record("rag", i, base_pass, category="irrelevance",
                               **({} if base_pass else NO_CALL), **({"expects_call": False} if base_pass else {}))
        else:
            ft_fields = {} if k < 12 else ({"right_tools": True} if k < 17 else {"right_tools": False})
            ft = case_record("lora", i, k < 12, category="simple", **ft_fields)
            base = case_record("rag", i, k < 6, category="simple",
                               **({} if k < 6 else {"parsed": False, "schema_valid": False, "right_tools": False,
                                                    "calls": None, "error_type": "parse_error"}))
        records += [ft, base]
    lora = candidate("lora", lora=True)
    if training is not None:
        lora = dataclasses.replace(lora, training=training)
    return results_file([lora, candidate("rag", strategy="rag")], records)


def test_failure_kinds_follow_the_first_thing_that_went_wrong():
    base = dict(passed=False, expects_call=True, parsed=True, predicted_call=True, schema_valid=True,
                right_tools=True)
    assert failure_kind({**base, "passed": True}) is None
    assert failure_kind({**base, "expects_call": False}) == "called_on_no_call"
    assert failure_kind({**base, "parsed": False, "predicted_call": False}) == "unparsed"
    assert failure_kind({**base, "predicted_call": False}) == "no_call"
    assert failure_kind({**base, "schema_valid": False, "right_tools": False}) == "schema_invalid"
    assert failure_kind({**base, "right_tools": False}) == "wrong_tools"
    assert failure_kind(base) == "wrong_arguments"


def test_a_conversation_fails_by_its_first_failing_turns_kind_in_words():
    conversation = {"passed": False, "expects_call": True, "parsed": True, "predicted_call": True,
                    "schema_valid": True, "right_tools": True}
    assert failure_kind({**conversation, "error_type": "step_limit"}) == "step_limit"
    assert failure_kind({**conversation, "error_type": "state_mismatch"}) == "state_mismatch"
    assert failure_kind({**conversation, "error_type": "generation_error", "parsed": False}) == "unparsed"
    frame = pd.DataFrame([{**conversation, "candidate": "lora", "category": "multi_turn_base", "case_id": f"c{i}",
                           "error_type": kind} for i, kind in enumerate(["step_limit"] * 3 + ["empty_turn"])])
    failure = dominant_failure(frame, "lora", "multi_turn_base")
    assert failure.sentence == "lora keeps calling until the step limit cuts a turn off on 3 of 4 multi_turn_base cases"


def test_dominant_failure_counts_the_most_frequent_kind():
    frame = load_results(_results())
    found = dominant_failure(frame, "lora", "irrelevance")
    assert (found.kind, found.count, found.cases) == ("called_on_no_call", 18, 20)
    assert found.sentence == "lora calls a tool on 18 of 20 irrelevance cases"
    simple = dominant_failure(frame, "lora", "simple")
    assert (simple.kind, simple.count) == ("wrong_arguments", 5)
    assert dominant_failure(frame, "rag", "simple").kind == "unparsed"


def test_diagnosis_per_category_and_stage_with_paired_tests():
    diagnosis = diagnose(load_results(_results()), "lora", "rag")
    by_name = {(c.scope, c.name): c for c in diagnosis.contrasts}
    irrelevance = by_name[("category", "irrelevance")]
    assert (irrelevance.fine_tune_rate, irrelevance.baseline_rate, irrelevance.cases) == (0.1, 0.75, 20)
    assert (irrelevance.fine_tune_only, irrelevance.baseline_only) == (2, 15)  # base passes k 0-14, ft k 18-19
    assert irrelevance.leader == "baseline" and irrelevance.significant
    simple = by_name[("category", "simple")]
    assert (simple.fine_tune_rate, simple.baseline_rate, simple.leader) == (0.6, 0.3, "fine-tune")
    assert simple.p_value == pytest.approx(0.03125)  # 6 discordant pairs, all one way: 2 * 0.5**6
    parsed = by_name[("stage", "parsed")]
    assert (parsed.fine_tune_rate, parsed.baseline_rate) == (1.0, 26 / 40)
    sentences = diagnosis.sentences()
    assert sentences[0].startswith("irrelevance: rag wins (fine-tune 10.0% vs baseline 75.0% on 20 cases")
    assert sentences[0].endswith("; lora calls a tool on 18 of 20 irrelevance cases.")
    assert "simple: lora wins" in sentences[1] and "rag writes no parseable call on 14 of 20 simple cases" in sentences[1]
    assert diagnosis.remedies == ()  # no training record: no remedy can be computed


def test_a_no_call_remedy_names_the_train_splits_share_and_what_was_seen():
    training = _training([0.5, 0.45, 0.45], no_call_examples=70)
    diagnosis = diagnose(load_results(_results(training)), "lora", "rag", training=training)
    assert diagnosis.remedies == ("Remedy: lora's train split has 17.5% no-call examples (70 of 400); it saw about "
                                  "18 of them. More no-call examples, or more training, target its calls on "
                                  "irrelevance cases.",)


def test_a_validation_loss_still_falling_is_provisional_and_priced():
    adequacy = training_adequacy("lora", _training([0.9, 0.7, 0.5, 0.3]))
    assert adequacy.still_falling and adequacy.provisional
    assert adequacy.window == 3 and adequacy.trend_per_1k_steps == pytest.approx(-20.0)  # -0.2 per 10 steps
    assert adequacy.extra_steps == 120  # 300 more examples to one epoch at 2.5 examples per step
    assert adequacy.extra_seconds == pytest.approx(120 * 20.0) and adequacy.extra_cost_usd == pytest.approx(1.2)
    assert adequacy.gap == pytest.approx(-0.05)
    assert adequacy.sentence.startswith("Provisional, under-trained: lora trained 40 steps (0.25 epochs)")
    assert "Training to one epoch takes 120 more steps (~40 min, $1.20)" in adequacy.sentence


def test_a_flat_or_noisy_loss_is_not_falling():
    flat = training_adequacy("lora", _training([0.9, 0.5, 0.401, 0.399, 0.400]))
    assert flat.still_falling is False and not flat.provisional and "is flat" in flat.sentence
    noisy = training_adequacy("lora", _training([0.42, 0.38, 0.41, 0.37]))  # drop of 0.04 against scatter
    assert noisy.still_falling is False


def test_too_few_evaluations_cannot_tell_and_no_training_is_none():
    few = training_adequacy("lora", _training([0.9, 0.5]))
    assert few.still_falling is None and not few.provisional and "no trend to judge" in few.sentence
    assert training_adequacy("rag", None) is None


def test_the_report_says_provisional_and_shows_the_diagnosis():
    report = build_report(load_results(_results(_training([0.9, 0.7, 0.5, 0.3], no_call_examples=70))))
    assert report.decision.provisional and report.decision.sentence.startswith(
        "provisional, as the fine-tune is under-trained (its validation loss was still falling, 0.900 -> 0.300")
    section = next(s for s in report.sections if s.name == "diagnosis")
    assert section.shown and section.title == "Why: lora against rag"
    assert list(section.table.iloc[:, 0])[:2] == ["category: irrelevance", "category: simple"]
    assert any(line.startswith("Remedy: lora's train split") for line in section.text)
    assert section.data["diagnosis"]["failures"][0]["sentence"] == "lora calls a tool on 18 of 20 irrelevance cases"


def test_no_diagnosis_without_both_sides():
    results = _results()
    only_baseline = dataclasses.replace(results, candidates=results.candidates[1:],
                                        records=tuple(r for r in results.records if r.candidate == "rag"))
    section = next(s for s in build_report(load_results(only_baseline)).sections if s.name == "diagnosis")
    assert section.shown is False and section.data["diagnosis"] is None


def _learning(values, seen=(100, 200, 400, 800)):
    return [{"step": 10 * (i + 1), "examples_seen": n, "tool_call_accuracy": v, "relevance_f1": 0.5, "cases": 16}
            for i, (n, v) in enumerate(zip(seen, values))]


def test_the_learning_curve_section_forecasts_where_the_fine_tune_meets_the_baseline():
    import math

    # dev accuracy 0.1 ln(examples) - 0.45: the baseline's 0.5 (rag passes 15 + 6 of 40 = 0.525) at e^9.75
    values = [0.1 * math.log(n) - 0.45 for n in (100, 200, 400, 800)]
    training = _training([0.9, 0.7, 0.5, 0.3], learning_curve=_learning(values), examples_seen=800, steps=40)
    report = build_report(load_results(_results(training)))
    section = next(s for s in report.sections if s.name == "learning_curve")
    assert section.shown and list(section.table["examples seen"]) == ["100", "200", "400", "800"]
    forecast = section.data["forecast"]
    assert forecast["examples"] == math.ceil(math.exp((0.525 + 0.45) / 0.1))
    assert forecast["more_training"]["steps"] == math.ceil((forecast["examples"] - 800) / 20)
    assert section.text[0].startswith("lora's learning curve (dev split) rises +6.9 points per doubling of the "
                                      "examples and would reach rag's 52.5% at about 17,")
    assert section.figure.draw()[:4] == b"\x89PNG"


def test_a_flat_learning_curve_is_not_on_the_trend():
    training = _training([0.9, 0.7, 0.5, 0.3], learning_curve=_learning([0.2, 0.2, 0.2, 0.2]))
    section = next(s for s in build_report(load_results(_results(training))).sections if s.name == "learning_curve")
    assert section.text[0].endswith("rag's 52.5% is not on this trend.")


def test_no_learning_curve_section_without_a_curve():
    section = next(s for s in build_report(load_results(_results(_training([0.5, 0.4, 0.4])))).sections
                   if s.name == "learning_curve")
    assert section.shown is False
