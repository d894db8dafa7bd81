"""The HTML report rendered by a real headless browser (Debian's chromium): one leaderboard row per candidate,
and the embedded figures decoded and drawn (the page's load script records each image's naturalWidth in the DOM).

Skipped where chromium is absent; under CI (CI set) a missing browser fails instead, so the check always runs there.
Install it with `apt-get install -y chromium`.
"""
from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import pytest

from harness.report.build import load_report
from harness.report.writer import write_report
from tests.report.cdp import FLAGS, chromium_or_skip
from tests.report.report_builders import priced_results_with_training, write

pytestmark = pytest.mark.browser
CANDIDATES = ["smollm2-lora", "smollm2-few-shot", "smollm2-zero-shot"]


class _Dom(HTMLParser):
    """Collects the leaderboard rows' candidates and every image's attributes from the dumped DOM."""

    def __init__(self):
        super().__init__()
        self.images: dict[str, dict] = {}
        self.leaderboard_rows: list[str] = []
        self.body: dict = {}
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id")
        elif tag == "tr" and self._table == "leaderboard" and "data-candidate" in attrs:
            self.leaderboard_rows.append(attrs["data-candidate"])
        elif tag == "img":
            self.images[attrs.get("id", "")] = attrs
        elif tag == "body":
            self.body = attrs

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None


@pytest.fixture(scope="module")
def dom(tmp_path_factory):
    browser = chromium_or_skip()
    root = tmp_path_factory.mktemp("html")
    report = load_report([write(priced_results_with_training(), root / "results.json")])
    write_report(report, root / "report", ["html"])
    page = (root / "report" / "report.html").resolve()
    completed = subprocess.run([browser, *FLAGS, f"--user-data-dir={root / 'profile'}", "--dump-dom", page.as_uri()],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    parser = _Dom()
    parser.feed(completed.stdout)
    return parser


def test_the_page_loaded_its_script(dom):
    assert dom.body.get("data-loaded") == "true"


def test_one_leaderboard_row_per_candidate(dom):
    assert dom.leaderboard_rows == CANDIDATES


@pytest.mark.parametrize("image", ["cost-accuracy-plot", "loss-curve-plot"])
def test_embedded_figures_are_decoded_and_drawn(dom, image):
    attrs = dom.images[image]
    assert re.match(r"data:image/png;base64,", attrs["src"])
    assert int(attrs["data-natural-width"]) > 100
