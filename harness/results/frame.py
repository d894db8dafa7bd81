"""A results file as a pandas DataFrame: one row per (candidate, case) record, for reports, stats and gates.

Suite identity and the candidate entries (aggregates, training) ride along in `frame.attrs`.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from harness.results.file import CaseRecord, ResultsFile

#: Aggregate metrics that are the mean of one per-case 0/1 outcome, and that outcome's column. Only these
#: can be compared case by case (McNemar); F1s and latencies are not per-case pass/fail.
CASE_METRICS = {
    "tool_call_accuracy": "passed",
    "schema_validity": "schema_valid",
    "parse_rate": "parsed",
    "right_tools_rate": "right_tools",
    "relevance_accuracy": "relevance_correct",
}

BOOL_COLUMNS = ("parsed", "schema_valid", "right_tools", "passed", "cached", "expects_call", "predicted_call",
                "relevance_correct")
COLUMNS = ("candidate", "case_id", "category", "parsed", "schema_valid", "right_tools", "passed", "error_type",
           "latency_ms", "ttft_ms", "input_tokens", "output_tokens", "cached", "expects_call", "predicted_call",
           "relevance_correct")


def load_results(path_or_results: str | Path | ResultsFile) -> pd.DataFrame:
    """One row per record (columns: `COLUMNS`); `attrs["suite"]`, `attrs["candidates"]` (list of dicts).

    `relevance_correct` is True when the case's call/no-call decision was right (expects_call ==
    predicted_call), the per-case outcome behind relevance accuracy. Tokens are nullable integers (`Int64`),
    latencies floats with NaN where not measured.
    """
    results = path_or_results if isinstance(path_or_results, ResultsFile) else ResultsFile.read(path_or_results)
    frame = pd.DataFrame([_row(record) for record in results.records], columns=list(COLUMNS))
    frame = frame.astype({**{name: bool for name in BOOL_COLUMNS}, "latency_ms": float, "ttft_ms": float,
                          "input_tokens": "Int64", "output_tokens": "Int64"})
    frame.attrs["suite"] = dict(results.suite)
    frame.attrs["candidates"] = [asdict(candidate) for candidate in results.candidates]
    return frame


def metric_column(metric: str) -> str:
    """The frame column behind `metric`, given either as an aggregate name or as a column name."""
    if metric in CASE_METRICS:
        return CASE_METRICS[metric]
    if metric in CASE_METRICS.values():
        return metric
    raise KeyError(f"{metric!r} is not a per-case pass/fail metric; use one of {', '.join(CASE_METRICS)}")


def _row(record: CaseRecord) -> dict:
    return {
        "candidate": record.candidate, "case_id": record.case_id, "category": record.category,
        "parsed": record.parsed, "schema_valid": record.schema_valid, "right_tools": record.right_tools,
        "passed": record.passed, "error_type": record.error_type,
        "latency_ms": record.latency_ms, "ttft_ms": record.ttft_ms,
        "input_tokens": record.input_tokens, "output_tokens": record.output_tokens,
        "cached": record.cached, "expects_call": record.expects_call, "predicted_call": record.predicted_call,
        "relevance_correct": record.expects_call == record.predicted_call,
    }
