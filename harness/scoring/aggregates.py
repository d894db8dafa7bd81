"""Per-candidate aggregate metrics computed from case records (rates, micro F1s, latency, tokens, cost).

Aggregates are derived data: recomputing them from the records of a results file (and, for cost, the unit
prices recorded beside them) gives the same numbers.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from harness.integrations.bfcl.summary import bfcl_summary
from harness.results.file import CaseRecord
from harness.scoring.counts import PRFCounts
from harness.scoring.relevance import RelevanceCounts, relevance_scores

if TYPE_CHECKING:
    from harness.run.pricing import CallCost


def aggregate(records: Sequence[CaseRecord], cost: "CallCost | None" = None) -> dict:
    """Every headline metric for one candidate's records; see docs/metrics.md for definitions.

    `cost` is `harness.run.pricing.cost_per_1k_calls` of the same records (None: not priced).
    """
    n = len(records)
    if n == 0:
        return {"cases": 0}
    calls = _sum_counts(r.call_counts for r in records)
    arguments = _sum_counts(r.argument_counts for r in records)
    relevance = relevance_scores(_relevance(r) for r in records)
    calls_total = sum(r.calls_total for r in records)
    by_category: dict[str, list[CaseRecord]] = defaultdict(list)
    for record in records:
        by_category[record.category].append(record)
    aggregates = {
        "cases": n,
        "tool_call_accuracy": _rate(r.passed for r in records),
        "parse_rate": _rate(r.parsed for r in records),
        "schema_validity": _rate(r.schema_valid for r in records),
        "schema_validity_per_call": (sum(r.calls_valid for r in records) / calls_total) if calls_total else None,
        "right_tools_rate": _rate(r.right_tools for r in records),
        "relevance_accuracy": relevance["accuracy"],
        "relevance_f1": relevance["f1"],
        "relevance_precision": relevance["precision"],
        "relevance_recall": relevance["recall"],
        "call_precision": calls.precision, "call_recall": calls.recall, "call_f1": calls.f1,
        "argument_precision": arguments.precision, "argument_recall": arguments.recall,
        "argument_f1": arguments.f1,
        "errors": dict(sorted(Counter(r.error_type for r in records if r.error_type).items())),
        "latency_ms": _latency(records),
        "ttft_ms": _ttft(records),
        "tokens": _tokens(records),
        "generations": _generations(records),
        **_cost(cost),
        "per_category": {
            category: {"cases": len(group), "tool_call_accuracy": _rate(r.passed for r in group)}
            for category, group in sorted(by_category.items())
        },
    }
    bfcl = bfcl_summary(records)
    if bfcl is not None:
        aggregates["bfcl"] = bfcl
    return aggregates


def _rate(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def _sum_counts(counts: Iterable[dict]) -> PRFCounts:
    total = PRFCounts()
    for item in counts:
        if item:
            total = total + PRFCounts.from_json(item)
    return total


def _relevance(record: CaseRecord) -> RelevanceCounts:
    predicted = record.predicted_call
    return RelevanceCounts(
        true_positive=int(record.expects_call and predicted),
        false_positive=int(not record.expects_call and predicted),
        false_negative=int(record.expects_call and not predicted),
        true_negative=int(not record.expects_call and not predicted),
    )


def _latency(records: Sequence[CaseRecord]) -> dict | None:
    values = np.array([r.latency_ms for r in records if r.latency_ms is not None], dtype=float)
    if values.size == 0:
        return None
    out_tokens = sum(r.output_tokens or 0 for r in records if r.latency_ms is not None)
    return {
        "mean": float(values.mean()),
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
        "output_tokens_per_s": (out_tokens / (values.sum() / 1000.0)) if values.sum() > 0 else None,
    }


def _ttft(records: Sequence[CaseRecord]) -> dict | None:
    """Time to first token, only measured where the backend streams."""
    values = np.array([r.ttft_ms for r in records if r.ttft_ms is not None], dtype=float)
    if values.size == 0:
        return None
    return {"p50": float(np.percentile(values, 50)), "mean": float(values.mean()), "cases": int(values.size)}


def _generations(records: Sequence[CaseRecord]) -> dict:
    """How many outputs the model produced in this run and how many came from the generation cache."""
    cached = sum(1 for r in records if r.cached)
    return {"generated": len(records) - cached, "cached": cached}


def _cost(cost: "CallCost | None") -> dict:
    if cost is None:
        return {"cost_per_1k_calls_usd": None, "cost_basis": None, "cost_prices": None}
    return cost.to_aggregates()


def _tokens(records: Sequence[CaseRecord]) -> dict | None:
    known = [r for r in records if r.input_tokens is not None and r.output_tokens is not None]
    if not known:
        return None
    total_in = sum(r.input_tokens for r in known)
    total_out = sum(r.output_tokens for r in known)
    return {"input_total": total_in, "output_total": total_out,
            "input_mean": total_in / len(known), "output_mean": total_out / len(known), "cases": len(known)}
