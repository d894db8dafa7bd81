"""Micro-averaged precision / recall / F1 from summed counts, shared by every P/R/F1 metric.

Counts add up across cases first and rates are taken last, which is what "micro" means.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PRFCounts:
    """True positives, predicted positives and gold positives; rates derive from these."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: "PRFCounts") -> "PRFCounts":
        return PRFCounts(self.true_positives + other.true_positives,
                         self.predicted + other.predicted, self.gold + other.gold)

    @property
    def precision(self) -> float:
        """TP / predicted; 1.0 when nothing was predicted (no false positives were made)."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """TP / gold; 1.0 when there was nothing to find."""
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, 2TP / (predicted + gold); 1.0 when both are empty."""
        denominator = self.predicted + self.gold
        return 2 * self.true_positives / denominator if denominator else 1.0

    def to_json(self) -> dict:
        return {"true_positives": self.true_positives, "predicted": self.predicted, "gold": self.gold}

    @classmethod
    def from_json(cls, data: dict) -> "PRFCounts":
        return cls(data["true_positives"], data["predicted"], data["gold"])
