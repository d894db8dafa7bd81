"""BFCL's own way of aggregating accuracy, computed beside the harness's metrics for BFCL-derived cases.

Each release defines its leaderboard columns (`harness.integrations.bfcl.releases`): e.g. v4's non-live AST is the
unweighted mean of simple_python / multiple / parallel / parallel_multiple, live AST weights the live
categories by entry count, irrelevance averages the two irrelevance categories. A column whose categories the
suite does not all hold is still computed over those it holds, and names the missing ones. Cases with a known
ground-truth defect are counted (as BFCL counts them) and listed.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from harness.integrations.bfcl.convert import BFCL_CATEGORY_KEY, BFCL_RELEASE_KEY
from harness.integrations.bfcl.releases import RELEASES, V4, Aggregate
from harness.results.file import CaseRecord
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY

#: Suites imported before releases were recorded are v4 suites; older v4 files spelled simple_python `simple`.
_SIMPLE_ALIASES = {"simple": "simple_python"}


def bfcl_summary(records: Sequence[CaseRecord]) -> dict | None:
    """BFCL-style aggregates of one candidate's records, or None when no record came from BFCL."""
    by_category: dict[str, list[bool]] = defaultdict(list)
    flagged: dict[str, dict] = {}
    releases = set()
    for record in records:
        category = record.meta.get(BFCL_CATEGORY_KEY)
        if category is None:
            continue
        release = record.meta.get(BFCL_RELEASE_KEY)
        releases.add(release)
        if release is None:
            category = _SIMPLE_ALIASES.get(category, category)
        by_category[category].append(record.passed)
        if GROUND_TRUTH_DEFECT_KEY in record.meta:
            flagged[record.case_id] = {"defect": record.meta[GROUND_TRUTH_DEFECT_KEY], "passed": record.passed}
    if not by_category:
        return None
    release = RELEASES.get(next(iter(releases))) if len(releases) == 1 and None not in releases else V4
    accuracy = {name: sum(flags) / len(flags) for name, flags in sorted(by_category.items())}
    summary: dict = {
        "release": release.name,
        "per_category": {name: {"cases": len(by_category[name]), "accuracy": accuracy[name]} for name in accuracy},
    }
    missing: dict[str, list[str]] = {}
    for column in release.aggregates:
        summary[column.name] = _column(column, by_category)
        absent = [name for name in column.categories if name not in by_category]
        if absent and summary[column.name] is not None:
            missing[column.name] = absent
    summary["missing_categories"] = missing
    summary["flagged_ground_truth_defects"] = dict(sorted(flagged.items()))
    return summary


def _column(column: Aggregate, by_category: dict[str, list[bool]]) -> float | None:
    """The column over the categories present; None when none is."""
    present = [by_category[name] for name in column.categories if name in by_category]
    if not present:
        return None
    if column.weighted:
        flags = [flag for group in present for flag in group]
        return sum(flags) / len(flags)
    return sum(sum(group) / len(group) for group in present) / len(present)
