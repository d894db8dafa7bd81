"""The one metric interface: a value per case, computed when the case is scored, and an aggregate over a
candidate's cases.

The runner stores every metric's case value in the record (`record.metrics[name]`); aggregates, the results
frame, the leaderboard, the summary table, the gate and the `evaluate` modules all read metrics through this
interface. Metrics are plugins (entry-point group `fc_harness.metrics`), the built-ins included; a metric whose
cases each pass or fail (`per_case`) is a rate that can be compared case by case and gated.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from harness.plugins import METRICS, registry
from harness.scoring.schema_validity import SchemaVerdict
from harness.scoring.tool_call_accuracy import CaseVerdict
from harness.suite.cases import Case, ToolCall


@dataclass(frozen=True)
class ScoredCase:
    """What a metric may look at for one case: the case as the candidate's API offered it, the calls decoded
    from the output (None: it did not decode, or the backend failed), and the verdicts of the stages."""

    case: Case
    calls: list[ToolCall] | None
    mode: str
    verdict: CaseVerdict
    schema: SchemaVerdict

    @property
    def predicted_call(self) -> bool:
        return bool(self.calls)


class Metric(Protocol):
    """A metric plugin. `name` keys its case values and its headline aggregate; `title` heads its column;
    `order` places it among the columns (built-ins use 10..90)."""

    name: str
    title: str
    per_case: bool
    order: int

    def case_value(self, scored: ScoredCase) -> Any:
        """JSON data for one case; a bool when `per_case`."""

    def aggregate(self, values: Sequence[Any]) -> dict[str, float | None]:
        """Aggregates over a candidate's case values (None values are cases from before the metric existed);
        the key `name` is the headline figure, other keys ride along (e.g. precision and recall)."""


def metrics() -> list[Metric]:
    """Every registered metric, in display order."""
    return sorted(registry(METRICS).all().values(), key=lambda metric: (metric.order, metric.name))


def per_case_metric_names() -> tuple[str, ...]:
    """The metrics a case passes or fails: compared with McNemar's test, gateable."""
    return tuple(metric.name for metric in metrics() if metric.per_case)


def case_values(scored: ScoredCase) -> dict[str, Any]:
    """Every metric's value for one case."""
    return {metric.name: metric.case_value(scored) for metric in metrics()}


def aggregate_metrics(values_by_metric: dict[str, Sequence[Any]]) -> dict[str, float | None]:
    """Every metric's aggregates, from each metric's case values (a metric no record has gets None)."""
    out: dict[str, float | None] = {}
    for metric in metrics():
        values = [value for value in values_by_metric.get(metric.name, ()) if value is not None]
        out.update(metric.aggregate(values) if values else {metric.name: None})
    return out


def rate(values: Sequence[Any]) -> float | None:
    """The share of true values; None for no values."""
    return sum(bool(value) for value in values) / len(values) if values else None
