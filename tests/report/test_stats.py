"""Uncertainty statistics against hand-computed values: exact McNemar, bootstrap coverage, groups, MDD."""
import math

import numpy as np
import pytest

from harness.report.stats import (McNemar, bootstrap_ci, mcnemar_exact, minimum_detectable_difference, paired_outcomes,
                                  significance_groups)
from harness.results.frame import load_results
from tests.results_files import make_results


def _pairs(a_only: int, b_only: int, both: int = 5, neither: int = 3):
    a = [True] * a_only + [False] * b_only + [True] * both + [False] * neither
    b = [False] * a_only + [True] * b_only + [True] * both + [False] * neither
    return a, b


def test_mcnemar_matches_the_hand_computed_binomial_tail():
    # b = 1, c = 9: p = 2 * (C(10,0) + C(10,1)) / 2^10 = 22 / 1024
    assert mcnemar_exact(*_pairs(1, 9)) == McNemar(a_only=1, b_only=9, p_value=pytest.approx(0.021484375))


def test_mcnemar_is_symmetric_and_ignores_concordant_pairs():
    a, b = _pairs(2, 7)
    forward, backward = mcnemar_exact(a, b), mcnemar_exact(b, a)
    assert (forward.a_only, forward.b_only) == (backward.b_only, backward.a_only)
    assert forward.p_value == pytest.approx(backward.p_value)
    assert mcnemar_exact(*_pairs(2, 7, both=50, neither=40)).p_value == pytest.approx(forward.p_value)


def test_mcnemar_without_discordant_pairs_is_one():
    assert mcnemar_exact(*_pairs(0, 0)) == McNemar(0, 0, 1.0)
    assert mcnemar_exact([], []).p_value == 1.0
    assert mcnemar_exact(*_pairs(3, 3)).p_value == 1.0  # clipped, never above 1


def test_mcnemar_refuses_unaligned_outcomes():
    with pytest.raises(ValueError, match="aligned"):
        mcnemar_exact([True, False], [True])


def test_bootstrap_ci_edge_cases_and_determinism():
    assert all(math.isnan(x) for x in bootstrap_ci([]))
    assert bootstrap_ci([1, 1, 1]) == (1.0, 1.0) and bootstrap_ci([0.25] * 4) == (0.25, 0.25)
    values = [1] * 14 + [0] * 6
    assert bootstrap_ci(values, seed=3) == bootstrap_ci(values, seed=3)
    low, high = bootstrap_ci(values, seed=3)
    assert low < 0.7 < high and 0 <= low and high <= 1
    floats = np.linspace(0, 10, 50)
    low, high = bootstrap_ci(floats, seed=1, resamples=500)
    assert low < 5 < high and bootstrap_ci(floats, seed=1, resamples=500) == (low, high)
    assert bootstrap_ci([1.0, float("nan"), 1.0]) == (1.0, 1.0)  # missing values are dropped


def test_bootstrap_ci_covers_the_true_rate_about_95_percent_of_the_time():
    rng = np.random.default_rng(12345)
    hits = 0
    for dataset in range(200):
        sample = rng.random(200) < 0.7
        low, high = bootstrap_ci(sample, seed=dataset, resamples=500)
        hits += low <= 0.7 <= high
    assert 0.90 <= hits / 200 <= 0.99


def test_bootstrap_ci_of_floats_covers_the_mean():
    rng = np.random.default_rng(7)
    hits = sum(low <= 1.0 <= high for low, high in
               (bootstrap_ci(rng.exponential(1.0, 100), seed=i, resamples=300) for i in range(60)))
    assert hits >= 50  # ~57 expected (the percentile interval undercovers a little on skewed data)


def test_paired_outcomes_align_by_case_id_on_the_cases_both_ran():
    a, b = _pairs(1, 9)
    frame = load_results(make_results({"a": a, "b": b, "c": b[:10]}))
    a_values, b_values = paired_outcomes(frame, "a", "b")
    assert len(a_values) == 18 and mcnemar_exact(a_values, b_values) == McNemar(1, 9, pytest.approx(0.021484375))
    assert a_values.mean() == pytest.approx(6 / 18)
    assert len(paired_outcomes(frame, "b", "c")[0]) == 10
    shuffled = frame.sample(frac=1, random_state=0).sort_values("candidate", kind="stable")  # cases out of order
    for mine, theirs in zip(paired_outcomes(shuffled, "a", "b"), (a_values, b_values)):
        assert (mine == theirs).all()


def test_paired_outcomes_of_another_metric():
    frame = load_results(make_results({"a": [True] * 4, "b": [True] * 4}, schema={"a": [True] * 4, "b": [False] * 4}))
    assert mcnemar_exact(*paired_outcomes(frame, "a", "b")).p_value == 1.0
    schema = mcnemar_exact(*paired_outcomes(frame, "a", "b", "schema_validity"))
    assert (schema.a_only, schema.b_only) == (4, 0)


def test_significance_groups_split_only_on_significant_gaps():
    # best 20/20, close 18/20 (p = 0.5 vs best), weak 5/20 (p < 0.001 vs best)
    frame = load_results(make_results({"weak": [True] * 5 + [False] * 15, "best": [True] * 20,
                                       "close": [True] * 18 + [False] * 2}))
    groups = significance_groups(frame)
    assert groups == {"best": "A", "close": "A", "weak": "B"} and list(groups) == ["best", "close", "weak"]
    assert significance_groups(frame, alpha=0.6) == {"best": "A", "close": "B", "weak": "C"}


def test_significance_groups_are_deterministic_on_ties():
    frame = load_results(make_results({"z": [True, False], "y": [True, False]}))
    assert list(significance_groups(frame)) == ["y", "z"]


def test_minimum_detectable_difference_hand_value_and_monotone():
    # (z_0.975 + z_0.8) * sqrt(2 * 0.5 * 0.5 / 100) = (1.959964 + 0.841621) * 0.0707107
    assert minimum_detectable_difference(100) == pytest.approx(0.198102, abs=1e-5)
    values = [minimum_detectable_difference(n) for n in (50, 100, 200, 400, 1000)]
    assert values == sorted(values, reverse=True)
    assert minimum_detectable_difference(400) == pytest.approx(minimum_detectable_difference(100) / 2)
    assert minimum_detectable_difference(100, base_rate=0.9) < minimum_detectable_difference(100)
    assert minimum_detectable_difference(1) == 1.0 and minimum_detectable_difference(0) == math.inf
    with pytest.raises(ValueError):
        minimum_detectable_difference(100, base_rate=1.5)
