"""`harness import bfcl`: write a harness suite (suite.yaml + data/test.jsonl) from any BFCL release's own data.

The data comes from a bfcl-eval wheel (v4 by default, v3 with `--release v3`, both downloaded once), or from
`--from PATH`: a wheel, a BFCL data folder or a checkout (v1 and v2 live only in BFCL's repository history).
Case ids stay BFCL's entry ids (`<category>_<line>` for v1, which has none), so BFCL result files re-score
with `harness score`; each case keeps its BFCL category, and the suite scores in `bfcl` mode.
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
from harness.integrations.bfcl.releases import RELEASES, V3, V4, Release, release_of_files
from harness.integrations.bfcl.sources import BfclSource, source_at
from harness.integrations.bfcl.wheel import BFCL_V3_WHEEL_VERSION, BFCL_WHEEL_VERSION, BfclWheelError, bfcl_wheel_path
from harness.io.atomic import atomic_write_text
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY

#: The categories imported by default from the v4 wheel: single-turn Python AST and the two irrelevance ones.
DEFAULT_CATEGORIES: tuple[str, ...] = V4.categories
SUITE_FILE = "suite.yaml"
TEST_FILE = "data/test.jsonl"
#: The wheel each release can be downloaded in, for imports without `--from`.
_WHEEL_OF_RELEASE = {V4.name: BFCL_WHEEL_VERSION, V3.name: BFCL_V3_WHEEL_VERSION}


@dataclass(frozen=True)
class ImportedSuite:
    """What an import wrote: where, from which release, cases per category, and the flagged defects."""

    suite_path: Path
    release: Release
    counts: dict[str, int]
    defects: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def import_bfcl(out: Path, categories: Sequence[str] | None = None, source: Path | None = None,
                release: str | None = None, overwrite: bool = False) -> ImportedSuite:
    """Read the chosen categories of one BFCL release and write `out/suite.yaml` and `out/data/test.jsonl`.

    Every input problem is raised before anything is written; each file is written atomically.
    """
    suite_path = out / SUITE_FILE
    if suite_path.exists() and not overwrite:
        raise HarnessInputError("a suite already exists here; pass --force to replace it", path=suite_path)
    data, chosen = _source_and_release(source, release)
    categories = _categories(chosen, data, categories)
    cases = [case for category in categories for case in release_cases(data, chosen, category)]
    counts = dict(Counter(case.category for case in cases))
    defects = {case.id: case.meta[GROUND_TRUTH_DEFECT_KEY] for case in cases if GROUND_TRUTH_DEFECT_KEY in case.meta}
    lines = "".join(json.dumps(case.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for case in cases)
    atomic_write_text(out / TEST_FILE, lines)
    atomic_write_text(suite_path, _suite_yaml(chosen, data, categories, counts, defects))
    return ImportedSuite(suite_path=suite_path, release=chosen, counts=counts, defects=defects)


def _source_and_release(source: Path | None, release: str | None) -> tuple[BfclSource, Release]:
    if release is not None and release not in RELEASES:
        raise HarnessInputError(f"unknown BFCL release {release!r} (known: {', '.join(RELEASES)})",
                                field="--release")
    if source is None:
        wanted = release or V4.name
        if wanted not in _WHEEL_OF_RELEASE:
            raise HarnessInputError(f"BFCL {wanted} is not in any bfcl-eval wheel; pass --from with a checkout of "
                                    "BFCL's repository (or its data folder) at a {wanted} commit", field="--from")
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


def _categories(release: Release, data: BfclSource, categories: Sequence[str] | None) -> list[str]:
    available = [category for category in release.categories if data.exists(release.data_file(category))]
    if categories is None:
        return available
    for category in categories:
        if category not in release.kinds:
            hint = None
            if category == "simple" and release is V4:
                hint = "v4 calls it simple_python; v3 and older call it simple"
            elif category in V4.kinds and release.name == "v1":
                hint = "v1 calls the categories simple, multiple_function, parallel_function, " \
                       "parallel_multiple_function and relevance"
            raise HarnessInputError(f"{release.label} has no importable category {category!r} (importable: "
                                    f"{', '.join(release.categories)})", field="--categories", hint=hint)
        if category not in available:
            raise HarnessInputError(f"the {release.label} data here has no {release.data_file(category)}",
                                    path=data.path, field="--categories")
    if len(set(categories)) != len(categories):
        raise HarnessInputError("a BFCL category is named twice", field="--categories")
    return list(categories)


def _suite_yaml(release: Release, data: BfclSource, categories: Sequence[str], counts: dict[str, int],
                defects: dict[str, str]) -> str:
    version = data.path.name.split("-")[1] if data.is_wheel and data.path.name.count("-") >= 2 else 1
    spec = {
        "name": f"bfcl-{release.name}",
        "version": version,
        "description": (f"{release.label} ({', '.join(categories)}), imported from the {data.describe()} "
                        "by `harness import bfcl`."),
        "data": {"test": TEST_FILE},
        "scoring": {"mode": "bfcl"},
    }
    header = ["# Generated by `harness import bfcl`; regenerate rather than edit.",
              "# Cases per category: " + ", ".join(f"{name} {counts.get(name, 0)}" for name in categories)]
    if defects:
        header.append("# Known ground-truth defects (flagged in each case's meta, reported apart): "
                      + ", ".join(sorted(defects)))
    return "\n".join(header) + "\n" + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
