"""`harness.load_results`: one row per (candidate, case), typed columns, suite and candidates in attrs."""
import math
from pathlib import Path

import pytest

import harness
from harness.results.frame import COLUMNS, load_results, metric_column
from harness.run.runner import run_suite
from harness.suite.load import load_suite
from tests.results_files import make_results, record

QUICKSTART = Path(__file__).resolve().parents[1] / "suites" / "quickstart" / "suite.yaml"


@pytest.fixture(scope="module")
def quickstart():
    return run_suite(load_suite(QUICKSTART), use_cache=False)


def test_quickstart_frame_has_one_row_per_record(quickstart, tmp_path):
    quickstart.write(tmp_path / "results.json")
    frame = harness.load_results(tmp_path / "results.json")
    assert list(frame.columns)[:len(COLUMNS)] == list(COLUMNS) and len(frame) == 36
    assert metric_column("call_f1") in frame.columns and metric_column("tool_call_accuracy") in frame.columns
    assert frame.groupby("candidate")["passed"].mean().to_dict() == pytest.approx(
        {"hermes-model": 7 / 12, "pythonic-model": 9 / 12, "text-only-model": 2 / 12})
    assert frame.attrs["suite"]["name"] == "quickstart" and frame.attrs["suite"]["gate"] is None
    assert [c["name"] for c in frame.attrs["candidates"]] == ["hermes-model", "pythonic-model", "text-only-model"]
    assert frame.attrs["candidates"][0]["aggregates"]["tool_call_accuracy"] == pytest.approx(7 / 12)


def test_rates_from_the_frame_equal_the_aggregates(quickstart):
    frame = load_results(quickstart)
    for candidate in quickstart.candidates:
        rows = frame[frame["candidate"] == candidate.name]
        for metric in ("tool_call_accuracy", "schema_validity", "parse_rate", "right_tools_rate", "relevance_accuracy"):
            assert rows[metric_column(metric)].mean() == pytest.approx(candidate.aggregates[metric]), metric


def test_types_and_missing_values():
    results = make_results({"m": [True, False]})
    results = type(results)(suite=results.suite, environment={}, candidates=results.candidates,
                            records=(results.records[0], record("m", 1, False, calls=None, parsed=False,
                                                                latency_ms=None, input_tokens=None,
                                                                expects_call=False)))
    frame = load_results(results)
    assert frame["passed"].dtype == bool and frame["input_tokens"].dtype.name == "Int64"
    assert math.isnan(frame.loc[1, "latency_ms"]) and frame["input_tokens"].isna().tolist() == [False, True]
    assert frame["predicted_call"].tolist() == [True, False]
    # no call where none was expected is right
    assert frame[metric_column("relevance_accuracy")].tolist() == [True, True]


def test_empty_results_give_an_empty_frame_with_every_column():
    frame = load_results(make_results({}))
    assert frame.empty and list(frame.columns)[:len(COLUMNS)] == list(COLUMNS)


def test_every_metric_has_a_column_of_case_values():
    results = make_results({"m": [True, False]})
    frame = load_results(results)
    assert frame[metric_column("tool_call_accuracy")].tolist() == [True, False]
    assert frame[metric_column("relevance_f1")].tolist() == ["tp", "tp"]
