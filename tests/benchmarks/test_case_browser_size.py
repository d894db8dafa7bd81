"""The case browser at scale: 10,000 cases x 10 candidates (100,000 records with ~300-character outputs) embedded in
one report.html. Measured: the time to build the block, its size (bytes per record, and against the results file
that holds the same records), and in headless Chromium the time until the browser is ready and a filter's time.
"""
from __future__ import annotations

import json
import time

import pytest

from harness.report.case_browser import browser_html
from harness.results.file import CandidateResult, CaseRecord, ResultsFile
from tests.report.cdp import Browser, chromium_or_skip

N_CASES, N_CANDIDATES = 10_000, 10
CATEGORIES = ("simple", "multiple", "parallel", "parallel_multiple", "irrelevance")
TOOLS = ("get_weather", "book_flight", "convert_currency", "search_products", "send_email")


def _record(case: int, candidate: int) -> CaseRecord:
    """A varied, realistic record: a JSON tool call whose arguments differ by case and candidate; 1 in 3 fails."""
    tool = TOOLS[(case + candidate) % len(TOOLS)]
    arguments = {"city": f"City {case % 977}", "date": f"2025-{case % 12 + 1:02d}-{candidate + 10}",
                 "amount": round((case * 7.31 + candidate) % 1000, 2), "note": f"request {case} variant {candidate}"}
    output = json.dumps({"name": tool, "arguments": arguments}) + " " + "Sure, calling the tool now." * (case % 3)
    passed = (case + candidate) % 3 != 0
    return CaseRecord(case_id=f"case-{case:05d}", category=CATEGORIES[case % len(CATEGORIES)],
                      candidate=f"candidate-{candidate}", output=output,
                      calls=[{"name": tool, "arguments": arguments}], parsed=True, schema_valid=True,
                      right_tools=passed, passed=passed, error_type=None if passed else "wrong_name",
                      error_detail="" if passed else f"called {tool}", expects_call=True,
                      latency_ms=100.0 + case % 50, input_tokens=400, output_tokens=40)


@pytest.fixture(scope="module")
def big_results() -> ResultsFile:
    records = tuple(_record(case, candidate) for case in range(N_CASES) for candidate in range(N_CANDIDATES))
    candidates = tuple(CandidateResult(name=f"candidate-{i}", spec={}, spec_hash="0" * 16, training=None,
                                       aggregates={}) for i in range(N_CANDIDATES))
    cases = tuple({"id": f"case-{i:05d}", "category": CATEGORIES[i % len(CATEGORIES)],
                   "request": f"User asks for request {i}: please help with city {i % 977}.",
                   "expected": [{"name": TOOLS[i % len(TOOLS)], "arguments": {"city": f"City {i % 977}"}}]}
                  for i in range(N_CASES))
    return ResultsFile(suite={"name": "big"}, environment={}, candidates=candidates, records=records,
                       created_at="2025-01-01T00:00:00+00:00", cases=cases)


@pytest.mark.benchmark(group="case browser, 10,000 cases x 10 candidates")
def test_speed_build_browser_block(benchmark, big_results, tmp_path):
    block = benchmark.pedantic(browser_html, args=(big_results, [c.name for c in big_results.candidates]),
                               rounds=1, iterations=1)
    big_results.write(tmp_path / "results.json")
    results_bytes = (tmp_path / "results.json").stat().st_size
    size = len(block.encode("utf-8"))
    benchmark.extra_info.update(block_mib=round(size / 2**20, 2), bytes_per_record=round(size / N_CASES / N_CANDIDATES,
                                1), results_file_mib=round(results_bytes / 2**20, 2),
                                block_vs_results_file=round(size / results_bytes, 3))
    assert size < results_bytes  # the page never holds more than the results file it comes from


@pytest.mark.browser
@pytest.mark.benchmark(group="case browser, 10,000 cases x 10 candidates")
def test_speed_browser_ready_and_filter(benchmark, big_results, tmp_path):
    binary = chromium_or_skip()
    page = tmp_path / "browser.html"
    page.write_text("<!doctype html><meta charset='utf-8'><body>" + browser_html(
        big_results, [c.name for c in big_results.candidates]) + "</body>", encoding="utf-8")
    browser = Browser(binary, tmp_path / "profile")
    try:
        ready = "document.getElementById('case-browser').dataset.ready === 'true'"
        seconds = benchmark.pedantic(browser.open, args=(page.as_uri(), ready, 300), rounds=1, iterations=1)
        started = time.monotonic()
        browser.evaluate("(() => { const s = document.getElementById('cb-status'); s.value = 'failed'; "
                         "s.dispatchEvent(new Event('change')); return true; })()")
        matches = int(browser.evaluate("document.getElementById('case-browser').dataset.matches"))
        benchmark.extra_info.update(ready_s=round(seconds, 2), filter_s=round(time.monotonic() - started, 3))
        assert matches == sum((case + candidate) % 3 == 0 for case in range(N_CASES) for candidate in range(N_CANDIDATES))
    finally:
        browser.close()
