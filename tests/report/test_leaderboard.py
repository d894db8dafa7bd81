"""Leaderboard frames on hand-built results (values computed by hand), the Pareto front, and agreement with aggregates."""
from pathlib import Path

import pytest

from harness.report.leaderboard import (common_errors, detectable_difference, leaderboard, loss_curve_sample,
                                        loss_curves, per_category, stage_funnel, training_runs)
from harness.report.plots import cost_accuracy_png, loss_curve_png, pareto_front, priced
from harness.report.stats import bootstrap_ci, minimum_detectable_difference
from harness.results.file import ResultsFile
from harness.results.frame import load_results
from tests.report.report_builders import candidate, case_record, results_file

QUICKSTART = Path(__file__).resolve().parents[2] / "suites" / "quickstart" / "suite.yaml"
CURVE = [{"step": step, "epoch": step / 60, "train_loss": 2.0 - step / 40, "eval_loss": None} for step in range(5, 65, 5)]


def _category(index):
    return "irrelevance" if index >= 8 else ("simple" if index % 2 else "multiple")


def _alpha_record(index):
    """alpha: cases 0-6 pass; 7 names a wrong tool; 8 (no call expected) calls anyway; 9 is unparseable."""
    fields = dict(category=_category(index), latency_ms=100.0 + 10 * index, output_tokens=10 + index,
                  expects_call=index < 8)
    if index == 0:  # all of alpha's call and argument counts: call F1 2*4/(5+5) = 0.8, argument F1 2*7/(10+10) = 0.7
        fields.update(call_counts={"true_positives": 4, "predicted": 5, "gold": 5},
                      argument_counts={"true_positives": 7, "predicted": 10, "gold": 10})
    if index == 7:
        fields.update(schema_valid=False, right_tools=False, error_type="wrong_name")
    elif index == 8:
        fields.update(right_tools=False, error_type="unexpected_call")
    elif index == 9:
        fields.update(parsed=False, calls=None, schema_valid=False, right_tools=False, error_type="parse_error")
    return case_record("alpha", index, index < 7, **fields)


def _beta_record(index):
    """beta (LoRA): passes all but case 9, where it wrongly calls a tool."""
    return case_record("beta", index, index != 9, category=_category(index), expects_call=index < 8,
                       calls=[] if index == 8 else [{"name": "f", "arguments": {}}], latency_ms=50.0,
                       error_type="unexpected_call" if index == 9 else None, right_tools=index != 9)


def _gamma_record(index):
    """gamma: fails every case with a value_error; no latency or tokens recorded."""
    return case_record("gamma", index, False, category=_category(index), expects_call=index < 8, latency_ms=None,
                       input_tokens=None, output_tokens=None)


@pytest.fixture(scope="module")
def frame():
    candidates = [candidate("alpha", cost_per_1k=0.30, call_f1=0.1, argument_f1=0.1),
                  candidate("beta", lora=True, cost_per_1k=0.10, training_cost=2.0, loss_curve=CURVE),
                  candidate("gamma")]
    records = ([_alpha_record(i) for i in range(10)] + [_beta_record(i) for i in range(10)]
               + [_gamma_record(i) for i in range(10)])
    return load_results(results_file(candidates, records))


@pytest.fixture(scope="module")
def board(frame):
    return leaderboard(frame).set_index("candidate")


def test_rows_are_ranked_by_tool_call_accuracy(frame):
    assert leaderboard(frame)["candidate"].tolist() == ["beta", "alpha", "gamma"]


def test_rates_and_their_intervals(board):
    alpha = board.loc["alpha"]
    assert (alpha["cases"], alpha["tool_call_accuracy"], alpha["schema_validity"]) == (10, 0.7, 0.8)
    assert (alpha["tool_call_accuracy_low"], alpha["tool_call_accuracy_high"]) == bootstrap_ci([1.0] * 7 + [0.0] * 3)
    assert (alpha["schema_validity_low"], alpha["schema_validity_high"]) == bootstrap_ci([1.0] * 8 + [0.0] * 2)


def test_relevance_accuracy_and_f1(board):
    # alpha: TP 8 (cases 0-7), FP 1 (case 8 calls), TN 1 (case 9 no call), FN 0 -> accuracy 9/10, F1 16/17.
    assert board.loc["alpha", "relevance_accuracy"] == pytest.approx(0.9)
    assert board.loc["alpha", "relevance_f1"] == pytest.approx(16 / 17)
    # beta: TP 8, TN 1 (case 8), FP 1 (case 9) -> the same figures; gamma calls in the no-call cases: 8/10, F1 16/18.
    assert board.loc["gamma", "relevance_accuracy"] == pytest.approx(0.8)
    assert board.loc["gamma", "relevance_f1"] == pytest.approx(16 / 18)


def test_latency_tokens_and_costs(board):
    alpha = board.loc["alpha"]
    # Latencies 100, 110, ..., 190 ms: median 145, 95th percentile (linear) 100 + 0.95 * 90 = 185.5.
    assert (alpha["latency_p50_ms"], alpha["latency_p95_ms"]) == (pytest.approx(145.0), pytest.approx(185.5))
    assert (alpha["input_tokens_mean"], alpha["output_tokens_mean"]) == (50.0, 14.5)
    # F1 comes from the records' counts, not from the stale aggregates stored with the candidate (0.1).
    assert (alpha["call_f1"], alpha["argument_f1"], alpha["cost_per_1k_calls_usd"]) == (0.8, 0.7, 0.30)
    assert not alpha["fine_tune"] and board.loc["beta", "fine_tune"]
    assert board.loc["beta", "training_cost_usd"] == 2.0
    gamma = board.loc["gamma"]
    assert all(gamma[key] != gamma[key] for key in ("latency_p50_ms", "input_tokens_mean", "cost_per_1k_calls_usd"))


def test_significance_groups(board):
    # beta vs alpha: 2 discordant cases (p = 0.5) -> same group; gamma: 9 cases only beta passes (p = 0.004).
    assert board["group"].to_dict() == {"beta": "A", "alpha": "A", "gamma": "B"}


def test_per_category_accuracy(frame):
    table = per_category(frame, ["beta", "alpha", "gamma"]).set_index("category")
    assert table.columns.tolist() == ["cases", "beta", "alpha", "gamma"]
    assert table["cases"].to_dict() == {"irrelevance": 2, "multiple": 4, "simple": 4}
    assert table["alpha"].to_dict() == {"irrelevance": 0.0, "multiple": 1.0, "simple": 0.75}
    assert table["beta"].to_dict() == {"irrelevance": 0.5, "multiple": 1.0, "simple": 1.0}


def test_stage_funnel(frame):
    funnel = stage_funnel(frame, ["beta", "alpha", "gamma"]).set_index("candidate")
    assert funnel.loc["alpha"].to_dict() == {"parsed": 0.9, "schema_valid": 0.8, "right_tools": 0.7, "passed": 0.7}
    assert funnel.index.tolist() == ["beta", "alpha", "gamma"]


def test_common_errors_keep_the_top_types_with_examples(frame):
    errors = common_errors(frame, top=2, order=["beta", "alpha", "gamma"])
    rows = [tuple(row) for row in errors[["candidate", "error_type", "count", "examples"]].itertuples(index=False)]
    assert rows == [("beta", "unexpected_call", 1, ["case-009"]),
                    ("alpha", "parse_error", 1, ["case-009"]), ("alpha", "unexpected_call", 1, ["case-008"]),
                    ("gamma", "value_error", 10, ["case-000", "case-001"])]
    assert errors.loc[errors["candidate"] == "gamma", "share"].item() == 1.0


def test_training_runs_and_loss_curve_sample(frame):
    runs = training_runs(frame)
    assert runs["candidate"].tolist() == ["beta"] and runs["cost_usd"].item() == 2.0
    curves = loss_curves(frame)
    assert len(curves) == 12 and curves["eval_loss"].isna().all()
    # Five evenly spaced of the twelve points (positions 0, 3, 6, 8, 11): first and last included.
    assert loss_curve_sample(curves)["step"].tolist() == [5, 20, 35, 45, 60]


def test_minimum_detectable_difference_for_the_suite_size(frame):
    detectable = detectable_difference(frame)
    assert detectable["cases"] == 10
    assert detectable["difference"] == minimum_detectable_difference(10, base_rate=0.5)


def test_pareto_front_on_a_hand_made_set():
    costs = [1.0, 2.0, 3.0, 0.5, 2.0, 4.0, 1.0]
    accuracy = [0.5, 0.7, 0.6, 0.4, 0.7, 0.9, 0.4]
    # 2 (3.0, 0.6) is dominated by 1 (cheaper, better); 6 (1.0, 0.4) by 0 (same cost, better) and by 3;
    # 1 and 4 are the same point, so neither dominates the other.
    assert pareto_front(costs, accuracy) == [0, 1, 3, 4, 5]
    assert pareto_front([], []) == []


def test_priced_rows_mark_the_front_and_plots_render(frame, board):
    rows = priced(leaderboard(frame))
    assert dict(zip(rows["candidate"], rows["on_front"])) == {"beta": True, "alpha": False}
    png = cost_accuracy_png(leaderboard(frame))
    assert png.startswith(b"\x89PNG") and loss_curve_png(loss_curves(frame)).startswith(b"\x89PNG")
    assert cost_accuracy_png(leaderboard(frame).assign(cost_per_1k_calls_usd=float("nan"))) is None


def test_leaderboard_agrees_with_the_recorded_aggregates(tmp_path):
    from harness.cli import main

    assert main(["run", str(QUICKSTART), "--out", str(tmp_path), "-q"]) == 0
    results = ResultsFile.read(tmp_path / "results.json")
    board = leaderboard(load_results(results)).set_index("candidate")
    for entry in results.candidates:
        recorded, row = entry.aggregates, board.loc[entry.name]
        for key in ("tool_call_accuracy", "schema_validity", "relevance_accuracy", "relevance_f1"):
            assert row[key] == pytest.approx(recorded[key]), (entry.name, key)
        assert row["latency_p50_ms"] == pytest.approx(recorded["latency_ms"]["p50"])
        assert row["latency_p95_ms"] == pytest.approx(recorded["latency_ms"]["p95"])
