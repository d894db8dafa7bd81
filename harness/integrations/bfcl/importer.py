"""`harness import bfcl`: write a harness suite (suite.yaml, data/test.jsonl and, for BFCL v4's multi-turn
categories, data/multi_turn.jsonl) from any BFCL release's own data.

The data comes from a bfcl-eval wheel (v4 by default, v3 with `--release v3`, both downloaded once), or from
`--from PATH`: a wheel, a BFCL data folder or a checkout (v1 and v2 live only in BFCL's repository history).
Case ids stay BFCL's entry ids (`<category>_<line>` for v1, which has none), so BFCL result files re-score
with `harness score`; each case keeps its BFCL category, and the suite scores in `bfcl` mode. The multi-turn
categories come only from the pinned v4 wheel, whose simulated APIs the conversations run on
(`harness.integrations.bfcl.multi_turn_import`).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from harness.errors import HarnessInputError
from harness.integrations.bfcl.convert import release_cases
from harness.integrations.bfcl.multi_turn_import import (
    MULTI_TURN_FILE, MULTI_TURN_SHORTHAND, SHORTHAND_TEXT, expand_shorthand, multi_turn_conversations, multi_turn_lines,
    multi_turn_wheel, refuse_before_reading,
)
from harness.integrations.bfcl.releases import RELEASES, V3, V4, Release, release_of_files
from harness.integrations.bfcl.sources import BfclSource, source_at
from harness.integrations.bfcl.wheel import BFCL_V3_WHEEL_VERSION, BFCL_WHEEL_VERSION, BfclWheelError, bfcl_wheel_path
from harness.io.atomic import atomic_write_text
from harness.multiturn.bfcl_cases import BFCL_MULTI_TURN_CATEGORIES
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY

#: The categories imported by default from the v4 wheel: single-turn Python AST and the two irrelevance ones.
DEFAULT_CATEGORIES: tuple[str, ...] = V4.categories
SUITE_FILE = "suite.yaml"
#: BFCL's limit in this harness's terms. BFCL counts the steps whose calls ran and force-terminates the
#: conversation once that count passes `MAXIMUM_STEP_LIMIT` (20): a 21st answer may still end the turn in
#: words, and only a 21st that calls again is cut off. Here the limit counts answers, so it is 21.
BFCL_MAX_STEPS_PER_TURN = 21
TEST_FILE = "data/test.jsonl"
#: The wheel each release can be downloaded in, for imports without `--from`.
_WHEEL_OF_RELEASE = {V4.name: BFCL_WHEEL_VERSION, V3.name: BFCL_V3_WHEEL_VERSION}


@dataclass(frozen=True)
class ImportedSuite:
    """What an import wrote: where, from which release, cases per category (conversations for the multi-turn
    ones), and the flagged defects."""

    suite_path: Path
    release: Release
    counts: dict[str, int]
    defects: dict[str, str]
    #: The categories of `counts` written to MULTI_TURN_FILE; the others went to TEST_FILE.
    multi_turn_categories: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def data_files(self) -> dict[str, dict[str, int]]:
        """Cases per category of each data file written, by its path relative to the suite."""
        files = {TEST_FILE: {name: count for name, count in self.counts.items()
                             if name not in self.multi_turn_categories},
                 MULTI_TURN_FILE: {name: count for name, count in self.counts.items()
                                   if name in self.multi_turn_categories}}
        return {path: counts for path, counts in files.items() if counts}


def import_bfcl(out: Path, categories: Sequence[str] | None = None, source: Path | None = None,
                release: str | None = None, overwrite: bool = False) -> ImportedSuite:
    """Read the chosen categories of one BFCL release and write `out/suite.yaml` with `out/data/test.jsonl` (the
    single-turn categories) and `out/data/multi_turn.jsonl` (the multi-turn ones), each only when it has cases.

    `categories` may name `multi_turn` for BFCL v4's four multi-turn categories. Every input problem is raised
    before anything is written; each file is written atomically.
    """
    suite_path = out / SUITE_FILE
    if suite_path.exists() and not overwrite:
        raise HarnessInputError("a suite already exists here; pass --force to replace it", path=suite_path)
    refuse_before_reading(categories, release)
    data, chosen = _source_and_release(source, release)
    available = _available(chosen, data)
    single, multi = _categories(chosen, data, available, categories)
    wheel = multi_turn_wheel(multi, chosen, data, available)
    cases = [case for category in single for case in release_cases(data, chosen, category)]
    conversations = multi_turn_conversations(multi, wheel) if multi else ()
    counts = dict(Counter(case.category for case in [*cases, *conversations]))
    defects = {case.id: case.meta[GROUND_TRUTH_DEFECT_KEY] for case in [*cases, *conversations]
               if GROUND_TRUTH_DEFECT_KEY in case.meta}
    if single:
        # Keys in their own order: each tool's parameters stay in the order of BFCL's function docs.
        lines = "".join(json.dumps(case.to_json(), ensure_ascii=False) + "\n" for case in cases)
        atomic_write_text(out / TEST_FILE, lines)
    if multi:
        atomic_write_text(out / MULTI_TURN_FILE, multi_turn_lines(conversations))
    atomic_write_text(suite_path, _suite_yaml(chosen, data, single, multi, counts, defects))
    # A replaced suite's other data file would outlive it unread (and be taken for part of the new import).
    for name, written in ((TEST_FILE, single), (MULTI_TURN_FILE, multi)):
        if not written:
            (out / name).unlink(missing_ok=True)
    return ImportedSuite(suite_path=suite_path, release=chosen, counts=counts, defects=defects,
                         multi_turn_categories=tuple(multi))


def _source_and_release(source: Path | None, release: str | None) -> tuple[BfclSource, Release]:
    if release is not None and release not in RELEASES:
        raise HarnessInputError(f"unknown BFCL release {release!r} (known: {', '.join(RELEASES)})",
                                field="--release")
    if source is None:
        wanted = release or V4.name
        if wanted not in _WHEEL_OF_RELEASE:
            raise HarnessInputError(f"BFCL {wanted} is not in any bfcl-eval wheel; pass --from with a checkout of "
                                    f"BFCL's repository (or its data folder) at a {wanted} commit", field="--from")
        try:
            data = BfclSource(bfcl_wheel_path(version=_WHEEL_OF_RELEASE[wanted]), is_wheel=True)
        except BfclWheelError as exc:
            raise HarnessInputError(str(exc), field="--from") from None
    else:
        data = source_at(source)
    present = release_of_files(data.names())
    if not present:
        raise HarnessInputError("no BFCL data files of a known release here", path=data.path, field="--from")
    if release is None:
        return data, present[0]
    chosen = RELEASES[release]
    if chosen not in present:
        raise HarnessInputError(f"no {chosen.label} data files here (found: {', '.join(r.name for r in present)})",
                                path=data.path, field="--release")
    return data, chosen


def _available(release: Release, data: BfclSource) -> list[str]:
    """The release's single-turn categories whose data file this source has."""
    return [category for category in release.categories if data.exists(release.data_file(category))]


def _categories(release: Release, data: BfclSource, available: Sequence[str],
                categories: Sequence[str] | None) -> tuple[list[str], list[str]]:
    """The chosen single-turn and multi-turn categories, in the order named (`multi_turn` spelled out); without
    a choice, every single-turn category the source has (`available`): conversations are imported on request."""
    if categories is None:
        return list(available), []
    named = expand_shorthand(categories)
    single = [category for category in named if category not in BFCL_MULTI_TURN_CATEGORIES]
    for category in single:
        if category not in release.kinds:
            hint = None
            if category == "simple" and release is V4:
                hint = "v4 calls it simple_python; v3 and older call it simple"
            elif category in V4.kinds and release.name == "v1":
                hint = "v1 calls the categories simple, multiple_function, parallel_function, " \
                       "parallel_multiple_function and relevance"
            multi_turn = (f"; multi-turn: {', '.join(BFCL_MULTI_TURN_CATEGORIES)}, or {SHORTHAND_TEXT}"
                          if release is V4 else "")
            raise HarnessInputError(f"{release.label} has no importable category {category!r} (importable: "
                                    f"{', '.join(release.categories)}{multi_turn})", field="--categories", hint=hint)
        if category not in available:
            raise HarnessInputError(f"the {release.label} data here has no {release.data_file(category)}",
                                    path=data.path, field="--categories")
    if len(set(named)) != len(named):
        hint = f"{MULTI_TURN_SHORTHAND} names all four multi-turn categories" \
            if MULTI_TURN_SHORTHAND in categories else None
        raise HarnessInputError("a BFCL category is named twice", field="--categories", hint=hint)
    return single, [category for category in named if category in BFCL_MULTI_TURN_CATEGORIES]


def _suite_yaml(release: Release, data: BfclSource, single: Sequence[str], multi_turn: Sequence[str],
                counts: dict[str, int], defects: dict[str, str]) -> str:
    """The suite file, naming only the data files written: `data.test` is optional once `data.multi_turn` is
    there, and a named file that is missing would fail the suite's load."""
    version = data.path.name.split("-")[1] if data.is_wheel and data.path.name.count("-") >= 2 else 1
    categories = [*single, *multi_turn]
    files = {"test": TEST_FILE} if single else {}
    if multi_turn:
        files["multi_turn"] = MULTI_TURN_FILE
    spec = {
        "name": f"bfcl-{release.name}",
        "version": version,
        "description": (f"{release.label} ({', '.join(categories)}), imported from the {data.describe()} "
                        "by `harness import bfcl`."),
        "data": files,
        "scoring": {"mode": "bfcl"},
    }
    if multi_turn:  # BFCL's step limit, so a turn is cut off (and the conversation fails) where BFCL's would be
        spec["multi_turn"] = {"max_steps_per_turn": BFCL_MAX_STEPS_PER_TURN}
    header = ["# Generated by `harness import bfcl`; regenerate rather than edit.",
              "# Cases per category: " + ", ".join(f"{name} {counts.get(name, 0)}" for name in categories)]
    if multi_turn:
        header.append(f"# Multi-turn conversations ({', '.join(multi_turn)}) run on BFCL's simulated APIs from the "
                      f"pinned bfcl-eval {BFCL_WHEEL_VERSION} wheel.")
    if defects:
        header.append("# Known ground-truth defects (flagged in each case's meta, reported apart): "
                      + ", ".join(sorted(defects)))
    return "\n".join(header) + "\n" + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
