"""Writes a `Report` as markdown, HTML, CSV and JSON files into one folder.

Every file is rendered in memory before the first is written, and each is replaced atomically, so a
failure leaves the folder as it was and no reader ever sees half a file.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from harness.errors import HarnessInputError
from harness.io.atomic import atomic_write_text
from harness.report.build import Report

FORMATS = ("md", "html", "csv", "json")
REPORT_KIND = "fc-harness-report"
REPORT_SCHEMA_VERSION = 1


def parse_formats(text: str) -> tuple[str, ...]:
    """"md,html" -> ("md", "html"); an unknown name is a one-line input error."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise HarnessInputError(f"unknown report format {', '.join(unknown) or repr(text)}", field="--format",
                                hint=f"use a comma-separated list of {', '.join(FORMATS)}")
    return names


def render(report: Report, formats: Iterable[str] = FORMATS) -> dict[str, str]:
    """File name -> content for each requested format (csv gives one file per table)."""
    files: dict[str, str] = {}
    for name in formats:
        if name == "md":
            from harness.report.markdown import render_markdown
            files["report.md"] = render_markdown(report)
        elif name == "html":
            # Imported here: matplotlib is only needed when figures are drawn.
            from harness.report.html import render_html
            files["report.html"] = render_html(report)
        elif name == "csv":
            files.update(_csv_files(report))
        elif name == "json":
            files["report.json"] = json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
        else:
            raise ValueError(f"unknown report format {name!r}")
    return files


def write_report(report: Report, out: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Render every format, then write the files into `out` (created if needed); returns their paths."""
    files = render(report, formats)
    out = Path(out)
    for name, text in files.items():
        atomic_write_text(out / name, text)
    return [out / name for name in files]


def report_json(report: Report) -> dict:
    """The whole report as data: the decision with its numbers, then every section's entries (tables as lists of
    records)."""
    data = {
        "kind": REPORT_KIND,
        "schema_version": REPORT_SCHEMA_VERSION,
        "suite": report.suite,
        "sources": list(report.sources),
        "decision": report.decision.to_json(),
        "minimum_detectable_difference": report.detectable,
    }
    for section in report.sections:
        data.update({key: _records(value) if isinstance(value, pd.DataFrame) else value
                     for key, value in section.data.items()})
    return rounded(data)


#: Significant digits kept in report.json: fitted slopes and noise estimates differ in their last bits between
#: machines (BLAS and libm), and a report regenerated from the same results must be the same file.
SIGNIFICANT_DIGITS = 12


def rounded(value: Any) -> Any:
    """`value` with every float rounded to `SIGNIFICANT_DIGITS` significant digits, inside dicts and lists."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(item) for item in value]
    return value


def _csv_files(report: Report) -> dict[str, str]:
    return {name: table.to_csv(index=False, lineterminator="\n")
            for section in report.sections if section.shown for name, table in section.csv.items()}


def _records(table: pd.DataFrame) -> list[dict]:
    # pandas' own JSON writer turns NaN into null and numpy scalars into plain numbers.
    return json.loads(table.to_json(orient="records", double_precision=15))
