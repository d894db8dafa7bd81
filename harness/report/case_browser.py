"""The case browser: every case of every candidate (raw output, parsed and expected calls, stage verdicts, error),
shown by report.html only, where a script filters and pages it; markdown gets one line, the data files nothing.

The records are embedded once, as gzip+base64 JSON (`payload`, `encode`), since the results file already holds them
for every other reader; `case_browser.js` and `case_browser.css` beside this module are inlined into the page.
"""
from __future__ import annotations

import base64
import gzip
import json
from functools import cache
from html import escape
from importlib import resources

from harness.report.section import ReportInputs, Section, SectionPlugin
from harness.results.file import CaseRecord, ResultsFile

#: Outputs, error details and call lists longer than this are cut (with `cut`'s marker) in the page: a few
#: screens of text is all a reader scans, and one runaway 100 kB generation should not grow every report.
CUT_CHARS = 4000
#: The layout of `payload()` (and what `case_browser.js` reads); bump it when a position below changes.
PAYLOAD_FORMAT = 1
#: A record is a list: these fields, in this order (`_record`). `stages` is a bit set (`STAGE_BITS`); `error` an
#: index into the payload's `errors` (-1: none); `calls` a list, None (unparseable), or a cut string.
RECORD_FIELDS = ("case", "candidate", "stages", "error", "detail", "output", "calls", "latency_ms")
#: A case is a list: these fields; `category` indexes `categories`, `request`/`expected` are None when the results
#: file predates case summaries.
CASE_FIELDS = ("id", "category", "request", "expected")
STAGE_BITS = {"parsed": 1, "schema_valid": 2, "right_tools": 4, "passed": 8, "expects_call": 16}
#: gzip level 6: within 3% of level 9's size on synthetic 10,000 x 10 records, at about half its time.
_GZIP_LEVEL = 6


def cut(text: str, limit: int = CUT_CHARS) -> str:
    """`text`, or its first `limit` characters and a marker saying how much was left out (so a cut is never
    mistaken for what the model wrote)."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[… cut: {len(text) - limit:,} more characters]"


def output_text(output) -> str:
    """A record's raw output as text: model text as is, an OpenAI message dict as indented JSON."""
    if isinstance(output, str):
        return output
    return json.dumps(output, indent=2, ensure_ascii=False, default=str)


def payload(results: ResultsFile, order: list[str]) -> dict:
    """Every record of `results`, compact: each case (request, expected calls) stored once, names as indexes,
    long texts cut. Candidates follow `order` (the leaderboard's), then any it lacks; cases follow the results
    file's case list, then first appearance; records are sorted by case, then candidate."""
    candidates = list(dict.fromkeys([*order, *(record.candidate for record in results.records)]))
    summaries = {summary["id"]: summary for summary in results.cases if "id" in summary}
    case_ids = list(dict.fromkeys([*summaries, *(record.case_id for record in results.records)]))
    categories = _case_categories(results, summaries)
    category_names = sorted(set(categories.values()))
    errors = sorted({record.error_type for record in results.records if record.error_type})
    case_index = {case_id: i for i, case_id in enumerate(case_ids)}
    candidate_index = {name: i for i, name in enumerate(candidates)}
    error_index = {name: i for i, name in enumerate(errors)}
    records = sorted((_record(record, case_index, candidate_index, error_index) for record in results.records),
                     key=lambda row: (row[0], row[1]))
    category_index = {name: i for i, name in enumerate(category_names)}
    cases = [_case(case_id, summaries.get(case_id), category_index[categories[case_id]]) for case_id in case_ids]
    return {"format": PAYLOAD_FORMAT, "cut_chars": CUT_CHARS, "expected_recorded": bool(summaries),
            "candidates": candidates, "categories": category_names, "errors": errors, "cases": cases,
            "records": records}


def _case_categories(results: ResultsFile, summaries: dict[str, dict]) -> dict[str, str]:
    """Each case's category: the case summary's, else its first record's (older files have no summaries)."""
    categories = {case_id: str(summary.get("category", "")) for case_id, summary in summaries.items()}
    for record in results.records:
        categories.setdefault(record.case_id, record.category)
    return categories


def _case(case_id: str, summary: dict | None, category: int) -> list:
    if summary is None:
        return [case_id, category, None, None]
    request = summary.get("request")
    return [case_id, category, None if request is None else cut(str(request)), summary.get("expected")]


def _record(record: CaseRecord, case_index: dict, candidate_index: dict, error_index: dict) -> list:
    stages = sum(bit for name, bit in STAGE_BITS.items() if getattr(record, name))
    error = error_index[record.error_type] if record.error_type else -1
    latency = None if record.latency_ms is None else round(record.latency_ms, 1)
    return [case_index[record.case_id], candidate_index[record.candidate], stages, error,
            cut(record.error_detail or ""), cut(output_text(record.output)), _calls(record.calls), latency]


def _calls(calls: list[dict] | None) -> list[dict] | str | None:
    """The parsed calls as they are, or as cut indented JSON text when they would not fit `CUT_CHARS`."""
    if calls is None:
        return None
    text = json.dumps(calls, ensure_ascii=False, default=str)
    return calls if len(text) <= CUT_CHARS else cut(json.dumps(calls, indent=2, ensure_ascii=False, default=str))


def encode(data: dict) -> str:
    """JSON, gzipped, base64: about a tenth of the JSON's size on model outputs, and base64's alphabet has no `<`,
    so no text in a record (`</script>` included) can end the script element that holds it. mtime=0 keeps a
    report byte-identical across runs."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=_GZIP_LEVEL, mtime=0)).decode("ascii")


@cache
def _asset(name: str) -> str:
    """A file shipped beside this module, checked so that inlining it can never end its own element early."""
    text = resources.files("harness.report").joinpath(name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name} must not contain a closing script or style tag: it is inlined into the page")
    return text


def browser_html(results: ResultsFile, order: list[str]) -> str:
    """The browser's HTML block: its style, the empty controls and panels the script fills, the encoded records
    and the script. Every text from the results reaches the page through the script's `textContent`, never as
    markup."""
    data = encode(payload(results, order))
    return (f"<style>{_asset('case_browser.css')}</style>\n"
            f'<div id="case-browser" data-ready="false" data-records="{len(results.records)}">\n'
            f"{_SKELETON}</div>\n"
            f'<script type="application/octet-stream" id="case-browser-data" data-encoding="gzip+base64">'
            f"{data}</script>\n<script>{_asset('case_browser.js')}</script>")


def _skeleton() -> str:
    """The static controls; option lists are filled from the records by the script."""
    selects = "".join(f'<label>{escape(label)} <select id="cb-{name}"><option value="">{escape(every)}</option>'
                      f"</select></label>\n" for name, label, every in (
                          ("candidate", "Candidate", "all candidates"), ("category", "Category", "all categories"),
                          ("error", "Error", "any error or none")))
    return (f'<form class="cb-filters" id="cb-filters" onsubmit="return false">\n{selects}'
            '<label>Verdict <select id="cb-status"><option value="">passed or failed</option>'
            '<option value="passed">passed</option><option value="failed">failed</option></select></label>\n'
            '<label>Search <input id="cb-search" type="search" placeholder="case id or request text"></label>\n'
            '<button type="button" id="cb-reset">Reset</button></form>\n'
            '<p class="cb-status" id="cb-message">Decoding the embedded cases…</p>\n'
            '<div class="cb-panes"><div class="cb-list"><table id="cb-table"><thead><tr><th>case</th>'
            "<th>category</th><th>candidate</th><th title=\"parsed\">P</th><th title=\"schema-valid\">S</th>"
            "<th title=\"right tools\">T</th><th title=\"passed\">✓</th><th>error</th></tr></thead>"
            '<tbody id="cb-rows"></tbody></table>\n'
            '<div class="cb-pager"><button type="button" id="cb-prev">‹ previous</button>'
            '<span id="cb-page"></span><button type="button" id="cb-next">next ›</button></div></div>\n'
            '<div class="cb-detail" id="cb-detail"><p class="cb-hint">Open a case from the list to see what each '
            "candidate wrote.</p></div></div>\n"
            "<noscript><p>The case browser needs JavaScript; every record is also in the results file.</p>"
            "</noscript>\n")


_SKELETON = _skeleton()


def _cases(inputs: ReportInputs) -> Section:
    results = inputs.results
    if results is None or not results.records:
        return Section("cases", "Case browser", text=("No results file, so no case outputs to browse.",),
                       shown=False, row_key=None)
    order = inputs.order
    cases = len({record.case_id for record in results.records})
    line = (f"Every case with its output: the case browser in report.html ({len(results.records):,} records, "
            f"{cases:,} cases).")
    notes = () if results.cases else (
        "Expected calls are not recorded in this results file (written before case summaries); the browser shows "
        "outputs and verdicts only.",)
    return Section("cases", "Case browser", text=(line,), notes=notes, row_key=None,
                   html=lambda: browser_html(results, order))


CASES = SectionPlugin("cases", 90, _cases)
