"""The regression gate as pytest tests: one generated test per (gated metric, candidate), and a fixture.

Registered as the `harness` pytest11 entry point, so it loads wherever fc-harness is installed.

Generated tests, only when both paths are given (nothing changes otherwise):

    pytest --harness-reference reports/toolshop.reference.json --harness-results runs/main/results.json \
           [--harness-tolerance tool_call_accuracy=0.03 ...] [--harness-alpha 0.05] [-m harness_gate]

Each item `harness_gate[<metric>-<candidate>]` (marker `harness_gate`) fails with the gate's one-line
message on a real regression (drop over the tolerance AND McNemar p < alpha) and passes otherwise.
Unusable input (different suites, unreadable or empty files) stops the session as a usage error.

Fixture, for tests that gate their own files (paths default to the two options):

    def test_no_regression(harness_gate):
        report = harness_gate("reports/ref.json", "runs/new/results.json", tolerances={"parse_rate": 0.05})
        assert report.changes   # it already failed the test on a regression
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from harness.errors import HarnessInputError
from harness.gate.gate import GateReport, MetricChange, parse_pairs, parse_tolerance, run_gate

_REPORT_KEY = pytest.StashKey[GateReport]()
MARKER = "harness_gate"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "fc-harness regression gate")
    group.addoption("--harness-reference", metavar="PATH", help="reference results.json to gate against")
    group.addoption("--harness-results", metavar="PATH", help="new results.json to gate")
    group.addoption("--harness-tolerance", action="append", default=[], metavar="METRIC=VALUE",
                    help="largest allowed drop for a metric, e.g. tool_call_accuracy=0.02 (repeatable)")
    group.addoption("--harness-alpha", type=float, default=None, help="significance level (default: the suite's, else 0.05)")
    group.addoption("--harness-pair", action="append", default=[], metavar="REF_NAME=NEW_NAME",
                    help="pair the reference's candidate REF_NAME with the results' NEW_NAME (repeatable)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a generated fc-harness regression-gate check")
    reference, results = config.getoption("harness_reference"), config.getoption("harness_results")
    if not (reference or results):
        return
    if not (reference and results):
        raise pytest.UsageError("the harness gate needs both --harness-reference and --harness-results")
    try:
        config.stash[_REPORT_KEY] = _gate(config, reference, results)
    except HarnessInputError as exc:
        # Unusable input is not a regression: stop with a usage error (exit 4), as `harness gate` exits 2.
        raise pytest.UsageError(f"harness gate: {exc}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    report = config.stash.get(_REPORT_KEY, None)
    if report is None:
        return None
    return (f"harness gate: {config.getoption('harness_results')} against {config.getoption('harness_reference')}, "
            f"{len(report.changes)} checks, alpha {report.config.alpha:g}")


@pytest.hookimpl(tryfirst=True)  # before -k / -m selection, so those can pick generated items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    report = config.stash.get(_REPORT_KEY, None)
    if report is None:
        return
    for change in report.changes:
        name = f"{MARKER}[{change.metric}-{change.pair.replace(' -> ', '=')}]"
        item = GateItem.from_parent(session, name=name, nodeid=f"harness-gate::{name}", change=change)
        item.add_marker(MARKER)
        items.append(item)


class GateFailure(AssertionError):
    """A real regression; shown as its one-line message, without a traceback."""


class GateItem(pytest.Item):
    """One gated metric of one candidate: passes unless the gate's verdict is a regression."""

    def __init__(self, *, change: MetricChange, **kwargs):
        super().__init__(**kwargs)
        self.change = change

    def runtest(self) -> None:
        if self.change.regressed:
            raise GateFailure(self.change.message())

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GateFailure):
            return f"regression: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return Path(self.config.getoption("harness_results")), None, self.name


@pytest.fixture
def harness_gate(request: pytest.FixtureRequest) -> Callable[..., GateReport]:
    """`harness_gate(reference=None, results=None, tolerances=None, alpha=None, pairs=None) -> GateReport`.

    Runs the gate (paths, tolerances and alpha default to the --harness-* options) and fails the calling test
    with the gate's message on a regression or on unusable input; returns the report otherwise.
    """
    config = request.config

    def check(reference: str | Path | None = None, results: str | Path | None = None,
              tolerances: Mapping[str, float] | None = None, alpha: float | None = None,
              pairs: Mapping[str, str] | None = None) -> GateReport:
        reference = reference or config.getoption("harness_reference")
        results = results or config.getoption("harness_results")
        if not (reference and results):
            pytest.fail("harness_gate needs a reference and a results file (arguments or --harness-* options)",
                        pytrace=False)
        try:
            report = _gate(config, reference, results, tolerances, alpha, pairs)
        except HarnessInputError as exc:
            pytest.fail(f"harness gate: {exc}", pytrace=False)
        if not report.passed:
            pytest.fail("harness gate: " + "; ".join(change.message() for change in report.regressions),
                        pytrace=False)
        return report

    return check


def _gate(config: pytest.Config, reference: str | Path, results: str | Path,
          tolerances: Mapping[str, float] | None = None, alpha: float | None = None,
          pairs: Mapping[str, str] | None = None) -> GateReport:
    """The gate with the command-line --harness-tolerance / --harness-alpha / --harness-pair as defaults."""
    if tolerances is None:
        tolerances = dict(parse_tolerance(text) for text in config.getoption("harness_tolerance"))
    alpha = config.getoption("harness_alpha") if alpha is None else alpha
    pairs = parse_pairs(config.getoption("harness_pair")) if pairs is None else pairs
    return run_gate(reference, results, tolerances=tolerances, alpha=alpha, pairs=pairs)
