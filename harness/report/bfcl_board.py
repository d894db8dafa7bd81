"""BFCL's leaderboard layout for candidates scored on BFCL-derived cases: that release's summary columns, then
per-category accuracy, then the harness's own headline metrics beside them.

Shared by results.md (`harness run` / `score`) and the report; computed from each candidate's aggregates.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from harness.integrations.bfcl.releases import RELEASES, V4

#: Short column titles as BFCL's leaderboard names them.
_TITLES = {"non_live_ast": "Non-live AST", "non_live_overall": "Non-live overall", "live_ast": "Live AST",
           "live_overall": "Live overall", "irrelevance": "Irrelevance", "ast_summary": "AST summary",
           "relevance": "Relevance", "overall": "Overall"}
#: The harness's own metrics shown beside BFCL's: (title, aggregate key).
OURS = (("tool-call acc (ours)", "tool_call_accuracy"), ("schema valid (ours)", "schema_validity"),
        ("relevance F1 (ours)", "relevance_f1"))


def bfcl_board(candidates: Iterable[tuple[str, Mapping]]) -> pd.DataFrame:
    """One row per candidate with a `bfcl` aggregate block; rates as fractions, mean latency in seconds."""
    rows = []
    for name, aggregates in candidates:
        bfcl = aggregates.get("bfcl")
        if not bfcl:
            continue
        release = RELEASES.get(bfcl.get("release", "v4"), V4)
        row: dict = {"candidate": name, "release": release.name}
        for column in release.aggregates:
            row[_TITLES.get(column.name, column.name)] = bfcl.get(column.name)
        per_category = bfcl["per_category"]
        ordered = [name for name in release.categories if name in per_category]
        for category in ordered + sorted(set(per_category) - set(ordered)):
            row[category] = per_category[category]["accuracy"]
        latency = aggregates.get("latency_ms") or {}
        row["latency mean s"] = latency.get("mean") / 1000 if latency.get("mean") is not None else None
        for title, key in OURS:
            row[title] = aggregates.get(key)
        rows.append(row)
    return pd.DataFrame(rows)


def bfcl_notes(candidates: Iterable[tuple[str, Mapping]]) -> list[str]:
    """What a reader of the board needs: each release's column definitions, missing categories, and the
    flagged ground-truth defects."""
    notes, releases, flagged, missing = [], set(), {}, {}
    for name, aggregates in candidates:
        bfcl = aggregates.get("bfcl")
        if not bfcl:
            continue
        releases.add(bfcl.get("release", "v4"))
        for column, absent in (bfcl.get("missing_categories") or {}).items():
            missing[column] = absent
        for case_id, item in (bfcl.get("flagged_ground_truth_defects") or {}).items():
            flagged[case_id] = item["defect"]
    for release_name in sorted(releases):
        release = RELEASES.get(release_name, V4)
        columns = "; ".join(f"{_TITLES.get(c.name, c.name)} = {c.label}" for c in release.aggregates)
        notes.append(f"{release.label} columns: {columns}.")
    if missing:
        notes.append("Partial columns (the suite lacks some of their categories): "
                     + "; ".join(f"{_TITLES.get(column, column)} without {', '.join(absent)}"
                                 for column, absent in sorted(missing.items())) + ".")
    if flagged:
        notes.append(f"{len(flagged)} cases have known defective ground truth (no answer can pass; counted as "
                     "BFCL counts them): " + "; ".join(f"{case_id} ({reason})"
                                                     for case_id, reason in sorted(flagged.items())) + ".")
    return notes
