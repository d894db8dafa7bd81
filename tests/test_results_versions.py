"""Results files of the old layout (schema version 1, no per-case metric values) still load: a real one (the
default suite's reference of 2026-12, kept as test data) migrates, and every metric recomputed from its migrated
case values equals what it recorded."""
import json
from pathlib import Path

import pytest

from harness.errors import HarnessInputError
from harness.report.leaderboard import metric_table
from harness.results.file import RESULTS_SCHEMA_VERSION, ResultsFile
from harness.results.frame import load_results

REFERENCE = Path(__file__).resolve().parent / "data" / "results_v1" / "toolshop.json"
RECORDED = ("tool_call_accuracy", "schema_validity", "schema_validity_per_call", "relevance_accuracy",
            "relevance_f1", "call_precision", "call_recall", "call_f1", "argument_precision", "argument_recall",
            "argument_f1")


@pytest.fixture(scope="module")
def reference():
    raw = json.loads(REFERENCE.read_text())
    assert raw["schema_version"] == 1 and "metrics" not in raw["records"][0]
    return raw, ResultsFile.read(REFERENCE)


def test_every_recorded_aggregate_is_recomputed_from_the_migrated_case_values(reference):
    raw, results = reference
    table = metric_table(load_results(results))
    compared = 0
    for candidate in raw["candidates"]:
        for key in RECORDED:
            assert table.loc[candidate["name"], key] == pytest.approx(candidate["aggregates"][key], abs=1e-12)
            compared += 1
    assert compared == 4 * len(RECORDED)


def test_a_migrated_file_is_written_in_the_current_layout(reference, tmp_path):
    _, results = reference
    results.write(tmp_path / "results.json")
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["schema_version"] == RESULTS_SCHEMA_VERSION == 2
    assert set(written["records"][0]["metrics"]) >= {"tool_call_accuracy", "call_f1", "relevance_f1"}
    again = ResultsFile.read(tmp_path / "results.json")
    assert [r.metrics for r in again.records] == [r.metrics for r in results.records]


def test_a_newer_layout_is_refused_with_one_line(tmp_path):
    raw = json.loads(REFERENCE.read_text())
    raw["schema_version"] = 99
    (tmp_path / "results.json").write_text(json.dumps(raw))
    with pytest.raises(HarnessInputError, match="schema_version"):
        ResultsFile.read(tmp_path / "results.json")
