"""BFCL's releases as data: file names, category names and how each release aggregates its leaderboard.

v1 (2024) names files `gorilla_openfunctions_v1_test_<category>.json`, has no entry ids and calls irrelevance
`relevance`; v2 (August 2024) and v3 (September 2024) add live categories under `BFCL_v2_` / `BFCL_v3_`;
v4 (2025) renames `simple` to `simple_python`. Only the single-turn Python AST categories and the irrelevance
categories import: Java and JavaScript use other type systems, and live_relevance expects "any call".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

SIMPLE, MULTIPLE, PARALLEL, PARALLEL_MULTIPLE, IRRELEVANCE = (
    "simple", "multiple", "parallel", "parallel_multiple", "irrelevance")


@dataclass(frozen=True)
class Aggregate:
    """One leaderboard column: the mean of some categories' accuracies, weighted by entries or not."""

    name: str
    categories: tuple[str, ...]
    weighted: bool
    label: str


@dataclass(frozen=True)
class Release:
    """One BFCL release's layout. `kinds` maps each importable category to what it tests (simple, multiple,
    parallel, parallel_multiple or irrelevance), which decides how its answers are read."""

    name: str
    label: str
    prefix: str
    kinds: Mapping[str, str]
    aggregates: tuple[Aggregate, ...]
    #: Entries carry an `id` (v2+); v1 entries are known by their line, `<category>_<index>`.
    has_ids: bool = True

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.kinds)

    def data_file(self, category: str) -> str:
        return f"{self.prefix}{category}.json"

    def answer_file(self, category: str) -> str:
        return f"possible_answer/{self.prefix}{category}.json"

    def category_of_file(self, name: str) -> str | None:
        """The category a data or result file of this release holds (`..._result.json` too), else None."""
        stem = name.rsplit("/", 1)[-1].removesuffix(".json").removesuffix("_result")
        if not stem.startswith(self.prefix):
            return None
        category = stem[len(self.prefix):]
        return category if category in self.kinds else None


def _aggregates(simple: str, live: bool) -> tuple[Aggregate, ...]:
    non_live = (simple, MULTIPLE, PARALLEL, PARALLEL_MULTIPLE)
    aggregates = [
        Aggregate("non_live_ast", non_live, False, "Non-live AST summary (unweighted mean of the four)"),
        Aggregate("non_live_overall", non_live + (IRRELEVANCE,), False,
                  "Non-live overall (unweighted, with irrelevance)"),
    ]
    if live:
        live_ast = ("live_simple", "live_multiple", "live_parallel", "live_parallel_multiple")
        aggregates += [
            Aggregate("live_ast", live_ast, True, "Live AST summary (weighted by entries)"),
            Aggregate("live_overall", live_ast + ("live_irrelevance",), True,
                      "Live overall (weighted, with live irrelevance; live relevance not imported)"),
            Aggregate("irrelevance", (IRRELEVANCE, "live_irrelevance"), False,
                      "Irrelevance (unweighted mean of non-live and live)"),
        ]
    return tuple(aggregates)


def _modern_kinds(simple: str) -> dict[str, str]:
    kinds = {simple: SIMPLE, MULTIPLE: MULTIPLE, PARALLEL: PARALLEL, PARALLEL_MULTIPLE: PARALLEL_MULTIPLE,
             IRRELEVANCE: IRRELEVANCE}
    kinds.update({f"live_{kind}": kind for kind in (SIMPLE, MULTIPLE, PARALLEL, PARALLEL_MULTIPLE, IRRELEVANCE)})
    return kinds


V1 = Release(
    name="v1", label="BFCL v1 (2024)", prefix="gorilla_openfunctions_v1_test_", has_ids=False,
    kinds={"simple": SIMPLE, "multiple_function": MULTIPLE, "parallel_function": PARALLEL,
           "parallel_multiple_function": PARALLEL_MULTIPLE, "relevance": IRRELEVANCE},
    aggregates=(
        Aggregate("ast_summary", ("simple", "multiple_function", "parallel_function", "parallel_multiple_function"),
                  False, "AST summary (unweighted mean of the four; Java and JavaScript not imported)"),
        Aggregate("relevance", ("relevance",), True, "Relevance detection"),
        Aggregate("overall", ("simple", "multiple_function", "parallel_function", "parallel_multiple_function",
                              "relevance"), True,
                  "Overall over the imported categories (weighted by entries; executable ones not imported)"),
    ),
)
V2 = Release(name="v2", label="BFCL v2 (2024-08)", prefix="BFCL_v2_", kinds=_modern_kinds("simple"),
             aggregates=_aggregates("simple", live=True))
V3 = Release(name="v3", label="BFCL v3 (2024-09)", prefix="BFCL_v3_", kinds=_modern_kinds("simple"),
             aggregates=_aggregates("simple", live=True))
V4 = Release(name="v4", label="BFCL v4 (2025)", prefix="BFCL_v4_", kinds=_modern_kinds("simple_python"),
             aggregates=_aggregates("simple_python", live=True))

RELEASES: dict[str, Release] = {release.name: release for release in (V1, V2, V3, V4)}
#: Newest first: where a folder holds several releases' files, the newest is the default.
NEWEST_FIRST: tuple[Release, ...] = (V4, V3, V2, V1)


def release_of_files(names: Sequence[str]) -> list[Release]:
    """The releases whose data files appear among `names`, newest first."""
    return [release for release in NEWEST_FIRST if any(release.category_of_file(name) for name in names)]

