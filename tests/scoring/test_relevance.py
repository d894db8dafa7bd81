"""Relevance detection (MRPC-style accuracy and F1): per-case outcomes, hand-computed and sklearn-checked rates."""
from __future__ import annotations

import random

import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from harness.scoring.relevance import RelevanceCounts, relevance_outcome
from harness.suite.cases import Case, ExpectedCall, Tool, ToolCall


def relevance_scores(counts):
    return sum(counts, RelevanceCounts()).scores()

TOOL = Tool("get_time", "Current time.", {"type": "object", "properties": {"zone": {"type": "string"}}})


def make_case(expects_call: bool) -> Case:
    expected = (ExpectedCall("get_time", {"zone": ("UTC",)}),) if expects_call else ()
    return Case(id="c", category="simple" if expects_call else "irrelevance",
                messages=({"role": "user", "content": "time?"},), tools=(TOOL,), expected=expected)


CALL = ToolCall("get_time", {"zone": "UTC"})


@pytest.mark.parametrize("expects_call, calls, cell", [
    (True, [CALL], RelevanceCounts(true_positive=1)),
    (True, [], RelevanceCounts(false_negative=1)),
    (True, None, RelevanceCounts(false_negative=1)),  # unparseable: no call was made
    (False, [CALL], RelevanceCounts(false_positive=1)),
    (False, [CALL, CALL], RelevanceCounts(false_positive=1)),  # one case counts once
    (False, [], RelevanceCounts(true_negative=1)),
    (False, None, RelevanceCounts(true_negative=1)),
])
def test_outcome_is_one_cell(expects_call, calls, cell):
    assert relevance_outcome(make_case(expects_call), calls) == cell


def test_hand_computed_table():
    counts = RelevanceCounts(true_positive=3, false_positive=1, false_negative=2, true_negative=4)
    assert counts.total == 10
    assert counts.accuracy == pytest.approx(0.7)
    assert counts.precision == pytest.approx(0.75)
    assert counts.recall == pytest.approx(0.6)
    assert counts.f1 == pytest.approx(2 / 3)  # 2*3 / (2*3 + 1 + 2)
    assert relevance_scores([counts]) == {"accuracy": counts.accuracy, "f1": counts.f1,
                                          "precision": counts.precision, "recall": counts.recall}


def test_zero_denominators_score_zero_like_sklearn_zero_division_0():
    assert relevance_scores([]) == {"accuracy": 0.0, "f1": 0.0, "precision": 0.0, "recall": 0.0}
    # Only irrelevance cases, all answered right: perfect accuracy, but no positives to score F1 on.
    all_negative = RelevanceCounts(true_negative=5)
    assert relevance_scores([all_negative]) == {"accuracy": 1.0, "f1": 0.0, "precision": 0.0, "recall": 0.0}
    # Never calling: precision 0/0 -> 0, recall 0/3, F1 0.
    assert RelevanceCounts(false_negative=3).scores() == {"accuracy": 0.0, "f1": 0.0, "precision": 0.0, "recall": 0.0}


def test_sum_and_json_round_trip():
    a = RelevanceCounts(1, 2, 3, 4)
    b = RelevanceCounts(10, 20, 30, 40)
    assert a + b == RelevanceCounts(11, 22, 33, 44)
    assert sum([a, b], RelevanceCounts()) == a + b
    assert RelevanceCounts.from_json(a.to_json()) == a


def _sklearn_scores(gold: list[int], predicted: list[int]) -> dict[str, float]:
    return {"accuracy": accuracy_score(gold, predicted),
            "f1": f1_score(gold, predicted, zero_division=0),
            "precision": precision_score(gold, predicted, zero_division=0),
            "recall": recall_score(gold, predicted, zero_division=0)}


@pytest.mark.parametrize("seed", range(40))
def test_matches_sklearn_on_random_cases(seed):
    rng = random.Random(seed)
    size = rng.randint(1, 60)
    # Skewed rates reach the degenerate corners too (no gold positives, no predicted positives).
    gold_rate, call_rate = rng.choice([0.0, 0.1, 0.5, 0.9, 1.0]), rng.choice([0.0, 0.2, 0.5, 0.8, 1.0])
    gold = [int(rng.random() < gold_rate) for _ in range(size)]
    predicted = [int(rng.random() < call_rate) for _ in range(size)]
    outcomes = [relevance_outcome(make_case(bool(g)), [CALL] if p else rng.choice([[], None]))
                for g, p in zip(gold, predicted)]
    ours = relevance_scores(outcomes)
    expected = _sklearn_scores(gold, predicted)
    assert ours.keys() == expected.keys()
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, abs=1e-12), name


def test_degenerate_corners_match_sklearn():
    for gold, predicted in [([0, 0], [0, 0]), ([1, 1], [0, 0]), ([0, 0], [1, 1]), ([1], [1])]:
        outcomes = [relevance_outcome(make_case(bool(g)), [CALL] if p else []) for g, p in zip(gold, predicted)]
        assert relevance_scores(outcomes) == pytest.approx(_sklearn_scores(gold, predicted))


@pytest.mark.parametrize("counts", [RelevanceCounts(true_positive=1), RelevanceCounts(false_positive=1),
                                    RelevanceCounts(false_negative=1), RelevanceCounts(true_negative=1)])
def test_one_case_is_one_named_cell(counts):
    assert RelevanceCounts.of_cell(counts.cell) == counts
