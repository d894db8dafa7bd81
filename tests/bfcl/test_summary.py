"""BFCL-style aggregation on hand-built records: which means are weighted and which are not."""
import pytest

from harness.integrations.bfcl.summary import bfcl_summary
from harness.results.file import CaseRecord
from harness.scoring.aggregates import aggregate


def _records(category: str, passed: int, failed: int, defect_ids=()) -> list[CaseRecord]:
    records = []
    for index in range(passed + failed):
        case_id = f"{category}_{index}"
        meta = {"bfcl_category": category}
        if case_id in defect_ids:
            meta["ground_truth_defect"] = "no answer can pass"
        records.append(CaseRecord(case_id=case_id, category=category, candidate="m", output="", calls=[],
                                  parsed=True, schema_valid=True, right_tools=True, passed=index < passed,
                                  error_type=None, error_detail="", expects_call=True, meta=meta))
    return records


def test_non_live_is_an_unweighted_mean_and_live_is_weighted_by_entries():
    records = (_records("simple_python", 4, 0) + _records("multiple", 1, 1) + _records("parallel", 0, 4)
               + _records("parallel_multiple", 3, 1)
               + _records("live_simple", 1, 1) + _records("live_multiple", 8, 0)
               + _records("irrelevance", 1, 0) + _records("live_irrelevance", 1, 3))
    summary = bfcl_summary(records)
    assert summary["non_live_ast"] == pytest.approx((1.0 + 0.5 + 0.0 + 0.75) / 4)   # 0.5625
    assert summary["live_ast"] == pytest.approx(9 / 10)                              # not (0.5 + 1.0) / 2
    assert summary["irrelevance"] == pytest.approx((1.0 + 0.25) / 2)
    assert summary["per_category"]["multiple"] == {"cases": 2, "accuracy": 0.5}


def test_categories_a_suite_lacks_are_left_out_of_the_means():
    summary = bfcl_summary(_records("simple", 1, 1) + _records("parallel", 2, 0))
    assert set(summary["per_category"]) == {"simple_python", "parallel"}  # old spelling folded in
    assert summary["non_live_ast"] == pytest.approx(0.75)
    assert summary["live_ast"] is None and summary["irrelevance"] is None


def test_flagged_defects_are_counted_and_listed():
    records = _records("live_simple", 2, 1, defect_ids={"live_simple_2"})
    summary = bfcl_summary(records)
    assert summary["live_ast"] == pytest.approx(2 / 3)
    assert summary["flagged_ground_truth_defects"] == {
        "live_simple_2": {"defect": "no answer can pass", "passed": False}}


def test_suites_not_from_bfcl_have_no_bfcl_block():
    plain = _records("simple", 1, 0)
    for record in plain:
        record.meta.clear()
    assert bfcl_summary(plain) is None
    assert "bfcl" not in aggregate(plain)
    assert "bfcl" in aggregate(_records("simple", 1, 0))
