"""A `Report` as one self-contained HTML page: inline CSS, figures embedded as base64 PNG, no external request.

Every text that comes from a results file (candidate names, case ids, error types) is HTML-escaped.
"""
from __future__ import annotations

import base64
from html import escape

import pandas as pd

from harness.report.build import Report
from harness.report.markdown import subtitle, title
from harness.report.section import Section

# Tables: headers wrap, and cells too where the table would not fit otherwise (a CI breaks before its bracket), so
# the 18-column leaderboard fits a 1,400 px window whole (measured in Chromium: 1,390 px wide unwrapped, in a
# 1,353 px box); a table still wider scrolls in its own box, never the page.
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 86rem;
       padding: 0 1rem; color: #1d232a; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.subtitle { color: #5b6570; margin-top: 0; }
.decision { border-left: 5px solid #1f6fb2; background: #eef5fb; padding: 0.8rem 1rem; font-size: 1.05rem; }
.decision.no_fine_tune, .decision.no_baseline { border-color: #7a7a7a; background: #f3f3f3; }
.decision.not_justified { border-color: #c0392b; background: #fbeeee; }
.decision.fine_tune_wins { border-color: #2e8b57; background: #edf8f1; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.8rem; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #dde2e7; padding: 0.25rem 0.4rem; text-align: right; }
th { background: #f5f7f9; vertical-align: bottom; min-width: 2.5rem; }
th:first-child, td:first-child { text-align: left; }
tr:hover td { background: #fafbfc; }
.note { color: #5b6570; font-size: 0.85rem; max-width: 60rem; }
figure { margin: 1rem 0; } img { max-width: 100%; height: auto; }
"""
# Records each image's decoded width on the page once it has loaded: a reader loses nothing, and a headless
# browser test can read from the DOM that the embedded figures really rendered.
_SCRIPT = """
window.addEventListener("load", function () {
  for (const img of document.images) { img.setAttribute("data-natural-width", String(img.naturalWidth)); }
  document.body.setAttribute("data-loaded", "true");
});
"""


def render_html(report: Report) -> str:
    decision = report.decision
    body = [f"<h1>{escape(title(report))}</h1>", f'<p class="subtitle">{escape(subtitle(report))}</p>',
            (f'<p class="decision {escape(decision.verdict)}" id="decision"><strong>Decision.</strong> '
             f"{escape(decision.sentence)}.</p>")]
    body += [_section(section) for section in report.sections if section.shown]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{escape(title(report))}</title>\n<style>{_CSS}</style>\n<script>{_SCRIPT}</script>\n"
            "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _section(section: Section) -> str:
    parts = []
    if section.table is not None:
        parts.append(_table(section.table, section.element_id, section.row_key) if not section.table.empty
                     else f"<p>{escape(section.empty)}</p>")
    png = section.figure.draw() if section.figure is not None else None
    if png is not None:
        parts.append(_image(png, section.figure.element_id, section.figure.alt))
    if section.html is not None:
        parts.append(section.html())  # interactive content stands in for the text the other renderers show
    else:
        parts += [f"<p>{escape(paragraph)}</p>" for paragraph in section.text]
    notes = "".join(f'<p class="note">{escape(note)}</p>' for note in section.notes)
    return f"<section>\n<h2>{escape(section.title)}</h2>\n" + "\n".join(parts) + f"\n{notes}\n</section>"


def _table(table: pd.DataFrame, table_id: str, row_key: str | None = "candidate") -> str:
    """A table whose rows carry `data-<row_key>` so readers (and tests) can pick a candidate's row."""
    head = "".join(f"<th>{escape(str(column))}</th>" for column in table.columns)
    rows = []
    for _, row in table.iterrows():
        key = f' data-{row_key}="{escape(str(row[row_key]))}"' if row_key else ""
        cells = "".join(f"<td>{escape(str(value))}</td>" for value in row)
        rows.append(f"<tr{key}>{cells}</tr>")
    # Wide leaderboards scroll inside their own box rather than widening the page.
    return (f'<div class="scroll"><table id="{table_id}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody>\n</table></div>")


def _image(png: bytes, image_id: str, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img id="{image_id}" alt="{escape(alt)}" src="data:image/png;base64,{data}"></figure>'
