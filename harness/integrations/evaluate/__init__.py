"""The harness's metrics as Hugging Face `evaluate` modules that load offline, by path, from this package.

Each metric directory holds a script of the same name (evaluate's convention); `load_metric(name)` loads one.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from harness.errors import HarnessInputError
from harness.suite.case_loader import case_from_line
from harness.suite.cases import Case

METRICS_DIR = Path(__file__).resolve().parent
METRIC_NAMES = ("tool_call_accuracy", "schema_validity", "relevance_f1", "call_f1")


def metric_path(name: str) -> str:
    """The directory `evaluate.load` takes for metric `name`."""
    if name not in METRIC_NAMES:
        raise ValueError(f"unknown metric {name!r} (known: {', '.join(METRIC_NAMES)})")
    return str(METRICS_DIR / name)


def load_metric(name: str, **load_kwargs: Any):
    """`evaluate.load` on the local module: no hub lookup, so it works with HF_HUB_OFFLINE=1."""
    import evaluate  # deferred: importing evaluate costs seconds and most callers only need paths

    return evaluate.load(metric_path(name), **load_kwargs)


def case_from_json(reference: str | Mapping[str, Any], index: int = 0) -> Case:
    """A `Case` from the JSON `Case.to_json()` writes, validated like a suite line.

    Bad input raises `HarnessInputError` naming `references[index]` and the field.
    """
    where = f"references[{index}]"
    if isinstance(reference, str):
        try:
            reference = json.loads(reference)
        except json.JSONDecodeError as exc:
            raise HarnessInputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=where) from None
    if not isinstance(reference, Mapping):
        raise HarnessInputError(f"a reference must be a JSON object, got {type(reference).__name__}", path=where)
    return case_from_line(reference, where, None, {})


def cases_from_references(references: Iterable[str | Mapping[str, Any]]) -> list[Case]:
    return [case_from_json(reference, index) for index, reference in enumerate(references)]


def aggregates(predictions: Sequence[Any], references: Sequence[Any], mode: str = "strict") -> dict:
    """Every registered metric's aggregates over (raw output, case) pairs, computed exactly as a run computes
    them (`harness.scoring.record.score_case`, then each metric's aggregate)."""
    from harness.backends.base import Generation
    from harness.scoring.metric import aggregate_metrics, metrics
    from harness.scoring.record import score_case
    from harness.suite.spec import ScoringSpec

    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    scoring = ScoringSpec(mode=mode)
    records = [score_case(case, Generation(output=output), "evaluate", scoring)
               for case, output in zip(cases_from_references(references), predictions)]
    return aggregate_metrics({metric.name: [record.metrics.get(metric.name) for record in records]
                              for metric in metrics()})


#: Shared by every module's `inputs_description`.
INPUTS_DESCRIPTION = """
Args:
    predictions: list of raw model outputs (strings), one per case; tool calls are decoded from
        them with the `auto` decoder (any format `harness.parsing` detects); plain text means "no call".
    references: list of cases as JSON strings, each the object `Case.to_json()` writes
        (id, category, messages, tools in OpenAI style, expected calls in BFCL ground-truth form).
"""


def metric_info(description: str, inputs_description: str):
    """The `MetricInfo` every harness metric shares: raw outputs as predictions, case JSON as references.

    A function rather than a base class, because `evaluate.load` takes the first `Metric` subclass it
    finds in a module, which would be an imported base class.
    """
    import datasets
    import evaluate

    return evaluate.MetricInfo(
        description=description, citation="", inputs_description=inputs_description,
        features=datasets.Features({"predictions": datasets.Value("string"),
                                    "references": datasets.Value("string")}),
    )
