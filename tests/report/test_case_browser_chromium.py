"""The case browser driven in headless Chromium over the DevTools protocol: it decodes the embedded records, filters
and pages them, opens a case with what each candidate wrote (a hostile output shown as text, never run), compares
two candidates side by side, restores its view from the URL, renders something visible, makes no network request,
and the page (leaderboard included) fits a 1,400 px window.

Skipped where chromium is absent; under CI a missing browser fails instead.
"""
from __future__ import annotations

import dataclasses
import io
import json

import pytest
from PIL import Image, ImageStat

from harness.report.build import load_report
from harness.report.writer import write_report
from tests.report.cdp import Browser, chromium_or_skip
from tests.report.report_builders import candidate, case_record, results_file, write

pytestmark = pytest.mark.browser
CASES = 120
CANDIDATES = ["smollm2-lora", "smollm2-few-shot", "smollm2-zero-shot"]
HOSTILE = '</script><img src=x onerror="window.pwned=1"><b id="injected">bold</b>'
READY = "document.getElementById('case-browser').dataset.ready === 'true'"


def _results():
    """120 cases x 3 candidates; the LoRA candidate passes 3 in 4, the others 1 in 2 and 1 in 4. LoRA's output on
    case-007 is hostile markup."""
    records = []
    for name, every in zip(CANDIDATES, (4, 2, 4)):
        for i in range(CASES):
            passed = (i % every != 0) if name == "smollm2-lora" else (i % every == 0)
            output = HOSTILE if (name == "smollm2-lora" and i == 7) else f"{name} says {i}"
            records.append(case_record(name, i, passed, output=output,
                                       calls=[{"name": "f", "arguments": {"i": i, "by": name}}]))
    results = results_file([candidate("smollm2-lora", lora=True), candidate("smollm2-few-shot", strategy="few_shot"),
                            candidate("smollm2-zero-shot")], records)
    summaries = tuple({"id": f"case-{i:03d}", "category": "simple" if i % 2 else "multiple",
                       "request": f"please do task {i}", "expected": [{"name": "f", "arguments": {"i": i}}]}
                      for i in range(CASES))
    return dataclasses.replace(results, cases=summaries)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    binary = chromium_or_skip()
    root = tmp_path_factory.mktemp("browser")
    write_report(load_report([write(_results(), root / "results.json")]), root / "report", ["html"])
    browser = Browser(binary, root / "profile")
    url = (root / "report" / "report.html").resolve().as_uri()
    browser.open(url, READY)
    yield browser, url
    browser.close()


def _js(browser: Browser, script: str):
    return browser.evaluate(f"(() => {{ {script} }})()")


def _choose(browser: Browser, select_id: str, label: str) -> None:
    """Pick the option shown as `label` in a select, as a user would, and fire its change event."""
    _js(browser, f"""const s = document.getElementById({json.dumps(select_id)});
        const o = [...s.options].find(o => o.textContent === {json.dumps(label)});
        if (!o) throw new Error('no option ' + {json.dumps(label)});
        s.value = o.value; s.dispatchEvent(new Event('change')); return true;""")


def _reset(browser: Browser) -> None:
    _js(browser, "document.getElementById('cb-reset').click(); return true;")


def _matches(browser: Browser) -> int:
    return int(_js(browser, "return document.getElementById('case-browser').dataset.matches;"))


def _visible_rows(browser: Browser) -> list[list[str]]:
    return _js(browser, "return [...document.querySelectorAll('#cb-rows tr')].map(r => [r.dataset.case, "
                        "r.dataset.candidate, r.cells[6].textContent]);")


def test_every_record_is_listed_in_pages(page):
    browser, _ = page
    _reset(browser)
    assert _matches(browser) == CASES * len(CANDIDATES)
    assert len(_visible_rows(browser)) == 50
    assert _js(browser, "return document.getElementById('cb-page').textContent;") == "page 1 of 8"
    _js(browser, "document.getElementById('cb-next').click(); return true;")
    assert _js(browser, "return document.getElementById('cb-page').textContent;") == "page 2 of 8"


def test_filters_by_candidate_category_and_verdict(page):
    browser, _ = page
    _reset(browser)
    _choose(browser, "cb-candidate", "smollm2-lora")
    _choose(browser, "cb-status", "failed")
    assert _matches(browser) == 30  # i % 4 == 0
    rows = _visible_rows(browser)
    assert {row[1] for row in rows} == {"smollm2-lora"} and {row[2] for row in rows} == {"✗"}
    assert [row[0] for row in rows][:3] == ["case-000", "case-004", "case-008"]
    _choose(browser, "cb-category", "simple")  # odd cases: none is a multiple of 4
    assert _matches(browser) == 0
    _reset(browser)
    _choose(browser, "cb-error", "value_error")
    assert _matches(browser) == 30 + 60 + 90
    _js(browser, "const s = document.getElementById('cb-search'); s.value = 'task 11'; "
                 "s.dispatchEvent(new Event('input')); return true;")
    assert {row[0] for row in _visible_rows(browser)} <= {"case-011", "case-110", "case-111", "case-112",
                                                          "case-113", "case-114", "case-115", "case-116",
                                                          "case-117", "case-118", "case-119"}


def test_opening_a_case_shows_output_calls_and_expected_as_text(page):
    browser, _ = page
    _reset(browser)
    _choose(browser, "cb-candidate", "smollm2-lora")
    _js(browser, "document.querySelector('#cb-rows tr[data-case=\"case-007\"]').click(); return true;")
    detail = _js(browser, """const d = document.getElementById('cb-detail');
        const r = d.querySelector('.cb-record');
        return {case: d.dataset.case, candidate: r.dataset.candidate,
                output: r.querySelector('.cb-output').textContent,
                calls: JSON.parse(r.querySelector('.cb-calls').textContent),
                expected: JSON.parse(d.querySelector('.cb-expected').textContent),
                request: d.querySelector('.cb-request').textContent,
                verdicts: r.querySelector('.cb-verdicts').textContent,
                injected: document.getElementById('injected') !== null, pwned: window.pwned === 1};""")
    assert detail["case"] == "case-007" and detail["candidate"] == "smollm2-lora"
    assert detail["output"] == HOSTILE  # shown literally
    assert detail["injected"] is False and detail["pwned"] is False  # and never parsed as markup
    assert detail["calls"] == [{"name": "f", "arguments": {"i": 7, "by": "smollm2-lora"}}]
    assert detail["expected"] == [{"name": "f", "arguments": {"i": 7}}]
    assert detail["request"] == "please do task 7"
    assert "✓ passed" in detail["verdicts"] and "100 ms" in detail["verdicts"]


def test_side_by_side_and_the_view_survives_a_reload(page):
    browser, url = page
    _reset(browser)
    _js(browser, "document.querySelector('#cb-rows tr[data-case=\"case-004\"][data-candidate=\"smollm2-lora\"]')"
                 ".click(); return true;")
    _choose(browser, "cb-with", "smollm2-zero-shot")
    panels = _js(browser, "return [...document.querySelectorAll('#cb-detail .cb-record')].map(p => "
                          "[p.dataset.candidate, p.querySelector('.cb-output').textContent, "
                          "p.querySelector('.cb-no, .cb-yes') && p.querySelector('.cb-verdicts').textContent]);")
    assert [p[0] for p in panels] == ["smollm2-lora", "smollm2-zero-shot"]
    assert panels[0][1] == "smollm2-lora says 4" and panels[1][1] == "smollm2-zero-shot says 4"
    assert "✗ passed" in panels[0][2] and "✓ passed" in panels[1][2]
    hash_ = _js(browser, "return location.hash;")
    assert "cb-open=case-004" in hash_ and "cb-with=smollm2-zero-shot" in hash_
    browser.open(url + hash_, READY)
    restored = _js(browser, "return [document.getElementById('cb-detail').dataset.case, "
                            "[...document.querySelectorAll('#cb-detail .cb-record')].map(p => p.dataset.candidate)];")
    assert restored == ["case-004", ["smollm2-lora", "smollm2-zero-shot"]]


def test_page_fits_1400px_renders_and_stays_offline(page):
    browser, _ = page
    _reset(browser)
    _js(browser, "document.querySelector('#cb-rows tr').click(); return true;")
    widths = _js(browser, "return {page: document.documentElement.scrollWidth, window: window.innerWidth, "
                          "board: document.getElementById('leaderboard').scrollWidth, "
                          "boardBox: document.getElementById('leaderboard').parentElement.clientWidth};")
    assert widths["window"] == 1400
    assert widths["page"] <= widths["window"]  # no horizontal scroll on the page
    assert widths["board"] <= widths["boardBox"]  # the leaderboard fits its box without its own scroll bar
    _js(browser, "document.getElementById('case-browser').scrollIntoView(); return true;")
    image = Image.open(io.BytesIO(browser.screenshot())).convert("L")
    assert image.size == (1400, 900)
    assert ImageStat.Stat(image).stddev[0] > 10  # text and tables drawn, not a blank page
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 20
    assert all(url.startswith(("file:", "about:", "data:")) for url in browser.requested_urls())
