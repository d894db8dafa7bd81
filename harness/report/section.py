"""The report section interface: a section computes its content once; every renderer loops over the sections.

A section is a plugin (entry-point group `fc_harness.report_sections`), the built-ins included
(`harness.report.sections`). `compute(inputs)` returns a `Section`: a display table, paragraphs, small-print
notes, an optional figure, and the raw frames that `report.json` and the CSV files hold. Markdown, HTML, CSV
and JSON only format what a `Section` holds, so a new section needs no renderer change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

import pandas as pd

from harness.plugins import REPORT_SECTIONS, registry
from harness.results.file import ResultsFile


@dataclass(frozen=True)
class ReportInputs:
    """What every section may read: the per-case frame (`load_results`), the leaderboard computed from it (its
    row order is the report's candidate order), the significance level and the bootstrap seed."""

    frame: pd.DataFrame
    leaderboard: pd.DataFrame
    alpha: float
    seed: int
    #: The merged results files themselves, for sections that show what a model wrote (None when the report
    #: is built from a frame alone).
    results: ResultsFile | None = None

    @property
    def order(self) -> list[str]:
        return self.leaderboard["candidate"].tolist()

    @property
    def candidates(self) -> list[dict]:
        """The results file's candidate entries (name, spec, aggregates, training)."""
        return list(self.frame.attrs.get("candidates") or ())


@dataclass(frozen=True)
class Figure:
    """A figure drawn only by renderers that show images (HTML); `draw` returns PNG bytes, or None for none."""

    draw: Callable[[], bytes | None]
    element_id: str
    alt: str


@dataclass(frozen=True)
class Section:
    """One computed section.

    `table` is the display table (text cells) shown by markdown and HTML, `empty` what they show instead when it
    has no rows; `text` paragraphs follow it, `notes` are the small print. `figure` is shown by HTML and
    `text_tables` ((caption, table) pairs) by markdown in its place. `data` are the section's `report.json`
    entries (frames become lists of records), `csv` its CSV files by name. A section that is not `shown` (e.g.
    fine-tuning when nothing was fine-tuned) is left out of markdown, HTML and CSV; its data stay in the JSON.

    `html` is interactive content only HTML can show (inline script and style, no external request): built
    only when HTML is rendered, since it may embed every record, and shown there in place of `text`, which is
    then the stand-in the other renderers show. Its builder escapes or encodes whatever it embeds.
    """

    name: str
    title: str
    table: pd.DataFrame | None = None
    empty: str = "(none)"
    text: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    figure: Figure | None = None
    text_tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    csv: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    shown: bool = True
    #: The column whose value tags each HTML row (`data-<row_key>`), so readers can pick a candidate's row.
    row_key: str | None = "candidate"
    #: Returns the section's interactive HTML block (see above); None for none.
    html: Callable[[], str] | None = None

    @property
    def element_id(self) -> str:
        return self.name.replace("_", "-")


class ReportSection(Protocol):
    """A report section plugin. `order` places it (built-ins use 10..70); `name` keys it in `report.json`."""

    name: str
    order: int

    def compute(self, inputs: ReportInputs) -> Section: ...


@dataclass(frozen=True)
class SectionPlugin:
    """A report section from a function: the simplest way to write one."""

    name: str
    order: int
    compute: Callable[[ReportInputs], Section]


def report_sections() -> list[ReportSection]:
    """Every registered report section, in display order."""
    return sorted(registry(REPORT_SECTIONS).all().values(), key=lambda section: (section.order, section.name))
