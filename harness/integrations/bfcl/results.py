"""BFCL result folders as candidates: every model's per-category result files, replayed against a BFCL suite.

A result folder holds one file per category (`BFCL_v3_simple_result.json`, v1's
`gorilla_openfunctions_v1_test_simple_result.json`), or one such folder per model. Entries name their case by
id (`simple_0`), or, in v1 files, by line number (`"id": 0`, Raven's `"idx": 0`); results of one release
re-score against another's suite by category and position (v3 `simple_5` is v4 `simple_python_5`). Each
model becomes a replay candidate whose decoder and name mapping follow BFCL's handler for it.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessInputError
from harness.integrations.bfcl.convert import BFCL_CATEGORY_KEY
from harness.integrations.bfcl.handlers import HandlerStyle, handler_style
from harness.integrations.bfcl.releases import NEWEST_FIRST, RELEASES, Release
from harness.io.atomic import atomic_write_text
from harness.suite.candidate import CandidateSpec
from harness.suite.case_loader import read_jsonl
from harness.suite.cases import Case

_POSITION = re.compile(r"_(\d+)$")


@dataclass(frozen=True)
class ModelResults:
    """One model's result files, by category kind of the release they belong to."""

    name: str
    files: dict[str, tuple[Release, str, Path]]  # file category -> (release, category, path)


def result_models(folder: Path) -> list[ModelResults]:
    """The models in a BFCL result folder: the folder itself when it holds result files, else its subfolders."""
    folder = Path(folder)
    own = _result_files(folder)
    if own:
        return [ModelResults(folder.name, own)]
    models = [ModelResults(child.name, files) for child in sorted(folder.iterdir())
              if child.is_dir() and (files := _result_files(child))]
    if not models:
        raise HarnessInputError("no BFCL result files here (e.g. BFCL_v3_simple_result.json, or one folder per "
                                "model holding them)", path=folder)
    return models


def replay_candidates(suite_cases: tuple[Case, ...], folder: Path, outputs_dir: Path,
                      decoder: str | None = None, names: str | None = None) -> list[tuple[CandidateSpec, HandlerStyle]]:
    """One replay candidate per model in `folder`, its outputs rewritten to `outputs_dir/<model>.jsonl` keyed
    by the suite's case ids. `decoder` / `names` override BFCL's handler style for every model."""
    index = CaseIndex(suite_cases)
    candidates = []
    for model in result_models(folder):
        lines = []
        for release, category, path in model.files.values():
            for line, row in read_jsonl(path):
                case_id = index.case_id(row, release, category, path, line)
                if case_id is not None:
                    lines.append(json.dumps({**_without_id(row), "case_id": case_id}, ensure_ascii=False))
        outputs = outputs_dir / f"{model.name}.jsonl"
        atomic_write_text(outputs, "".join(line + "\n" for line in lines))
        style = handler_style(model.name)
        candidates.append((CandidateSpec(name=model.name, backend="replay", outputs=str(outputs.resolve()),
                                         decoder=decoder or style.decoder, names=names or style.names), style))
    return candidates


def _result_files(folder: Path) -> dict[str, tuple[Release, str, Path]]:
    files = {}
    for path in sorted(folder.glob("*.json")):
        for release in NEWEST_FIRST:
            category = release.category_of_file(path.name)
            if category is not None:
                files[f"{release.name}:{category}"] = (release, category, path)
                break
    return files


def _without_id(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in ("id", "idx", "case_id")}


class CaseIndex:
    """Finds the suite case a result entry is about: by id, else by category kind and position."""

    def __init__(self, cases: tuple[Case, ...]):
        self.ids = {case.id for case in cases}
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for case in cases:
            category = case.meta.get(BFCL_CATEGORY_KEY, case.category)
            release = RELEASES.get(case.meta.get("bfcl_release", "v4"))
            kind = release.kinds.get(category) if release else None
            if kind is not None:
                self.by_kind[_kind_key(category, kind)].append(case.id)

    def case_id(self, row: Any, release: Release, category: str, path: Path, line: int) -> str | None:
        """The suite case id of one result row; None when the suite does not have that case."""
        if not isinstance(row, dict):
            raise HarnessInputError("each result line must be a JSON object", path=path, line=line)
        if "result" not in row:
            raise HarnessInputError("a BFCL result line needs `result`", path=path, line=line, field="result")
        raw = row.get("id", row.get("idx"))
        if isinstance(raw, str) and raw in self.ids:
            return raw
        position = _position(raw)
        if position is None:
            raise HarnessInputError("the entry id is neither a string id nor a line number", path=path, line=line,
                                    field="id")
        ids = self.by_kind.get(_kind_key(category, release.kinds[category]), [])
        return ids[position] if position < len(ids) else None


def _kind_key(category: str, kind: str) -> str:
    """Categories that hold the same entries across releases: the kind, live or not."""
    return f"live_{kind}" if category.startswith("live_") else kind


def _position(raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    if isinstance(raw, str) and (match := _POSITION.search(raw)) and "-" not in raw:
        return int(match.group(1))
    return None
