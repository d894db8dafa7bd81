"""`harness gate` and `harness compare`: real regressions fail, noise passes, unusable input exits 2."""
import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import HarnessInputError
from harness.gate.gate import REGRESSION, gate_config, parse_tolerance, run_gate
from tests.results_files import make_results, write

QUICKSTART = Path(__file__).resolve().parents[1] / "suites" / "quickstart" / "suite.yaml"
ALL_PASS = [True] * 40


def _failing(count: int) -> list[bool]:
    return [False] * count + [True] * (40 - count)


def _gate(tmp_path, reference, new, *extra):
    ref, res = write(reference, tmp_path / "ref.json"), write(new, tmp_path / "new.json")
    return main(["gate", "--reference", str(ref), "--results", str(res), *extra])


def test_three_failures_in_forty_is_noise(tmp_path, capsys):
    # a 7.5 pt drop, over the 2 pt tolerance, but McNemar p = 2 / 2^3 = 0.25
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({"m": _failing(3)})) == 0
    out = capsys.readouterr().out
    assert "drop not significant" in out and "0.25" in out and "-7.5 pt" in out and "PASS" in out


def test_twelve_failures_in_forty_is_a_regression(tmp_path, capsys):
    # p = 2 / 2^12 = 0.00049
    new = make_results({"m": _failing(12)}, schema={"m": ALL_PASS})
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), new) == 1
    out = capsys.readouterr().out
    assert "REGRESSION" in out and "FAIL: 1 regression" in out
    assert "tool_call_accuracy of m fell 30.0 pt (100.0% -> 70.0% on 40 cases; 12 lost, 0 gained" in out


def test_a_significant_drop_within_tolerance_passes(tmp_path):
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({"m": _failing(12)}),
                 "--tolerance", "tool_call_accuracy=0.35", "--tolerance", "schema_validity=35%") == 0


def test_tolerance_boundary_is_inclusive():
    report = run_gate(make_results({"m": [True] * 50}), make_results({"m": [False] + [True] * 49}),
                      tolerances={"tool_call_accuracy": 0.02})
    assert report.changes[0].verdict == "within tolerance"


def test_only_the_regressed_candidate_and_metric_fail():
    reference = make_results({"good": ALL_PASS, "bad": ALL_PASS})
    new = make_results({"good": ALL_PASS, "bad": _failing(15)}, schema={"bad": ALL_PASS})
    report = run_gate(reference, new)
    assert [(c.metric, c.candidate) for c in report.regressions] == [("tool_call_accuracy", "bad")]
    verdicts = {(c.metric, c.candidate): c.verdict for c in report.changes}
    assert verdicts[("schema_validity", "bad")] == "unchanged" and verdicts[("tool_call_accuracy", "good")] == "unchanged"


def test_gated_metrics_come_from_the_suite_gate_block():
    gate = {"metrics": {"parse_rate": 0.05}, "alpha": 0.01}
    config = gate_config(make_results({"m": ALL_PASS}, gate=gate), tolerances={"tool_call_accuracy": 0.1})
    assert dict(config.tolerances) == {"parse_rate": 0.05, "tool_call_accuracy": 0.1} and config.alpha == 0.01
    default = gate_config(make_results({"m": ALL_PASS}))
    assert dict(default.tolerances) == {"tool_call_accuracy": 0.02, "schema_validity": 0.02} and default.alpha == 0.05
    # with alpha 0.0001 the 12-failure drop (p = 0.00049) is no longer significant
    report = run_gate(make_results({"m": ALL_PASS}, gate={"metrics": {"tool_call_accuracy": 0.02}, "alpha": 0.0001}),
                      make_results({"m": _failing(12)}, gate={"metrics": {"tool_call_accuracy": 0.02}, "alpha": 0.0001}))
    assert report.passed and [c.metric for c in report.changes] == ["tool_call_accuracy"]


def test_a_suite_with_a_gate_block_records_it(tmp_path):
    suite = tmp_path / "suite.yaml"
    text = QUICKSTART.read_text() + "gate: {metrics: {tool_call_accuracy: 0.1}, alpha: 0.1}\n"
    suite.write_text(text.replace("outputs/", f"{QUICKSTART.parent}/outputs/").replace("data/", f"{QUICKSTART.parent}/data/"))
    assert main(["run", str(suite), "--out", str(tmp_path / "run"), "-q", "--no-cache"]) == 0
    results = tmp_path / "run" / "results.json"
    assert json.loads(results.read_text())["suite"]["gate"] == {"metrics": {"tool_call_accuracy": 0.1}, "alpha": 0.1}
    report = run_gate(results, results)
    assert dict(report.config.tolerances) == {"tool_call_accuracy": 0.1} and report.passed


def test_runs_of_different_suites_are_refused(tmp_path, capsys):
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({"m": ALL_PASS}, name="other")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "different suites (name differ)" in err
    assert "'toolshop' v1" in err and "'other' v1" in err and "ref.json" in err and "new.json" in err
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({"m": ALL_PASS}, cases_hash="cd" * 32)) == 2
    assert "cases_hash differ" in capsys.readouterr().err
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({"m": ALL_PASS}, version=2)) == 2


def test_an_edited_suite_yaml_with_the_same_cases_stays_comparable(tmp_path):
    # A changed candidate (model, prompt, adapter) changes the YAML's hash; the cases are the same.
    reference, new = make_results({"m": ALL_PASS}), make_results({"m": ALL_PASS}, hash="cd" * 32)
    assert _gate(tmp_path, reference, new) == 0


def test_newer_or_missing_schema_version_is_refused(tmp_path, capsys):
    reference = write(make_results({"m": ALL_PASS}), tmp_path / "ref.json")
    data = json.loads(reference.read_text())
    (tmp_path / "newer.json").write_text(json.dumps(data | {"schema_version": 99}))
    assert main(["gate", "--reference", str(reference), "--results", str(tmp_path / "newer.json")]) == 2
    assert "schema version 99 is newer" in capsys.readouterr().err
    (tmp_path / "none.json").write_text(json.dumps({k: v for k, v in data.items() if k != "schema_version"}))
    assert main(["gate", "--reference", str(tmp_path / "none.json"), "--results", str(reference)]) == 2
    assert "no schema_version" in capsys.readouterr().err


def test_empty_runs_and_disjoint_candidates_are_refused(tmp_path, capsys):
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({})) == 2
    assert "no case records" in capsys.readouterr().err
    two = make_results({"m": ALL_PASS, "k": ALL_PASS})
    assert _gate(tmp_path, two, make_results({"n": ALL_PASS})) == 2
    err = capsys.readouterr().err
    assert "no candidate appears in both runs (reference" in err and "(pair candidates across names with --pair" in err


def test_one_candidate_each_pairs_automatically_and_says_so(tmp_path, capsys):
    assert _gate(tmp_path, make_results({"old-model": ALL_PASS}), make_results({"new-model": _failing(12)})) == 1
    out = capsys.readouterr().out
    assert "note: paired old-model (reference) with new-model (results): each file holds one candidate" in out
    rows = [line for line in out.splitlines() if line.startswith("| tool_call_accuracy")]
    assert len(rows) == 1 and rows[0].split("|")[2].strip() == "old-model -> new-model" and "REGRESSION" in rows[0]
    assert "tool_call_accuracy of old-model -> new-model fell 30.0 pt" in out


def test_pairs_across_names_are_compared_and_the_rest_by_name(capsys):
    reference = make_results({"old": ALL_PASS, "shared": ALL_PASS, "gone": ALL_PASS})
    results = make_results({"new": _failing(12), "shared": ALL_PASS, "extra": ALL_PASS})
    report = run_gate(reference, results, pairs={"old": "new"})
    assert sorted({(c.candidate, c.new_candidate) for c in report.changes}) == [("old", "new"), ("shared", None)]
    assert [c.pair for c in report.regressions] == ["old -> new", "old -> new"]
    assert "gone: only in the reference, not gated" in report.text()
    assert "extra: only in the results" in report.text()


@pytest.mark.parametrize("pair, words", [
    ("old", "expected REFERENCE_NAME=RESULTS_NAME, got 'old'"),
    ("nope=new", "--pair names 'nope', which is not a candidate of the reference (old)"),
    ("old=nope", "--pair names 'nope', which is not a candidate of the results (new)"),
])
def test_bad_pairs_are_one_line_input_errors(tmp_path, capsys, pair, words):
    assert _gate(tmp_path, make_results({"old": ALL_PASS}), make_results({"new": ALL_PASS}), "--pair", pair) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_compare_takes_pairs_too(tmp_path, capsys):
    ref = write(make_results({"old": ALL_PASS, "x": ALL_PASS}), tmp_path / "a.json")
    new = write(make_results({"new": _failing(12), "y": ALL_PASS}), tmp_path / "b.json")
    assert main(["compare", str(ref), str(new), "--pair", "old=new", "--metric", "tool_call_accuracy"]) == 0
    out = capsys.readouterr().out
    assert "old -> new" in out and "worse (significant)" in out and "note: x: only in the reference" in out


def test_candidates_in_one_file_only_are_noted_not_gated(capsys):
    report = run_gate(make_results({"m": ALL_PASS, "old": ALL_PASS}), make_results({"m": ALL_PASS, "new": ALL_PASS}))
    assert {c.candidate for c in report.changes} == {"m"}
    assert "old: only in the reference, not gated" in report.text()
    assert "new: only in the results" in report.text()


def test_bad_tolerances_and_metrics_are_input_errors(tmp_path, capsys):
    assert parse_tolerance("parse_rate=2%") == ("parse_rate", pytest.approx(0.02))
    for text in ("tool_call_accuracy", "tool_call_accuracy=x", "call_f1=0.1", "tool_call_accuracy=3"):
        with pytest.raises(HarnessInputError, match="--tolerance"):
            parse_tolerance(text)
    with pytest.raises(HarnessInputError, match="suite.gate"):
        gate_config(make_results({"m": ALL_PASS}, gate={"metrics": ["tool_call_accuracy"]}))
    assert _gate(tmp_path, make_results({"m": ALL_PASS}), make_results({"m": ALL_PASS}), "--alpha", "2") == 2
    assert "alpha must be between 0 and 1" in capsys.readouterr().err


def test_compare_prints_every_metric_without_gating(tmp_path, capsys):
    a, b = write(make_results({"m": ALL_PASS}), tmp_path / "a.json"), write(make_results({"m": _failing(12)}), tmp_path / "b.json")
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "worse (significant)" in out and REGRESSION not in out
    for metric in ("tool_call_accuracy", "schema_validity", "parse_rate", "right_tools_rate", "relevance_accuracy"):
        assert metric in out
    assert main(["compare", str(b), str(a), "--metric", "tool_call_accuracy"]) == 0
    out = capsys.readouterr().out
    assert "better (significant)" in out and "parse_rate" not in out
    other = write(make_results({"m": ALL_PASS}, name="other"), tmp_path / "other.json")
    assert main(["compare", str(a), str(other)]) == 2


def test_gate_on_real_quickstart_runs(tmp_path, capsys):
    assert main(["run", str(QUICKSTART), "--out", str(tmp_path / "run"), "-q", "--no-cache"]) == 0
    results = tmp_path / "run" / "results.json"
    assert main(["gate", "--reference", str(results), "--results", str(results)]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_a_case_recorded_twice_is_an_input_error():
    reference = make_results({"m": ALL_PASS})
    doubled = type(reference)(suite=reference.suite, environment={}, candidates=reference.candidates,
                              records=reference.records + reference.records[:1])
    with pytest.raises(HarnessInputError, match="records case 'case-000' twice"):
        run_gate(reference, doubled)
