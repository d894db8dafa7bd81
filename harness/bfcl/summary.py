"""BFCL's own way of aggregating AST accuracy, computed beside the harness's metrics for BFCL-derived cases.

Non-live AST = unweighted mean of simple / multiple / parallel / parallel_multiple; live AST = accuracy over
all live AST entries (BFCL weights live categories by entry count); irrelevance = mean of the irrelevance
and live_irrelevance accuracies. Cases with a known ground-truth defect are counted (as BFCL counts them)
and listed, so that a reader sees which failures no model could avoid.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from harness.bfcl.convert import BFCL_CATEGORY_KEY
from harness.cases import GROUND_TRUTH_DEFECT_KEY
from harness.results import CaseRecord

NON_LIVE_AST = ("simple_python", "multiple", "parallel", "parallel_multiple")
LIVE_AST = ("live_simple", "live_multiple", "live_parallel", "live_parallel_multiple")
IRRELEVANCE = ("irrelevance", "live_irrelevance")
_SIMPLE_ALIASES = {"simple": "simple_python"}  # older BFCL releases name the file `simple`


def bfcl_summary(records: Sequence[CaseRecord]) -> dict | None:
    """BFCL-style aggregates of one candidate's records, or None when no record came from BFCL."""
    by_category: dict[str, list[bool]] = defaultdict(list)
    flagged: dict[str, dict] = {}
    for record in records:
        category = record.meta.get(BFCL_CATEGORY_KEY)
        if category is None:
            continue
        by_category[_SIMPLE_ALIASES.get(category, category)].append(record.passed)
        if GROUND_TRUTH_DEFECT_KEY in record.meta:
            flagged[record.case_id] = {"defect": record.meta[GROUND_TRUTH_DEFECT_KEY], "passed": record.passed}
    if not by_category:
        return None
    accuracy = {name: sum(flags) / len(flags) for name, flags in sorted(by_category.items())}
    live = [flag for name in LIVE_AST for flag in by_category.get(name, ())]
    return {
        "per_category": {name: {"cases": len(by_category[name]), "accuracy": accuracy[name]} for name in accuracy},
        "non_live_ast": _mean_of_present(accuracy, NON_LIVE_AST),
        "live_ast": sum(live) / len(live) if live else None,
        "irrelevance": _mean_of_present(accuracy, IRRELEVANCE),
        "flagged_ground_truth_defects": dict(sorted(flagged.items())),
    }


def _mean_of_present(accuracy: dict[str, float], names: Sequence[str]) -> float | None:
    """Unweighted mean over the categories the suite has; None when it has none of them."""
    values = [accuracy[name] for name in names if name in accuracy]
    return sum(values) / len(values) if values else None
