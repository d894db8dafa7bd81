"""The published BFCL outputs in tests/data/bfcl/results, paired with BFCL v3's cases and raw entries: shared by
the agreement test (tests/bfcl/test_real_outputs.py) and the scoring-speed benchmark."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from harness.integrations.bfcl.convert import load_bfcl_cases
from harness.integrations.bfcl.handlers import handler_style
from harness.integrations.bfcl.releases import V3
from harness.integrations.bfcl.results import CaseIndex, result_models
from harness.integrations.bfcl.wheel import BFCL_V3_WHEEL_VERSION, read_bfcl_jsonl
from harness.suite.case_loader import read_jsonl
from harness.suite.cases import Case
from tests.bfcl_reference import handler_wheel

RESULTS = Path(__file__).resolve().parent / "data" / "bfcl" / "results"
RESULT_FOLDERS = (RESULTS / "2024-07-06" / "result-BFCL", RESULTS / "2024-12-29" / "result")


@dataclass(frozen=True)
class Entry:
    """One published output: which model wrote it, how BFCL reads that model, and the case it answers."""

    model: str
    decoder: str
    names: str
    case_id: str
    output: object


@dataclass(frozen=True)
class V3Data:
    cases: dict[str, Case]
    raw: dict[str, tuple[str, dict, dict | None]]  # id -> (category, BFCL entry, BFCL answer row or None)


@functools.cache
def v3_data() -> V3Data:
    """BFCL v3's cases (our conversion) and raw entries and answers (what BFCL's checker reads)."""
    wheel = Path(handler_wheel(BFCL_V3_WHEEL_VERSION))
    cases, raw = [], {}
    for category in V3.categories:
        cases.extend(load_bfcl_cases(category, wheel=wheel, release=V3))
        answers = ({} if V3.kinds[category] == "irrelevance" else
                   {row["id"]: row for row in read_bfcl_jsonl(wheel, V3.answer_file(category))})
        for entry in read_bfcl_jsonl(wheel, V3.data_file(category)):
            raw[entry["id"]] = (category, entry, answers.get(entry["id"]))
    return V3Data({case.id: case for case in cases}, raw)


@functools.cache
def real_entries() -> tuple[Entry, ...]:
    """Every published output of the sample folders that answers a v3 case."""
    index = CaseIndex(tuple(v3_data().cases.values()))
    found = []
    for folder in RESULT_FOLDERS:
        for model in result_models(folder):
            style = handler_style(model.name)
            for release, category, path in model.files.values():
                for line, row in read_jsonl(path):
                    case_id = index.case_id(row, release, category, path, line)
                    if case_id is not None:
                        found.append(Entry(model.name, style.decoder, style.names, case_id, row["result"]))
    return tuple(found)
