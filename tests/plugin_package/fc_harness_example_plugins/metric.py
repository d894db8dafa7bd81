"""A per-case metric: a case passes when the model made no more calls than the case expects.

Per-case metrics are rates: they get a leaderboard column, can be compared case by case, and can be gated.
"""
from harness.scoring.metric import ScoredCase, rate


class NoExtraCalls:
    name = "no_extra_calls"
    title = "no extra calls"
    per_case = True
    order = 95

    def case_value(self, scored: ScoredCase) -> bool:
        return len(scored.calls or ()) <= len(scored.case.expected)

    def aggregate(self, values) -> dict:
        return {self.name: rate(values)}


NO_EXTRA_CALLS = NoExtraCalls()
