"""A report's content, computed once: results files merged and checked, the leaderboard and the decision, then
every registered section (`harness.report.section`).

Renderers (markdown, HTML, CSV, JSON) only format a `Report`; they compute nothing themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from harness.errors import HarnessInputError
from harness.report.decision import Decision, decide
from harness.report.leaderboard import detectable_difference, leaderboard
from harness.report.section import ReportInputs, Section, report_sections
from harness.results.file import ResultsFile, describe_suite, suite_differences
from harness.results.frame import load_results


@dataclass(frozen=True)
class Report:
    """Everything a rendered report shows: the header facts, the decision, then the sections in order; frames
    hold rates as fractions, costs in USD."""

    suite: dict
    sources: tuple[str, ...]
    decision: Decision
    leaderboard: pd.DataFrame
    detectable: dict
    sections: tuple[Section, ...]

    def section(self, name: str) -> Section:
        return next(section for section in self.sections if section.name == name)


def read_results(paths: Sequence[str | Path]) -> ResultsFile:
    """Read one or more results files of the same suite and merge them into one (candidates and records side by side).

    Refuses, with one line naming the file, results of another suite, version or content hash, a candidate
    given twice, and a file without case records.
    """
    if not paths:
        raise HarnessInputError("no results files given", hint="pass at least one results.json")
    files = [(Path(path), ResultsFile.read(path)) for path in paths]
    first_path, first = files[0]
    seen: dict[str, Path] = {}
    for path, results in files:
        _check_same_suite(path, results, first_path, first)
        if not results.records:
            raise HarnessInputError("no case records in this results file, so there is nothing to report",
                                    path=path, hint="run `harness run` on the suite first")
        for candidate in results.candidates:
            if candidate.name in seen:
                raise HarnessInputError(f"candidate {candidate.name} is also in {seen[candidate.name]}", path=path,
                                        hint="give each candidate's results once")
            seen[candidate.name] = path
    if len(files) == 1:
        return first
    return ResultsFile(suite=first.suite, environment=first.environment,
                       candidates=tuple(c for _, results in files for c in results.candidates),
                       records=tuple(r for _, results in files for r in results.records),
                       created_at=max(results.created_at for _, results in files),
                       cases=next((results.cases for _, results in files if results.cases), ()))


def _check_same_suite(path: Path, results: ResultsFile, first_path: Path, first: ResultsFile) -> None:
    if suite_differences(results.suite, first.suite):
        raise HarnessInputError(f"results of suite {describe_suite(results.suite)}, but {first_path} holds suite "
                                f"{describe_suite(first.suite)}", path=path,
                                hint="report results of one suite (same name, version, cases and scoring mode) "
                                     "together")


def build_report(frame: pd.DataFrame, sources: Sequence[str] = (), alpha: float = 0.05, seed: int = 0,
                 results: ResultsFile | None = None) -> Report:
    """The decision and every section from a `load_results` frame (and the results it came from, for the
    sections that show outputs); the leaderboard order is used throughout."""
    if frame.empty:
        raise HarnessInputError("no case records to report", hint="run `harness run` on the suite first")
    board = leaderboard(frame, alpha=alpha, seed=seed)
    inputs = ReportInputs(frame=frame, leaderboard=board, alpha=alpha, seed=seed, results=results)
    return Report(suite=dict(frame.attrs.get("suite") or {}), sources=tuple(str(s) for s in sources),
                  decision=decide(frame, board, alpha=alpha, seed=seed), leaderboard=board,
                  detectable=detectable_difference(frame, alpha=alpha),
                  sections=tuple(plugin.compute(inputs) for plugin in report_sections()))


def load_report(paths: Sequence[str | Path], alpha: float = 0.05, seed: int = 0) -> Report:
    """`read_results` then `build_report`: what `harness report` renders."""
    results = read_results(paths)
    return build_report(load_results(results), sources=[str(p) for p in paths], alpha=alpha, seed=seed,
                        results=results)
