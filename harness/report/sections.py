"""The built-in report sections, in report order: leaderboard, cost vs accuracy, per category, stage funnel, most
common errors, BFCL's leaderboard layout, fine-tuning. Each is registered as a plugin like any other
(`harness.report.section`)."""
from __future__ import annotations

from harness.report import tables
from harness.report.bfcl_board import bfcl_board, bfcl_notes
from harness.report.leaderboard import (common_errors, detectable_difference, loss_curve_sample, loss_curves,
                                        per_category, stage_funnel, training_runs)
from harness.report.plots import cost_accuracy_png, loss_curve_png, priced
from harness.report.section import Figure, ReportInputs, Section, SectionPlugin


def _leaderboard(inputs: ReportInputs) -> Section:
    board = inputs.leaderboard
    notes = (tables.detectable_note(detectable_difference(inputs.frame, alpha=inputs.alpha)),
             tables.groups_note(inputs.alpha))
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


LEADERBOARD = SectionPlugin("leaderboard", 10, _leaderboard)
COST_ACCURACY = SectionPlugin("cost_accuracy", 20, _cost_accuracy)
PER_CATEGORY = SectionPlugin("per_category", 30, _per_category)
FUNNEL = SectionPlugin("funnel", 40, _funnel)
ERRORS = SectionPlugin("errors", 50, _errors)
BFCL = SectionPlugin("bfcl", 60, _bfcl)
TRAINING = SectionPlugin("training", 70, _training)
