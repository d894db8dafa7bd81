"""Uncertainty for leaderboards and gates: bootstrap intervals, exact McNemar tests, significance groups, MDD.

Pure, seeded functions of per-case outcomes (see `harness.results.frame.load_results`); no state, no I/O.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _scipy

from harness.results.frame import metric_column

#: Bootstrap resamples are drawn in blocks of at most this many values, so a large suite never
#: materialises a resamples x n index matrix at once.
_BLOCK_VALUES = 2_000_000


@dataclass(frozen=True)
class McNemar:
    """An exact McNemar test on paired pass/fail outcomes: the two discordant counts and the two-sided p."""

    a_only: int      # cases a passed and b failed
    b_only: int      # cases b passed and a failed
    p_value: float


def bootstrap_ci(values: Sequence[float], seed: int = 0, resamples: int = 2000,
                 confidence: float = 0.95, clusters: Sequence | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval for the mean of `values` (0/1 outcomes or floats; NaN values dropped).

    Empty -> (nan, nan); all values equal -> (v, v). For 0/1 data a resample's mean is drawn directly as
    Binomial(n, mean) / n, which has exactly the distribution of the mean of n values drawn with replacement.
    With `clusters` (one label per value), whole clusters are drawn with replacement and a resample's mean is
    its values' sum over their count: dependent cases (written from one template) move together, as they would
    in a new sample of templates (Miller 2024, "Adding Error Bars to Evals").
    """
    data = np.asarray(values, dtype=float)
    keep = ~np.isnan(data)
    data = data[keep]
    if data.size == 0:
        return (math.nan, math.nan)
    if np.all(data == data[0]):
        return (float(data[0]), float(data[0]))
    rng = np.random.default_rng(seed)
    labels = None if clusters is None else np.asarray(clusters, dtype=object)[keep]
    if labels is not None and len(set(labels)) < data.size:
        means = _resampled_cluster_means(data, labels, rng, resamples)
    elif np.isin(data, (0.0, 1.0)).all():
        means = rng.binomial(data.size, data.mean(), size=resamples) / data.size
    else:
        means = _resampled_means(data, rng, resamples)
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(means, [tail, 100 - tail])
    return (float(low), float(high))


def _resampled_cluster_means(data: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
                             resamples: int) -> np.ndarray:
    codes, _ = pd.factorize(labels)
    sums, counts = np.bincount(codes, weights=data), np.bincount(codes).astype(float)
    block = max(1, _BLOCK_VALUES // sums.size)
    chunks = []
    for start in range(0, resamples, block):
        draws = rng.integers(0, sums.size, size=(min(block, resamples - start), sums.size))
        chunks.append(sums[draws].sum(axis=1) / counts[draws].sum(axis=1))
    return np.concatenate(chunks)


def design_effect(values: Sequence[float], clusters: Sequence) -> float:
    """How much clustering inflates the variance of the mean of `values`: the cluster-robust variance (sum over
    clusters of (cluster sum - mean x cluster size)^2 / n^2, times k/(k-1)) over the independent-cases variance
    (sample variance / n). 1 when every value is its own cluster or the values do not vary."""
    data = np.asarray(values, dtype=float)
    codes, _ = pd.factorize(np.asarray(clusters, dtype=object))
    n, k = data.size, int(codes.max()) + 1 if data.size else 0
    variance = data.var() if n else 0.0
    if n < 2 or k < 2 or k == n or variance == 0:
        return 1.0
    mean = data.mean()
    residual_sums = np.bincount(codes, weights=data - mean)
    clustered = float(np.sum(residual_sums ** 2)) / n ** 2 * k / (k - 1)
    return clustered / (variance / n)


def _resampled_means(data: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    block = max(1, _BLOCK_VALUES // data.size)
    chunks = []
    for start in range(0, resamples, block):
        rows = min(block, resamples - start)
        chunks.append(data[rng.integers(0, data.size, size=(rows, data.size))].mean(axis=1))
    return np.concatenate(chunks)


def mcnemar_exact(a: Sequence[bool], b: Sequence[bool]) -> McNemar:
    """Exact two-sided McNemar test: a binomial test of the discordant pairs against 1/2.

    `a` and `b` are aligned outcomes of two candidates on the same cases. Concordant pairs carry no
    information about which is better, so only the a-only and b-only counts enter; none -> p = 1.
    """
    a_arr, b_arr = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"mcnemar_exact needs aligned outcomes; got {a_arr.size} and {b_arr.size} values")
    a_only = int(np.sum(a_arr & ~b_arr))
    b_only = int(np.sum(b_arr & ~a_arr))
    if a_only + b_only == 0:
        return McNemar(0, 0, 1.0)
    p_value = _scipy.binomtest(a_only, a_only + b_only, 0.5).pvalue
    return McNemar(a_only, b_only, min(1.0, float(p_value)))


def paired_outcomes(frame: pd.DataFrame, a: str, b: str, metric: str = "passed") -> tuple[np.ndarray, np.ndarray]:
    """Candidates `a` and `b`'s outcomes of `metric` (a frame column, or a metric name) on the cases both ran,
    aligned by case_id: what every paired comparison (McNemar, a bootstrap of differences) needs."""
    return _shared(_outcomes_by_case(frame, metric), a, b)


def paired_clusters(frame: pd.DataFrame, a: str, b: str, metric: str = "passed") -> np.ndarray:
    """The cluster of each case `paired_outcomes` returns, in the same order (`case:<id>` where unclustered)."""
    pair = _outcomes_by_case(frame, metric)[[a, b]].dropna()
    return np.asarray(pair.index.map(case_clusters(frame)), dtype=object)


def case_clusters(frame: pd.DataFrame) -> dict[str, str]:
    """{case_id: cluster} from the frame's `cluster` column (each case its own cluster when there is none)."""
    if "cluster" not in frame.columns:
        return {case_id: f"case:{case_id}" for case_id in frame["case_id"].unique()}
    return dict(zip(frame["case_id"], frame["cluster"]))


def clustering(frame: pd.DataFrame) -> dict:
    """Which unit the uncertainty figures resample: the suite's cluster key, the number of clusters and cases,
    and the design effect of tool-call outcomes (mean over candidates whose rate is neither 0 nor 1)."""
    key = (frame.attrs.get("suite") or {}).get("cluster")
    clusters = case_clusters(frame)
    effects = [design_effect(group["passed"].astype(float), group["case_id"].map(clusters))
               for _, group in frame.groupby("candidate") if 0 < group["passed"].mean() < 1]
    return {"key": key if key and len(set(clusters.values())) < len(clusters) else None,
            "clusters": len(set(clusters.values())), "cases": len(clusters),
            "design_effect": float(np.mean(effects)) if effects else 1.0}


def significance_groups(frame: pd.DataFrame, alpha: float = 0.05, metric: str = "passed") -> dict[str, str]:
    """Leaderboard groups {candidate: "A" | "B" | ...}, best candidate first.

    Rule: sort candidates by rate (best first; ties by name). The first candidate leads group A. Each next
    candidate joins the current group when an exact McNemar test against the group's leader, on the cases
    both ran, gives p >= alpha; otherwise it leads a new group with the next letter. Tests are not
    multiplicity-corrected: groups describe a leaderboard, they are not a family-wise claim (a correction
    would only merge more groups). Candidates sharing no case with the leader start a new group.
    """
    wide = _outcomes_by_case(frame, metric)
    rates = {name: _mean(wide[name].dropna().astype(bool)) for name in wide.columns}
    # A candidate with no outcomes (NaN rate) ranks last rather than breaking the sort.
    ranked = sorted(rates, key=lambda name: (-np.nan_to_num(rates[name], nan=-1.0), name))
    groups: dict[str, str] = {}
    leader, index = None, 0
    for name in ranked:
        if leader is not None and not _same_group(wide, leader, name, alpha):
            leader, index = name, index + 1
        elif leader is None:
            leader = name
        groups[name] = _group_label(index)
    return groups


def minimum_detectable_difference(n_cases: int, base_rate: float = 0.5, alpha: float = 0.05,
                                  power: float = 0.8) -> float:
    """Smallest difference in rates a paired two-sided test on `n_cases` detects with `power` (capped at 1).

    Normal approximation of the paired difference: MDD = (z[1 - alpha/2] + z[power]) * sqrt(psi / n), with
    the discordant proportion psi = 2 p (1 - p), its value when the two candidates' outcomes at rate p are
    independent (numerically the two-independent-proportions formula). Candidates that agree on many cases
    (positively correlated) have a smaller psi and a smaller true MDD, so this errs on the cautious side.
    n = 100, p = 0.5 -> (1.95996 + 0.84162) * sqrt(0.5 / 100) = 0.1981. 0 cases -> inf.
    """
    if n_cases < 0 or not 0 <= base_rate <= 1 or not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("need n_cases >= 0, 0 <= base_rate <= 1, 0 < alpha < 1 and 0 < power < 1")
    if n_cases == 0:
        return math.inf
    z = _scipy.norm.ppf(1 - alpha / 2) + _scipy.norm.ppf(power)
    discordant = 2 * base_rate * (1 - base_rate)
    return float(min(1.0, z * math.sqrt(discordant / n_cases)))


def _outcomes_by_case(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """case_id x candidate table of one outcome (NaN where a candidate did not run a case)."""
    column = metric if metric in frame.columns else metric_column(metric)
    if column not in frame.columns:
        raise KeyError(f"{metric!r} is neither a frame column nor a metric")
    if frame[["candidate", "case_id"]].duplicated().any():
        raise ValueError("the frame holds a (candidate, case_id) pair twice; outcomes cannot be aligned")
    order = list(dict.fromkeys(frame["candidate"]))
    wide = frame.pivot(index="case_id", columns="candidate", values=column)
    return wide.reindex(columns=order)


def _shared(wide: pd.DataFrame, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    pair = wide[[a, b]].dropna()
    return pair[a].to_numpy(dtype=bool), pair[b].to_numpy(dtype=bool)


def _same_group(wide: pd.DataFrame, leader: str, name: str, alpha: float) -> bool:
    leader_values, values = _shared(wide, leader, name)
    return len(values) > 0 and mcnemar_exact(leader_values, values).p_value >= alpha


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _group_label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style, so any number of groups gets a label."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label
