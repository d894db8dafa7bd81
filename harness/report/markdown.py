"""A `Report` as a markdown document: the decision first, then every shown section in order.

Plain pipe tables (tabulate), so the document reads the same on GitHub and in a terminal.
"""
from __future__ import annotations

import pandas as pd

from harness.report.build import Report
from harness.report.section import Section


def render_markdown(report: Report) -> str:
    parts = [_header(report), f"**Decision.** {report.decision.sentence}."]
    parts += [_section(section) for section in report.sections if section.shown]
    return "\n\n".join(parts) + "\n"


def title(report: Report) -> str:
    suite = report.suite
    return f"{suite.get('name', 'results')} v{suite.get('version', '?')}: leaderboard report"


def subtitle(report: Report) -> str:
    suite = report.suite
    parts = [f"{report.detectable['cases']} cases", f"scoring mode {suite.get('scoring_mode', '?')}",
             f"suite hash {str(suite.get('hash', ''))[:12]}"]
    if report.sources:
        parts.append("from " + ", ".join(report.sources))
    return " · ".join(parts)


def _header(report: Report) -> str:
    return f"# {title(report)}\n\n{subtitle(report)}"


def _section(section: Section) -> str:
    blocks = [f"## {section.title}"]
    if section.table is not None:
        blocks.append(_markdown(section.table) if not section.table.empty else section.empty)
    blocks += section.text
    blocks += [f"{caption}\n\n{_markdown(table)}" for caption, table in section.text_tables]
    blocks += section.notes
    return "\n\n".join(blocks)


def _markdown(table: pd.DataFrame) -> str:
    return table.to_markdown(index=False, disable_numparse=True)
