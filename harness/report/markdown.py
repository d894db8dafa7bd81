"""A `Report` as a markdown document: the decision first, then leaderboard, categories, funnel, errors, training.

Plain pipe tables (tabulate), so the document reads the same on GitHub and in a terminal.
"""
from __future__ import annotations

import pandas as pd

from harness.report import tables
from harness.report.build import Report


def render_markdown(report: Report) -> str:
    sections = [_header(report), f"**Decision.** {report.decision.sentence}.", _leaderboard(report),
                _cost_accuracy(report), _section("Tool-call accuracy per category (%)",
                                                 tables.per_category_table(report.per_category)),
                _section("Stage funnel", tables.funnel_table(report.funnel), tables.FUNNEL_NOTE),
                _section("Most common errors", tables.errors_table(report.errors),
                         empty="No candidate failed a case.")]
    if not report.bfcl.empty:
        sections.append(_section("BFCL leaderboard (%)", tables.bfcl_table(report.bfcl), *report.bfcl_notes))
    if not report.training.empty:
        sections.append(_training(report))
    return "\n\n".join(sections) + "\n"


def title(report: Report) -> str:
    suite = report.suite
    return f"{suite.get('name', 'results')} v{suite.get('version', '?')}: leaderboard report"


def subtitle(report: Report) -> str:
    suite = report.suite
    parts = [f"{report.detectable['cases']} cases", f"scoring mode {suite.get('scoring_mode', '?')}",
             f"suite hash {str(suite.get('hash', ''))[:12]}"]
    if report.sources:
        parts.append("from " + ", ".join(report.sources))
    return " · ".join(parts)


def _header(report: Report) -> str:
    return f"# {title(report)}\n\n{subtitle(report)}"


def _leaderboard(report: Report) -> str:
    notes = [tables.detectable_note(report.detectable), tables.groups_note(report.decision.alpha)]
    return _section("Leaderboard", tables.leaderboard_table(report.leaderboard), *notes)


def _cost_accuracy(report: Report) -> str:
    rows = report.cost_accuracy
    if rows.empty:
        return "## Cost vs accuracy\n\nNo candidate has a cost per call (no price for its model or device)."
    front = rows[rows["on_front"]]["candidate"].tolist()
    return ("## Cost vs accuracy\n\nPareto front (no other candidate is both cheaper and more accurate): "
            + ", ".join(front) + ".")


def _training(report: Report) -> str:
    text = _section("Fine-tuning", tables.training_table(report.training))
    if not report.loss_curve_sample.empty:
        text += "\n\nLoss curve (a few of the logged points):\n\n" + _markdown(
            tables.loss_points_table(report.loss_curve_sample))
    return text


def _section(heading: str, table: pd.DataFrame, *notes: str, empty: str = "(none)") -> str:
    body = _markdown(table) if not table.empty else empty
    return "\n\n".join([f"## {heading}", body, *notes])


def _markdown(table: pd.DataFrame) -> str:
    return table.to_markdown(index=False, disable_numparse=True)
