"""A results file as a pandas DataFrame: one row per (candidate, case) record, for reports, stats and gates.

Suite identity and the candidate entries (aggregates, training) ride along in `frame.attrs`.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from harness.results.file import CaseRecord, ResultsFile
from harness.scoring.metric import metrics

BOOL_COLUMNS = ("parsed", "schema_valid", "right_tools", "passed", "cached", "expects_call", "predicted_call")
COLUMNS = ("candidate", "case_id", "category", "parsed", "schema_valid", "right_tools", "passed", "error_type",
           "latency_ms", "ttft_ms", "input_tokens", "output_tokens", "cached", "expects_call", "predicted_call")


def load_results(path_or_results: str | Path | ResultsFile) -> pd.DataFrame:
    """One row per record: the stage columns (`COLUMNS`), then one column per registered metric holding its
    case value (`metric:<name>`; bools for per-case metrics, None where a record has no value);
    `cluster`: the case's cluster (the suite's `scoring.cluster`; `case:<id>` where none is recorded);
    `attrs["suite"]`, `attrs["candidates"]` (list of dicts).

    Tokens are nullable integers (`Int64`), latencies floats with NaN where not measured.
    """
    results = path_or_results if isinstance(path_or_results, ResultsFile) else ResultsFile.read(path_or_results)
    registered = metrics()
    frame = pd.DataFrame([_row(record, registered) for record in results.records],
                         columns=[*COLUMNS, *(metric_column(m.name) for m in registered)])
    frame = frame.astype({**{name: bool for name in BOOL_COLUMNS}, "latency_ms": float, "ttft_ms": float,
                          "input_tokens": "Int64", "output_tokens": "Int64"})
    clusters = {summary["id"]: summary["cluster"] for summary in results.cases if "cluster" in summary}
    frame["cluster"] = frame["case_id"].map(lambda case_id: clusters.get(case_id, f"case:{case_id}"))
    frame.attrs["suite"] = dict(results.suite)
    frame.attrs["candidates"] = [asdict(candidate) for candidate in results.candidates]
    return frame


def metric_column(name: str) -> str:
    """The frame column holding metric `name`'s case values."""
    return f"metric:{name}"


def _row(record: CaseRecord, registered) -> dict:
    row = {
        "candidate": record.candidate, "case_id": record.case_id, "category": record.category,
        "parsed": record.parsed, "schema_valid": record.schema_valid, "right_tools": record.right_tools,
        "passed": record.passed, "error_type": record.error_type,
        "latency_ms": record.latency_ms, "ttft_ms": record.ttft_ms,
        "input_tokens": record.input_tokens, "output_tokens": record.output_tokens,
        "cached": record.cached, "expects_call": record.expects_call, "predicted_call": record.predicted_call,
    }
    for metric in registered:
        row[metric_column(metric.name)] = record.metrics.get(metric.name)
    return row
