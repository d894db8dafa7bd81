"""The case browser's embedded payload and HTML block: compact layout, cuts, escaping, and where it is shown."""
from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import re

import pytest

from harness.report import case_browser
from harness.report.build import load_report
from harness.report.case_browser import CUT_CHARS, STAGE_BITS, browser_html, cut, encode, payload
from harness.report.writer import write_report
from tests.report.report_builders import case_record, candidate, results_file, write

HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> & "quotes"'


def _results(with_cases: bool = True, **first_fields):
    records = [case_record("lora", 0, first_fields.pop("passed", True), **first_fields), case_record("lora", 1, False),
               case_record("zero", 0, False, calls=None, parsed=False, schema_valid=False, right_tools=False,
                           error_type="parse_error", error_detail="no JSON"),
               case_record("zero", 1, True)]
    results = results_file([candidate("lora", lora=True), candidate("zero")], records)
    if with_cases:
        summaries = tuple({"id": f"case-{i:03d}", "category": "simple" if i % 2 else "multiple",
                           "request": f"request {i}", "expected": [{"name": "f", "arguments": {}}]} for i in range(2))
        results = dataclasses.replace(results, cases=summaries)
    return results


def _decode(encoded: str) -> dict:
    return json.loads(gzip.decompress(base64.b64decode(encoded)).decode("utf-8"))


def test_payload_stores_each_case_once_and_names_as_indexes():
    data = payload(_results(), order=["zero", "lora"])
    assert data["candidates"] == ["zero", "lora"]  # the leaderboard's order
    assert data["categories"] == ["multiple", "simple"]
    assert data["errors"] == ["parse_error", "value_error"]
    assert data["cases"] == [["case-000", 0, "request 0", [{"name": "f", "arguments": {}}]],
                             ["case-001", 1, "request 1", [{"name": "f", "arguments": {}}]]]
    # records sorted by case, then candidate (in leaderboard order): zero before lora on each case
    assert [(row[0], row[1]) for row in data["records"]] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    zero_on_0 = data["records"][0]
    every_stage = STAGE_BITS["parsed"] | STAGE_BITS["schema_valid"] | STAGE_BITS["right_tools"]
    assert zero_on_0[2] == STAGE_BITS["expects_call"]  # failed to parse: only "expects a call" is set
    assert zero_on_0[3] == 0 and zero_on_0[4] == "no JSON" and zero_on_0[6] is None
    lora_on_0 = data["records"][1]
    assert lora_on_0[2] == every_stage | STAGE_BITS["passed"] | STAGE_BITS["expects_call"]
    assert lora_on_0[3] == -1 and lora_on_0[6] == [{"name": "f", "arguments": {}}] and lora_on_0[7] == 100.0
    assert data["expected_recorded"] is True


def test_payload_without_case_summaries_takes_categories_from_records():
    data = payload(_results(with_cases=False), order=["lora", "zero"])
    assert data["expected_recorded"] is False
    assert data["cases"] == [["case-000", 0, None, None], ["case-001", 1, None, None]]


def test_long_outputs_and_calls_are_cut_with_a_marker():
    long_output = "x" * (CUT_CHARS + 1234)
    many_calls = [{"name": "f", "arguments": {"text": "y" * 100}} for _ in range(100)]
    data = payload(_results(output=long_output, calls=many_calls), order=["lora", "zero"])
    record = data["records"][0]
    assert record[5] == "x" * CUT_CHARS + "\n[… cut: 1,234 more characters]"
    assert isinstance(record[6], str) and record[6].endswith("more characters]")
    assert cut("short") == "short"


def test_openai_message_outputs_are_shown_as_json():
    message = {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}
    data = payload(_results(output=message), order=["lora", "zero"])
    assert json.loads(data["records"][0][5]) == message


def test_encoding_round_trips_and_is_deterministic():
    data = payload(_results(), order=["lora", "zero"])
    assert _decode(encode(data)) == data
    assert encode(data) == encode(data)  # mtime 0: the same report bytes on every run


def test_hostile_output_never_reaches_the_page_as_markup():
    results = _results(output=HOSTILE, error_detail=HOSTILE, error_type="value_error", passed=False)
    block = browser_html(results, order=["lora", "zero"])
    assert "pwned" not in block and "onerror" not in block
    assert block.count("</script>") == 2  # the data element's and the script's own, nothing from a record
    encoded = re.search(r'id="case-browser-data"[^>]*>([^<]*)</script>', block).group(1)
    assert _decode(encoded)["records"][0][5] == HOSTILE


def test_an_asset_holding_a_closing_tag_is_refused(monkeypatch, tmp_path):
    class Files:
        def joinpath(self, name):
            return tmp_path / name

    (tmp_path / "evil.js").write_text("var a = '</SCRIPT>';", encoding="utf-8")
    monkeypatch.setattr(case_browser.resources, "files", lambda package: Files())
    with pytest.raises(ValueError, match="closing script or style tag"):
        case_browser._asset.__wrapped__("evil.js")


def test_shipped_assets_are_inlined():
    block = browser_html(_results(), order=["lora", "zero"])
    assert "DecompressionStream" in block and ".cb-panes" in block


def test_report_html_holds_the_browser_and_markdown_one_line(tmp_path):
    path = write(_results(), tmp_path / "results.json")
    written = write_report(load_report([path]), tmp_path / "report")
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert 'id="case-browser"' in html and 'data-records="4"' in html
    assert "## Case browser" in markdown and "(4 records, 2 cases)" in markdown
    assert "case-browser-data" not in markdown and not any("cases" in str(p.name) for p in written
                                                          if str(p).endswith(".csv"))


def test_section_is_hidden_without_results():
    from harness.report.build import build_report
    from harness.results.frame import load_results

    report = build_report(load_results(_results()))
    section = next(s for s in report.sections if s.name == "cases")
    assert section.shown is False and section.html is None
