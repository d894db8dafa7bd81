"""Loading a BFCL suite: the 1,240 non-live cases (simple_python, multiple, parallel, parallel_multiple,
irrelevance), with the fast schema check and with every tool schema walked through jsonschema's metaschema."""
from __future__ import annotations

import pytest

from harness.cli import main
from harness.suite.load import load_suite

pytestmark = pytest.mark.network_wheel

NON_LIVE = ("simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance")


@pytest.fixture(scope="module")
def non_live_suite(tmp_path_factory):
    out = tmp_path_factory.mktemp("non-live")
    if main(["import", "bfcl", "--categories", *NON_LIVE, "--out", str(out)]) != 0:
        pytest.skip("BFCL wheel unavailable")
    return out


@pytest.mark.benchmark(group="load the 1,240-case BFCL suite")
def test_speed_load_suite(benchmark, non_live_suite):
    suite = benchmark(load_suite, non_live_suite)
    assert len(suite.cases) == 1240


@pytest.mark.benchmark(group="load the 1,240-case BFCL suite")
def test_speed_load_suite_metaschema_only(benchmark, non_live_suite, monkeypatch):
    """The same load with the fast path switched off: what every schema costs through the metaschema."""
    monkeypatch.setattr("harness.suite.tools.plainly_valid", lambda schema: False)
    suite = benchmark(load_suite, non_live_suite)
    assert len(suite.cases) == 1240
