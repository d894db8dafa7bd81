"""The built-in metrics, as plugins of `harness.scoring.metric` (registered in pyproject.toml like any other).

Definitions in docs/metrics.md; each reads what the scoring stages already decided, so a metric never
re-judges a case.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from harness.scoring.call_f1 import argument_counts, call_counts
from harness.scoring.counts import PRFCounts
from harness.scoring.metric import ScoredCase, rate
from harness.scoring.relevance import RelevanceCounts, relevance_outcome


@dataclass(frozen=True)
class RateMetric:
    """A per-case pass/fail metric: the aggregate is the share of cases that pass."""

    name: str
    title: str
    order: int
    passes: Callable[[ScoredCase], bool]
    per_case: bool = True

    def case_value(self, scored: ScoredCase) -> bool:
        return bool(self.passes(scored))

    def aggregate(self, values: Sequence[Any]) -> dict[str, float | None]:
        return {self.name: rate(values)}


@dataclass(frozen=True)
class MicroF1Metric:
    """Micro precision / recall / F1 over counts summed across cases (`prefix_precision`, ...)."""

    name: str
    title: str
    order: int
    prefix: str
    counts: Callable[[ScoredCase], PRFCounts]
    per_case: bool = False

    def case_value(self, scored: ScoredCase) -> dict:
        return self.counts(scored).to_json()

    def aggregate(self, values: Sequence[Any]) -> dict[str, float | None]:
        total = sum((PRFCounts.from_json(value) for value in values), PRFCounts())
        return {f"{self.prefix}_precision": total.precision, f"{self.prefix}_recall": total.recall,
                self.name: total.f1}


class SchemaValidityPerCall:
    """Valid calls / produced calls over all cases; None when no case produced a call."""

    name, title, order, per_case = "schema_validity_per_call", "schema valid per call", 25, False

    def case_value(self, scored: ScoredCase) -> list[int]:
        return [scored.schema.calls_valid, scored.schema.calls_total]

    def aggregate(self, values: Sequence[Any]) -> dict[str, float | None]:
        valid, total = sum(value[0] for value in values), sum(value[1] for value in values)
        return {self.name: valid / total if total else None}


class RelevanceDetection:
    """Relevance detection as GLUE MRPC reports it: the case's confusion cell, then F1 of the positive class
    (the case expects a call) with precision and recall."""

    name, title, order, per_case = "relevance_f1", "relevance F1", 40, False

    def case_value(self, scored: ScoredCase) -> str:
        return relevance_outcome(scored.case, scored.calls).cell

    def aggregate(self, values: Sequence[Any]) -> dict[str, float | None]:
        counts = sum((RelevanceCounts.of_cell(value) for value in values), RelevanceCounts())
        return {"relevance_precision": counts.precision, "relevance_recall": counts.recall, self.name: counts.f1}


TOOL_CALL_ACCURACY = RateMetric("tool_call_accuracy", "tool-call acc", 10, lambda s: s.verdict.passed)
SCHEMA_VALIDITY = RateMetric("schema_validity", "schema valid", 20, lambda s: s.schema.valid)
SCHEMA_VALIDITY_PER_CALL = SchemaValidityPerCall()
RELEVANCE_ACCURACY = RateMetric("relevance_accuracy", "relevance acc", 30,
                                lambda s: s.case.expects_call == s.predicted_call)
RELEVANCE_F1 = RelevanceDetection()
CALL_F1 = MicroF1Metric("call_f1", "call F1", 50, "call", lambda s: call_counts(s.case, s.calls, s.mode))
ARGUMENT_F1 = MicroF1Metric("argument_f1", "arg F1", 60, "argument",
                            lambda s: argument_counts(s.case, s.calls, s.mode))
PARSE_RATE = RateMetric("parse_rate", "parsed", 70, lambda s: s.calls is not None)
RIGHT_TOOLS_RATE = RateMetric("right_tools_rate", "right tools", 80, lambda s: s.verdict.right_tools)
