"""Clustered uncertainty: the cluster bootstrap against hand-computed resampling distributions, the design effect
by hand, and a suite's `scoring.cluster` reaching the leaderboard CIs, the paired test and the MDD."""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest

from harness.report.build import build_report
from harness.report.leaderboard import detectable_difference
from harness.report.stats import _resampled_cluster_means, bootstrap_ci, design_effect
from harness.results.file import case_cluster
from harness.results.frame import load_results
from harness.suite.cases import Case
from tests.report.report_builders import candidate, case_record, results_file


def test_cluster_resampling_draws_whole_clusters():
    """Clusters A = [1, 1, 1] and B = [0]: two clusters drawn with replacement give AA (6/6 = 1), AB or BA (3/4)
    and BB (0) with probabilities 1/4, 1/2, 1/4. Cases resampled alone could also give 1/4 and 1/2."""
    data = np.array([1.0, 1.0, 1.0, 0.0])
    means = _resampled_cluster_means(data, np.array(["A", "A", "A", "B"], dtype=object),
                                     np.random.default_rng(0), 20_000)
    shares = {value: count / means.size for value, count in Counter(np.round(means, 6)).items()}
    assert set(shares) == {0.0, 0.75, 1.0}
    assert shares[1.0] == pytest.approx(0.25, abs=0.01) and shares[0.75] == pytest.approx(0.5, abs=0.01)


def test_clustered_interval_is_wider_when_clusters_move_together():
    rng = np.random.default_rng(1)
    cluster_rates = rng.random(20) < 0.5                     # each of 20 templates passes or fails as a whole
    values = np.repeat(cluster_rates.astype(float), 10)       # 200 cases, 10 per template
    labels = np.repeat([f"t{i}" for i in range(20)], 10)
    low, high = bootstrap_ci(values, seed=0)
    c_low, c_high = bootstrap_ci(values, seed=0, clusters=labels)
    assert (c_high - c_low) > 2.5 * (high - low)  # sqrt(10) ~ 3.2 times wider in theory
    # every case its own cluster: the same interval as no clusters at all
    assert bootstrap_ci(values, seed=0, clusters=[str(i) for i in range(200)]) == (low, high)


def test_design_effect_by_hand():
    # residual sums per cluster +1 and -1: 2 / 4^2 * 2/(2-1) = 0.25; independent: var 0.25 / 4 = 0.0625 -> 4
    assert design_effect([1, 1, 0, 0], ["a", "a", "b", "b"]) == pytest.approx(4.0)
    assert design_effect([1, 0, 1, 0], ["a", "a", "b", "b"]) == pytest.approx(0.0)  # clusters cancel out
    assert design_effect([1, 0, 1, 0], ["a", "b", "c", "d"]) == 1.0
    assert design_effect([1, 1, 1, 1], ["a", "a", "b", "b"]) == 1.0


def test_case_cluster_reads_meta_paths_and_lists():
    case = Case(id="c1", category="simple", messages=({"role": "user", "content": "x"},), tools=(), expected=(),
                meta={"templates": ["travel/2", "calendar/1"], "source": {"batch": 7}})
    assert case_cluster(case, "meta.templates") == "calendar/1|travel/2"
    assert case_cluster(case, "meta.source.batch") == "7"
    assert case_cluster(case, "meta.missing") == "case:c1"
    assert case_cluster(case, "category") == "simple"


def test_a_bad_cluster_key_is_refused():
    from harness.suite.spec import ScoringSpec

    with pytest.raises(ValueError, match="must be `category` or a `meta.<key>` path"):
        ScoringSpec(cluster="templates")
    assert ScoringSpec(cluster="meta.templates").cluster == "meta.templates"


def _clustered_results():
    """60 cases in 6 clusters of 10; the fine-tune passes clusters 0-3 whole, the baseline clusters 0-1."""
    records = []
    for i in range(60):
        records.append(case_record("lora", i, i // 10 < 4))
        records.append(case_record("rag", i, i // 10 < 2))
    results = results_file([candidate("lora", lora=True), candidate("rag", strategy="rag")], records,
                           cluster="meta.templates")
    summaries = tuple({"id": f"case-{i:03d}", "category": "simple" if i % 2 else "multiple",
                       "cluster": f"template-{i // 10}"} for i in range(60))
    return dataclasses.replace(results, cases=summaries)


def test_the_report_resamples_the_suites_clusters_and_says_so():
    frame = load_results(_clustered_results())
    assert frame["cluster"].nunique() == 6
    report = build_report(frame)
    decision = report.decision
    assert decision.clusters == 6 and decision.difference == pytest.approx(20 / 60)
    width = decision.difference_ci[1] - decision.difference_ci[0]
    width_cases = decision.difference_ci_cases[1] - decision.difference_ci_cases[0]
    assert width > 2 * width_cases
    assert "[95% CI over 6 clusters" in decision.sentence
    detectable = detectable_difference(frame)
    assert detectable["cluster"] == "meta.templates" and detectable["design_effect"] > 5
    assert detectable["effective_cases"] == pytest.approx(60 / detectable["design_effect"])
    notes = next(s for s in report.sections if s.name == "leaderboard").notes
    assert "in 6 clusters of meta.templates" in notes[0]
    assert "bootstrap over clusters of meta.templates (6 clusters of 60 cases)" in notes[1]


def test_without_clusters_everything_is_over_cases():
    results = dataclasses.replace(_clustered_results(), cases=())
    report = build_report(load_results(results))
    assert report.decision.clusters is None and report.decision.difference_ci == report.decision.difference_ci_cases
    assert "bootstrap over cases (seeded)" in next(s for s in report.sections if s.name == "leaderboard").notes[1]
