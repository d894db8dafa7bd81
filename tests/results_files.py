"""Builders for in-memory results files (ResultsFile of CaseRecords), shared by the frame, stats and gate tests.

Outcomes are given per candidate as lists of pass/fail flags; every other stage follows from them.
"""
from __future__ import annotations

from pathlib import Path

from harness.results.file import CandidateResult, CaseRecord, ResultsFile

SUITE = {"name": "toolshop", "version": 1, "hash": "ab" * 32, "cases_hash": "ef" * 32, "path": "suite.yaml",
         "scoring_mode": "strict",
         "cases": 0, "categories": ["simple"], "gate": None}


def record(candidate: str, index: int, passed: bool, schema_valid: bool | None = None, **fields) -> CaseRecord:
    schema_valid = passed if schema_valid is None else schema_valid
    values = {"case_id": f"case-{index:03d}", "category": "simple" if index % 2 else "multiple",
              "candidate": candidate, "output": "...", "calls": [{"name": "f", "arguments": {}}], "parsed": True,
              "schema_valid": schema_valid, "right_tools": passed, "passed": passed,
              "error_type": None if passed else "value_error", "error_detail": "", "expects_call": True,
              "latency_ms": 100.0 + index, "input_tokens": 50, "output_tokens": 10}
    values.update(fields)
    return with_metrics(values)


def with_metrics(values: dict) -> CaseRecord:
    """A record whose built-in metric values follow from its stage fields, as a version-1 file's are read."""
    return CaseRecord.from_json(values, schema_version=1)


def make_results(outcomes: dict[str, list[bool]], schema: dict[str, list[bool]] | None = None,
                 **suite_overrides) -> ResultsFile:
    """One candidate per `outcomes` key; `schema` optionally sets schema_valid separately from passed."""
    records, candidates = [], []
    for name, flags in outcomes.items():
        valid = (schema or {}).get(name, flags)
        records += [record(name, i, passed, schema_valid) for i, (passed, schema_valid) in enumerate(zip(flags, valid))]
        candidates.append(CandidateResult(name=name, spec={"name": name}, spec_hash="0" * 16,
                                          aggregates={"cases": len(flags)}))
    cases = max((len(flags) for flags in outcomes.values()), default=0)
    suite = SUITE | {"cases": cases} | suite_overrides
    return ResultsFile(suite=suite, environment={}, candidates=tuple(candidates), records=tuple(records))


def write(results: ResultsFile, path: Path) -> Path:
    results.write(path)
    return path
