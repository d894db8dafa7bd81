"""The headline table: one row per candidate with the metrics every run reports.

Used by `harness run` / `harness score` (written as results.md) and `harness show` (stdout).
"""
from __future__ import annotations

import pandas as pd

from harness.report.bfcl_board import bfcl_board, bfcl_notes
from harness.results.file import ResultsFile
from harness.scoring.metric import metrics

#: Cost column: USD per 1,000 calls (tokens x list price, or device time x device-hour price).
COST_COLUMN = "$ / 1k calls"
#: Metrics left out of the headline table (the funnel and per-call figures live in the report).
_LEFT_OUT = ("right_tools_rate", "schema_validity_per_call")


def summary_frame(results: ResultsFile) -> pd.DataFrame:
    """One row per candidate; rates as percentages, latency in ms, tokens as per-case means."""
    rows = []
    for candidate in results.candidates:
        agg = candidate.aggregates
        row = {"candidate": candidate.name, "cases": agg.get("cases", 0)}
        for metric in metrics():
            if metric.name not in _LEFT_OUT:
                row[metric.title] = _percent(agg.get(metric.name))
        latency = agg.get("latency_ms") or {}
        tokens = agg.get("tokens") or {}
        row["p50 ms"] = _round(latency.get("p50"))
        row["p95 ms"] = _round(latency.get("p95"))
        row["tokens in"] = _round(tokens.get("input_mean"))
        row["tokens out"] = _round(tokens.get("output_mean"))
        row[COST_COLUMN] = _significant(agg.get("cost_per_1k_calls_usd"))
        rows.append(row)
    return pd.DataFrame(rows)


def _round(value):
    return None if value is None else round(value, 1)


def _significant(value, digits: int = 3):
    """Costs span orders of magnitude (a tiny local model vs a hosted one): keep significant digits."""
    return None if value is None else float(f"{value:.{digits}g}")


def summary_markdown(results: ResultsFile) -> str:
    """Markdown: a title line naming suite, version, hash and mode, then the table (rates in %)."""
    suite = results.suite
    title = (f"**{suite['name']}** v{suite['version']} · {suite['cases']} cases · "
             f"mode `{suite['scoring_mode']}` · suite hash `{suite['hash'][:12]}`")
    frame = summary_frame(results)
    if frame.empty:
        return title + "\n\n(no candidates were run)\n"
    text = (title + "\n\n" + frame.to_markdown(index=False, missingval="–") + "\n\nRates in %; '–' = not measured. "
            + COST_NOTE + "\n")
    return text + bfcl_markdown(results)


COST_NOTE = ("Cost: USD per 1,000 calls, from tokens x the model's list price (hosted) or mean latency x the "
             "device-hour price (local); example prices, override them in the suite's `prices:`.")


def bfcl_markdown(results: ResultsFile) -> str:
    """The BFCL leaderboard table (that release's columns) and its notes; empty for non-BFCL suites."""
    candidates = [(candidate.name, candidate.aggregates) for candidate in results.candidates]
    board = bfcl_board(candidates)
    if board.empty:
        return ""
    shown = board.copy()
    for column in shown.columns:
        if column not in ("candidate", "release", "latency mean s"):
            shown[column] = shown[column].map(_percent)
    shown["latency mean s"] = shown["latency mean s"].map(lambda value: None if value is None else round(value, 2))
    text = "\nBFCL leaderboard (rates in %):\n\n" + shown.to_markdown(index=False, missingval="–") + "\n"
    return text + "".join(f"\n{note}\n" for note in bfcl_notes(candidates))


def _percent(value):
    return None if value is None else round(100 * value, 1)
