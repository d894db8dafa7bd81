"""Relevance detection as binary classification, reported the way GLUE MRPC reports it: accuracy and F1.

Positive = the case expects at least one call; predicted positive = at least one call was parsed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from harness.suite.cases import Case, ToolCall


@dataclass(frozen=True)
class RelevanceCounts:
    """A confusion matrix over cases; add per-case outcomes, then read the rates.

    Rates with a zero denominator are 0.0, as scikit-learn scores them with `zero_division=0`:
    precision with no predicted positives, recall with no gold positives, F1 when there are
    neither (F1 = 2TP / (2TP + FP + FN)), and accuracy over no cases at all.
    """

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def __add__(self, other: "RelevanceCounts") -> "RelevanceCounts":
        return RelevanceCounts(self.true_positive + other.true_positive,
                               self.false_positive + other.false_positive,
                               self.false_negative + other.false_negative,
                               self.true_negative + other.true_negative)

    @property
    def total(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def accuracy(self) -> float:
        return _ratio(self.true_positive + self.true_negative, self.total)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positive, self.true_positive + self.false_positive)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positive, self.true_positive + self.false_negative)

    @property
    def f1(self) -> float:
        """F1 of the positive class (the case needs a call)."""
        return _ratio(2 * self.true_positive, 2 * self.true_positive + self.false_positive + self.false_negative)

    @property
    def cell(self) -> str:
        """Which one cell a single case's counts fall in: "tp", "fp", "fn" or "tn"."""
        cells = {"tp": self.true_positive, "fp": self.false_positive, "fn": self.false_negative,
                 "tn": self.true_negative}
        (cell,) = [name for name, count in cells.items() if count]
        return cell

    @classmethod
    def of_cell(cls, cell: str) -> "RelevanceCounts":
        """One case's counts from its cell name (`cell`'s inverse)."""
        return cls(true_positive=int(cell == "tp"), false_positive=int(cell == "fp"),
                   false_negative=int(cell == "fn"), true_negative=int(cell == "tn"))

    def scores(self) -> dict[str, float]:
        return {"accuracy": self.accuracy, "f1": self.f1, "precision": self.precision, "recall": self.recall}

    def to_json(self) -> dict:
        return {"true_positive": self.true_positive, "false_positive": self.false_positive,
                "false_negative": self.false_negative, "true_negative": self.true_negative}

    @classmethod
    def from_json(cls, data: Mapping[str, int]) -> "RelevanceCounts":
        return cls(int(data["true_positive"]), int(data["false_positive"]),
                   int(data["false_negative"]), int(data["true_negative"]))


def relevance_outcome(case: Case, calls: list[ToolCall] | None) -> RelevanceCounts:
    """The one confusion-matrix cell this case falls in.

    An unparseable output (`None`) predicts "no call": no call could be made from it.
    """
    predicted = bool(calls)
    if case.expects_call:
        return RelevanceCounts(true_positive=1) if predicted else RelevanceCounts(false_negative=1)
    return RelevanceCounts(false_positive=1) if predicted else RelevanceCounts(true_negative=1)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0
