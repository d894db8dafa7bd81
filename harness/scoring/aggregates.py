"""Per-candidate aggregate metrics computed from case records (rates, micro F1s, latency, tokens, cost).

Aggregates are derived data: recomputing them from the records of a results file (and, for cost, the unit
prices recorded beside them) gives the same numbers.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Sequence

import numpy as np

from harness.integrations.bfcl.summary import bfcl_summary
from harness.results.file import CaseRecord
from harness.scoring.metric import aggregate_metrics, metrics, rate

if TYPE_CHECKING:
    from harness.run.pricing import CallCost


def aggregate(records: Sequence[CaseRecord], cost: "CallCost | None" = None,
              conversation_cost: "CallCost | None" = None) -> dict:
    """Every metric's aggregates for one candidate's records, then latency, tokens, cost, errors, categories;
    see docs/metrics.md for definitions.

    Metrics count a conversation as one case. Latency, tokens and `cost` are per call: over the single-turn
    records (`harness.run.pricing.cost_per_1k_calls` of them; None: not priced), over the conversations only
    in a suite of nothing else; `multi_turn` has the conversations' own figures, `conversation_cost` being
    the cost of 1,000 of them.
    """
    n = len(records)
    if n == 0:
        return {"cases": 0}
    by_category: dict[str, list[CaseRecord]] = defaultdict(list)
    for record in records:
        by_category[record.category].append(record)
    calls, conversations = split_conversations(records)
    calls = calls or conversations
    aggregates = {
        "cases": n,
        **metric_aggregates(records),
        "errors": dict(sorted(Counter(r.error_type for r in records if r.error_type).items())),
        "latency_ms": _latency(calls),
        "ttft_ms": _ttft(calls),
        "tokens": _tokens(calls),
        "generations": _generations(records),
        **_cost(cost),
        "per_category": {
            category: {"cases": len(group), "tool_call_accuracy": rate([r.passed for r in group])}
            for category, group in sorted(by_category.items())
        },
    }
    if conversations:
        aggregates["multi_turn"] = conversation_aggregates(conversations, conversation_cost)
    bfcl = bfcl_summary(records)
    if bfcl is not None:
        aggregates["bfcl"] = bfcl
    return aggregates


def split_conversations(records: Sequence[CaseRecord]) -> tuple[list[CaseRecord], list[CaseRecord]]:
    """(single-turn records, conversation records), each in the given order: per-call figures are taken over the
    first, per-conversation ones over the second."""
    calls = [record for record in records if record.multi_turn is None]
    conversations = [record for record in records if record.multi_turn is not None]
    return calls, conversations


def conversation_aggregates(records: Sequence[CaseRecord], cost: "CallCost | None" = None) -> dict:
    """What only conversations have (`record.multi_turn`, `harness.multiturn.record`), over one candidate's:

    - `accuracy`: conversations passed; `turn_accuracy`: judged turns passed over judged turns, pooled;
    - `turn_funnel[k]`: of the conversations with more than k turns, the share whose turns 0..k all passed;
    - `calls_per_turn`, `wasted_calls_per_conversation`, `steps_per_conversation` (means), `step_limit_turns`
      (turns cut off still calling), `first_failure` (error kind of each failed conversation's first failing
      turn, counted);
    - latency, tokens and cost per conversation, summed over its steps.
    """
    details = [record.multi_turn for record in records]
    checked = [turn for detail in details for turn in detail["turns"] if turn["checked"]]
    longest = max(len(detail["turns"]) for detail in details)
    funnel = []
    for k in range(longest):
        reaching = [detail for detail in details if len(detail["turns"]) > k]
        funnel.append(rate([all(turn["passed"] for turn in detail["turns"][:k + 1]) for detail in reaching]))
    turns = [len(detail["turns"]) for detail in details]
    latency = [r.latency_ms for r in records if r.latency_ms is not None]
    tokens = _tokens(records)
    return {
        "conversations": len(records),
        "accuracy": rate([r.passed for r in records]),
        "turn_accuracy": rate([turn["passed"] for turn in checked]),
        "turn_funnel": funnel,
        "calls_per_turn": sum(sum(d["calls_per_turn"]) for d in details) / sum(turns) if sum(turns) else None,
        "wasted_calls_per_conversation": sum(d["wasted_calls"] for d in details) / len(details),
        "steps_per_conversation": sum(d.get("steps", 0) for d in details) / len(details),
        "step_limit_turns": sum(d.get("step_limits", 0) for d in details),
        "first_failure": dict(sorted(Counter(r.error_type or "error" for r in records if not r.passed).items())),
        "latency_ms_mean": float(np.mean(latency)) if latency else None,
        "input_tokens_mean": tokens["input_mean"] if tokens else None,
        "output_tokens_mean": tokens["output_mean"] if tokens else None,
        "cost_per_1k_conversations_usd": cost.per_1k_calls_usd if cost is not None else None,
    }


def metric_aggregates(records: Sequence[CaseRecord]) -> dict[str, float | None]:
    """Each registered metric's aggregates over the records' stored case values."""
    names = {metric.name for metric in metrics()}
    return aggregate_metrics({name: [record.metrics.get(name) for record in records] for name in names})


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
