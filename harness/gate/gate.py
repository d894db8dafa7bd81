"""The regression gate: compare a new results file with a stored reference, metric by metric, case by case.

A gated metric fails only when it drops by more than its tolerance AND the drop is significant on an
exact McNemar test over the cases both runs share; anything else is noise and passes.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tabulate import tabulate

from harness.errors import HarnessInputError
from harness.report.stats import mcnemar_exact
from harness.results.file import ResultsFile, describe_suite, suite_differences
from harness.results.frame import load_results, metric_column
from harness.scoring.metric import metrics, per_case_metric_names
from harness.suite.spec import GateSpec

#: Used when the reference's suite records no `gate:` block.
#: A suite without a `gate:` block is gated as `GateSpec()` says.
DEFAULT_TOLERANCES = dict(GateSpec().metrics)
DEFAULT_ALPHA = GateSpec().alpha
#: Rates are fractions of cases; 1e-9 keeps 1.0 -> 0.98 (a float difference of 0.02000...02) inside 0.02.
_EPSILON = 1e-9

REGRESSION = "REGRESSION"
NOT_SIGNIFICANT = "drop not significant"
WITHIN_TOLERANCE = "within tolerance"
IMPROVED = "improved"
UNCHANGED = "unchanged"
WORSE = "worse (significant)"
BETTER = "better (significant)"
NO_SIGNIFICANT_CHANGE = "no significant change"


@dataclass(frozen=True)
class GateConfig:
    """Gated metrics with their tolerance (largest allowed drop in rate, as a fraction) and the test level."""

    tolerances: Mapping[str, float]
    alpha: float = DEFAULT_ALPHA


@dataclass(frozen=True)
class MetricChange:
    """One metric of one candidate, reference vs new, on the cases both runs share."""

    metric: str
    candidate: str                 # the reference's candidate
    cases: int
    reference: float
    new: float
    lost: int                      # cases passing in the reference and failing now
    gained: int                    # cases failing in the reference and passing now
    p_value: float
    verdict: str
    tolerance: float | None = None
    new_candidate: str | None = None   # the results' candidate, when paired under another name

    @property
    def pair(self) -> str:
        """`name`, or `reference name -> new name` for candidates paired across names."""
        if self.new_candidate is None or self.new_candidate == self.candidate:
            return self.candidate
        return f"{self.candidate} -> {self.new_candidate}"

    @property
    def diff(self) -> float:
        return self.new - self.reference

    @property
    def regressed(self) -> bool:
        return self.verdict == REGRESSION

    def message(self) -> str:
        """One line for a failing gate (CLI summary, pytest failure)."""
        return (f"{self.metric} of {self.pair} fell {-self.diff * 100:.1f} pt "
                f"({_pct(self.reference)} -> {_pct(self.new)} on {self.cases} cases; {self.lost} lost, "
                f"{self.gained} gained; McNemar p = {self.p_value:.3g}), over the {self.tolerance * 100:.1f} pt "
                f"tolerance")


@dataclass(frozen=True)
class GateReport:
    """Every comparison the gate made, plus notes on what it could not compare."""

    config: GateConfig
    suite: dict
    changes: tuple[MetricChange, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    labels: tuple[str, str] = ("<reference>", "<results>")

    @property
    def regressions(self) -> list[MetricChange]:
        return [change for change in self.changes if change.regressed]

    @property
    def passed(self) -> bool:
        return not self.regressions

    def text(self) -> str:
        """Header, the table of every comparison, notes, and a PASS/FAIL line."""
        tolerances = ", ".join(f"{metric} {value * 100:.1f} pt" for metric, value in self.config.tolerances.items())
        lines = [f"gate: {self.labels[1]} against reference {self.labels[0]}",
                 f"suite {describe_suite(self.suite)}; alpha {self.config.alpha:g}; tolerances: {tolerances}", "",
                 changes_table(self.changes), ""]
        lines += [f"note: {note}" for note in self.notes]
        if self.passed:
            lines.append(f"PASS: no gated metric dropped by more than its tolerance with p < {self.config.alpha:g}")
        else:
            lines.append(f"FAIL: {len(self.regressions)} regression(s)")
            lines += [f"  {change.message()}" for change in self.regressions]
        return "\n".join(lines)


def run_gate(reference: ResultsFile | str | Path, results: ResultsFile | str | Path,
             tolerances: Mapping[str, float] | None = None, alpha: float | None = None,
             pairs: Mapping[str, str] | None = None) -> GateReport:
    """Gate `results` against `reference`; `tolerances` and `alpha` override the reference suite's gate block;
    `pairs` ({reference name: results name}) pairs candidates whose names differ (see `pair_candidates`).

    Raises HarnessInputError for unusable input: unreadable files, different suites, empty runs, no candidate
    to pair, a metric that is not per-case pass/fail.
    """
    reference_run, reference_label = _read(reference, "<reference>")
    new_run, new_label = _read(results, "<results>")
    config = gate_config(reference_run, reference_label, tolerances, alpha)
    changes, notes = compare_runs(reference_run, new_run, list(config.tolerances), config.alpha,
                                  config.tolerances, labels=(reference_label, new_label), pairs=pairs)
    return GateReport(config=config, suite=dict(reference_run.suite), changes=tuple(changes), notes=tuple(notes),
                      labels=(reference_label, new_label))


def compare_runs(reference: ResultsFile, new: ResultsFile, metrics: list[str], alpha: float = DEFAULT_ALPHA,
                 tolerances: Mapping[str, float] | None = None,
                 labels: tuple[str, str] = ("<reference>", "<results>"),
                 pairs: Mapping[str, str] | None = None) -> tuple[list[MetricChange], list[str]]:
    """Per (metric, paired candidate) comparison; without `tolerances` the verdicts only say better/worse.

    Returns the changes and notes on candidates that could not be compared (and on an automatic pairing).
    """
    check_comparable(reference, new, *labels)
    for metric in metrics:
        _located(lambda: check_gated_metric(metric), path=None, field="metric")
    reference_frame, new_frame = load_results(reference), load_results(new)
    paired, notes = pair_candidates(reference, new, labels, pairs)
    changes = []
    for metric in metrics:
        tolerance = None if tolerances is None else tolerances[metric]
        for before, after in paired:
            change = _compare(reference_frame, new_frame, (before, after), metric, alpha, tolerance)
            if change is None:
                notes.append(f"{before}: no case in both runs, {metric} not compared")
            else:
                changes.append(change)
    return changes, list(dict.fromkeys(notes))


def check_comparable(reference: ResultsFile, new: ResultsFile, reference_label: str = "<reference>",
                     new_label: str = "<results>") -> None:
    """Refuse runs of different suites (name, version, content hash, scoring mode) or empty runs."""
    mismatched = suite_differences(reference.suite, new.suite)
    if mismatched:
        raise HarnessInputError(
            f"runs of different suites ({', '.join(mismatched)} differ): reference {reference_label} is "
            f"{describe_suite(reference.suite)}, results {new_label} are {describe_suite(new.suite)}; "
            "compare only runs of the same suite (re-run the suite, or store a new reference)")
    for run, label in ((reference, reference_label), (new, new_label)):
        if not run.records:
            raise HarnessInputError("holds no case records (an empty run): nothing to compare", path=label)


def gate_config(reference: ResultsFile, label: str = "<reference>", tolerances: Mapping[str, float] | None = None,
                alpha: float | None = None) -> GateConfig:
    """The reference suite's `gate:` block (or the defaults), with `tolerances` / `alpha` laid over it."""
    block = reference.suite.get("gate")
    if block is None:
        base, base_alpha = dict(DEFAULT_TOLERANCES), DEFAULT_ALPHA
    else:
        base, base_alpha = _parse_block(block, label)
    merged = base | dict(tolerances or {})
    for metric, value in merged.items():
        _located(lambda: check_gated_metric(metric, value), path=label, field=f"gate.metrics.{metric}")
    chosen_alpha = base_alpha if alpha is None else alpha
    if not (isinstance(chosen_alpha, (int, float)) and 0 < chosen_alpha < 1):
        raise HarnessInputError(f"alpha must be between 0 and 1, got {chosen_alpha!r}", field="alpha")
    return GateConfig(tolerances=merged, alpha=float(chosen_alpha))


def parse_tolerance(text: str) -> tuple[str, float]:
    """`METRIC=VALUE` from the command line; VALUE is a fraction (0.02) or a percentage (2%)."""
    metric, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise HarnessInputError(f"expected METRIC=VALUE (e.g. tool_call_accuracy=0.02), got {text!r}",
                                field="--tolerance") from None
    _located(lambda: check_gated_metric(metric.strip(), number), path=None, field="--tolerance")
    return metric.strip(), number


def changes_table(changes: list[MetricChange] | tuple[MetricChange, ...],
                  names: tuple[str, str] = ("reference", "new")) -> str:
    """Markdown table: metric, candidate, cases, <reference>, <new>, diff, lost, gained, p, verdict."""
    rows = [[c.metric, c.pair, c.cases, _pct(c.reference), _pct(c.new), f"{c.diff * 100:+.1f} pt", c.lost,
             c.gained, f"{c.p_value:.3g}", c.verdict] for c in changes]
    headers = ["metric", "candidate", "cases", *names, "diff", "lost", "gained", "p", "verdict"]
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def _compare(reference: pd.DataFrame, new: pd.DataFrame, pair: tuple[str, str], metric: str, alpha: float,
             tolerance: float | None) -> MetricChange | None:
    column = metric_column(metric)
    candidate, new_candidate = pair
    before = reference[reference["candidate"] == candidate].set_index("case_id")[column]
    after = new[new["candidate"] == new_candidate].set_index("case_id")[column]
    for outcomes, which, name in ((before, "reference", candidate), (after, "results", new_candidate)):
        if outcomes.index.has_duplicates:
            raise HarnessInputError(f"the {which} records case {outcomes.index[outcomes.index.duplicated()][0]!r} "
                                    f"twice for candidate {name!r}; one record per case is expected")
    cases = before.index.intersection(after.index)
    if cases.empty:
        return None
    before, after = before.loc[cases].to_numpy(bool), after.loc[cases].to_numpy(bool)
    test = mcnemar_exact(before, after)
    old_rate, new_rate = float(before.mean()), float(after.mean())
    return MetricChange(metric=metric, candidate=candidate, cases=len(cases), reference=old_rate, new=new_rate,
                        lost=test.a_only, gained=test.b_only, p_value=test.p_value, tolerance=tolerance,
                        verdict=_verdict(new_rate - old_rate, test.p_value, alpha, tolerance),
                        new_candidate=new_candidate if new_candidate != candidate else None)


def _verdict(diff: float, p_value: float, alpha: float, tolerance: float | None) -> str:
    if tolerance is None:  # compare: no gate, only direction and significance
        if p_value < alpha:
            return BETTER if diff > 0 else WORSE
        return UNCHANGED if diff == 0 and p_value == 1.0 else NO_SIGNIFICANT_CHANGE
    if diff > 0:
        return IMPROVED
    if diff == 0:
        return UNCHANGED
    if -diff <= tolerance + _EPSILON:
        return WITHIN_TOLERANCE
    return REGRESSION if p_value < alpha else NOT_SIGNIFICANT


def pair_candidates(reference: ResultsFile, new: ResultsFile, labels: tuple[str, str] = ("<reference>", "<results>"),
                    pairs: Mapping[str, str] | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """(reference name, results name) pairs to compare, and notes.

    Candidates pair by name; `pairs` adds pairs across names (old model vs new model), and its names pair only
    as given. With no name in common and no `pairs`, two files of one candidate each pair with each other (said
    in a note): the usual CI case of one model's run against the previous one's.
    """
    before = [c.name for c in reference.candidates]
    after = [c.name for c in new.candidates]
    pairs = dict(pairs or {})
    for name, names, label, which in ((list(pairs), before, labels[0], "reference"),
                                      (list(pairs.values()), after, labels[1], "results")):
        missing = [n for n in name if n not in names]
        if missing:
            raise HarnessInputError(f"--pair names {missing[0]!r}, which is not a candidate of the {which} "
                                    f"({', '.join(names) or 'none'})", path=label, field="--pair")
    taken_after = set(pairs.values())
    paired = list(pairs.items()) + [(name, name) for name in before
                                    if name not in pairs and name in after and name not in taken_after]
    notes = []
    if not paired and len(before) == 1 and len(after) == 1:
        paired = [(before[0], after[0])]
        notes.append(f"paired {before[0]} (reference) with {after[0]} (results): each file holds one candidate")
    if not paired:
        raise HarnessInputError(
            f"no candidate appears in both runs (reference {labels[0]}: {', '.join(before) or 'none'}; results "
            f"{labels[1]}: {', '.join(after) or 'none'})",
            hint="pair candidates across names with --pair REFERENCE_NAME=RESULTS_NAME")
    used_before, used_after = {b for b, _ in paired}, {a for _, a in paired}
    notes += [f"{name}: only in the reference, not gated" for name in before if name not in used_before]
    notes += [f"{name}: only in the results, no reference to gate against" for name in after if name not in used_after]
    return paired, notes


def parse_pair(text: str) -> tuple[str, str]:
    """`REFERENCE_NAME=RESULTS_NAME` from the command line."""
    before, sep, after = text.partition("=")
    if not sep or not before.strip() or not after.strip():
        raise HarnessInputError(f"expected REFERENCE_NAME=RESULTS_NAME, got {text!r}", field="--pair")
    return before.strip(), after.strip()


def parse_pairs(texts) -> dict[str, str]:
    """Every `--pair`, each reference name at most once."""
    pairs: dict[str, str] = {}
    for text in texts:
        before, after = parse_pair(text)
        if before in pairs or after in pairs.values():
            raise HarnessInputError(f"{text!r}: each candidate may be paired once", field="--pair")
        pairs[before] = after
    return pairs


def _parse_block(block, label: str) -> tuple[dict[str, float], float]:
    if not isinstance(block, dict) or not set(block) <= {"metrics", "alpha"} or not isinstance(block.get("metrics"), dict):
        raise HarnessInputError("the suite's gate block must be {metrics: {METRIC: TOLERANCE, ...}, alpha: A}",
                                path=label, field="suite.gate")
    return dict(block["metrics"]), block.get("alpha", DEFAULT_ALPHA)


def check_gated_metric(metric: str, tolerance: Any = 0.0) -> None:
    """A gated metric must be a registered per-case metric (the gate pairs cases), its tolerance a fraction in
    [0, 1]. Raises HarnessInputError without a location: each caller says where the metric was written."""
    gateable = ", ".join(per_case_metric_names())
    if metric not in per_case_metric_names():
        known = metric in {m.name for m in metrics()}
        reason = "it is an aggregate only, and the gate compares per-case pass/fail metrics" if known else \
            "no such metric"
        raise HarnessInputError(f"cannot gate {metric!r}: {reason}", hint=f"gateable: {gateable}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or math.isnan(tolerance) \
            or not 0 <= tolerance <= 1:
        raise HarnessInputError(f"tolerance for {metric} must be a fraction between 0 and 1, got {tolerance!r}",
                                hint="0.02 = 2 points")


def _located(check: Callable[[], None], path: str | None, field: str) -> None:
    try:
        check()
    except HarnessInputError as exc:
        raise HarnessInputError(exc.message, path=path, field=field, hint=exc.hint) from None


def _read(run: ResultsFile | str | Path, default_label: str) -> tuple[ResultsFile, str]:
    if isinstance(run, ResultsFile):
        return run, default_label
    return ResultsFile.read(run), str(run)


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"
