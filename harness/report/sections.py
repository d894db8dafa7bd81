"""The built-in report sections, in report order: leaderboard, diagnosis of the fine-tune against the best
baseline, cost vs accuracy, per category, stage funnel, multi-turn conversations, most common errors, BFCL's
leaderboard layout, fine-tuning, learning curve. Each is registered as a plugin like any other
(`harness.report.section`)."""
from __future__ import annotations

from harness.report import tables
from harness.report.adequacy import forecast, training_adequacy
from harness.report.bfcl_board import bfcl_board, bfcl_notes
from harness.report.decision import contenders
from harness.report.diagnosis import diagnose
from harness.report.leaderboard import (candidate_facts, common_errors, detectable_difference, learning_curves,
                                        loss_curve_sample, loss_curves, per_category, stage_funnel, training_runs)
from harness.report.multi_turn import conversation_summary, funnel_columns
from harness.report.plots import cost_accuracy_png, learning_curve_png, loss_curve_png, priced
from harness.report.section import Figure, ReportInputs, Section, SectionPlugin


def _leaderboard(inputs: ReportInputs) -> Section:
    board = inputs.leaderboard
    detectable = detectable_difference(inputs.frame, alpha=inputs.alpha)
    notes = (tables.detectable_note(detectable), tables.groups_note(inputs.alpha, detectable))
    return Section("leaderboard", "Leaderboard", tables.leaderboard_table(board), notes=notes,
                   data={"leaderboard": board}, csv={"leaderboard.csv": board})


def _cost_accuracy(inputs: ReportInputs) -> Section:
    rows = priced(inputs.leaderboard)
    front = rows.loc[rows["on_front"], "candidate"].tolist()
    data = {"pareto_front": front}
    if rows.empty:
        return Section("cost_accuracy", "Cost vs accuracy", data=data,
                       text=("No candidate has a cost per call (no price for its model or device).",))
    board = inputs.leaderboard
    figure = Figure(lambda: cost_accuracy_png(board), "cost-accuracy-plot",
                    "Tool-call accuracy against cost per 1,000 calls")
    return Section("cost_accuracy", "Cost vs accuracy", figure=figure, data=data,
                   text=("Pareto front (no other candidate is both cheaper and more accurate): "
                         + ", ".join(front) + ".",))


def _per_category(inputs: ReportInputs) -> Section:
    table = per_category(inputs.frame, inputs.order)
    return Section("per_category", "Tool-call accuracy per category (%)", tables.per_category_table(table),
                   row_key=None, data={"per_category": table}, csv={"per_category.csv": table})


def _funnel(inputs: ReportInputs) -> Section:
    funnel = stage_funnel(inputs.frame, inputs.order)
    return Section("funnel", "Stage funnel", tables.funnel_table(funnel), notes=(tables.FUNNEL_NOTE,),
                   data={"funnel": funnel}, csv={"funnel.csv": funnel})


def _multi_turn(inputs: ReportInputs) -> Section:
    summary = conversation_summary(inputs.candidates, inputs.order)
    if summary.empty:
        return Section("multi_turn", "Multi-turn conversations", shown=False)
    return Section("multi_turn", "Multi-turn conversations", tables.multi_turn_table(summary, funnel_columns(summary)),
                   notes=(tables.MULTI_TURN_NOTE,), data={"multi_turn": summary}, csv={"multi_turn.csv": summary})


def _errors(inputs: ReportInputs) -> Section:
    errors = common_errors(inputs.frame, order=inputs.order)
    return Section("errors", "Most common errors", tables.errors_table(errors), empty="No candidate failed a case.",
                   data={"errors": errors},
                   csv={"errors.csv": errors.assign(examples=errors["examples"].map(" ".join))})


def _bfcl(inputs: ReportInputs) -> Section:
    candidates = [(candidate["name"], candidate.get("aggregates") or {}) for candidate in inputs.candidates]
    board = bfcl_board(candidates)
    return Section("bfcl", "BFCL leaderboard (%)", tables.bfcl_table(board), notes=tuple(bfcl_notes(candidates)),
                   data={"bfcl": board}, csv={"bfcl.csv": board}, shown=not board.empty)


def _training(inputs: ReportInputs) -> Section:
    runs = training_runs(inputs.frame)
    curves = loss_curves(inputs.frame)
    sample = loss_curve_sample(curves)
    text_tables = ((("Loss curve (a few of the logged points):", tables.loss_points_table(sample)),)
                   if not sample.empty else ())
    figure = Figure(lambda: loss_curve_png(curves), "loss-curve-plot", "Training and validation loss per step")
    return Section("training", "Fine-tuning", tables.training_table(runs), figure=figure, text_tables=text_tables,
                   data={"training": runs, "loss_curves": curves},
                   csv={"training.csv": runs, "loss_curves.csv": curves}, shown=not runs.empty)


def _diagnosis(inputs: ReportInputs) -> Section:
    fine_tune, baseline = contenders(inputs.leaderboard)
    facts = candidate_facts(inputs.frame)
    adequacies = [found for name, fact in facts.items() if (found := training_adequacy(name, fact.training))]
    if fine_tune is None or baseline is None:
        return Section("diagnosis", "Why: the fine-tune against the best baseline", shown=False, row_key=None,
                       data={"diagnosis": None, "training_adequacy": [a.to_json() for a in adequacies]})
    adequacy = next((a for a in adequacies if a.candidate == fine_tune), None)
    found = diagnose(inputs.frame, fine_tune, baseline, facts[fine_tune].training, adequacy, inputs.alpha)
    return Section("diagnosis", f"Why: {fine_tune} against {baseline}", tables.diagnosis_table(found),
                   text=tuple(found.sentences()) + tuple(a.sentence for a in adequacies), row_key=None,
                   notes=(tables.DIAGNOSIS_NOTE,),
                   data={"diagnosis": found.to_json(), "training_adequacy": [a.to_json() for a in adequacies]},
                   csv={"diagnosis.csv": tables.diagnosis_frame(found)})


def _learning_curve(inputs: ReportInputs) -> Section:
    curves = learning_curves(inputs.frame)
    board = inputs.leaderboard
    rows = board[~board["fine_tune"]]
    baselines = dict(zip(rows["candidate"], rows["tool_call_accuracy"]))
    fine_tune, baseline = contenders(board)
    facts = candidate_facts(inputs.frame)
    found = (forecast(fine_tune, facts[fine_tune].training, baseline, baselines[baseline])
             if fine_tune and baseline else None)
    figure = Figure(lambda: learning_curve_png(curves, baselines), "learning-curve-plot",
                    "Dev-split tool-call accuracy against training examples seen, baselines as lines")
    return Section("learning_curve", "Learning curve", tables.learning_curve_table(curves), figure=figure,
                   text=(found["sentence"],) if found else (), row_key=None,
                   notes=(tables.LEARNING_CURVE_NOTE,), data={"learning_curve": curves, "forecast": found},
                   csv={"learning_curve.csv": curves}, shown=not curves.empty)


LEADERBOARD = SectionPlugin("leaderboard", 10, _leaderboard)
LEARNING_CURVE = SectionPlugin("learning_curve", 75, _learning_curve)
DIAGNOSIS = SectionPlugin("diagnosis", 15, _diagnosis)
COST_ACCURACY = SectionPlugin("cost_accuracy", 20, _cost_accuracy)
PER_CATEGORY = SectionPlugin("per_category", 30, _per_category)
FUNNEL = SectionPlugin("funnel", 40, _funnel)
MULTI_TURN = SectionPlugin("multi_turn", 45, _multi_turn)
ERRORS = SectionPlugin("errors", 50, _errors)
BFCL = SectionPlugin("bfcl", 60, _bfcl)
TRAINING = SectionPlugin("training", 70, _training)
