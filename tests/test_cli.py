"""The `harness` CLI end to end: run, score, show, validate, and the bad-input contract (exit 2, one line, nothing written)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from tests.suite_files import weather_case, write_suite

QUICKSTART = Path(__file__).resolve().parents[1] / "suites" / "quickstart" / "suite.yaml"


@pytest.fixture(scope="module")
def quickstart_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert main(["run", str(QUICKSTART), "--out", str(out), "-q"]) == 0
    return out, json.loads((out / "results.json").read_text())


def _aggregates(results, name):
    return next(c["aggregates"] for c in results["candidates"] if c["name"] == name)


def test_run_writes_results_and_markdown_table(quickstart_results):
    out, results = quickstart_results
    assert results["kind"] == "fc-harness-results" and results["schema_version"] == 2
    assert results["suite"]["name"] == "quickstart" and len(results["suite"]["hash"]) == 64
    assert [c["name"] for c in results["candidates"]] == ["hermes-model", "pythonic-model", "text-only-model"]
    assert len(results["records"]) == 36
    # Each case once, with what a reader needs without the suite; each candidate's peak memory while it ran.
    assert [case["id"] for case in results["cases"]][:2] == ["simple-weather-paris", results["cases"][1]["id"]]
    assert len(results["cases"]) == 12 and results["cases"][0] == {
        "id": "simple-weather-paris", "category": "simple", "request": "What's the weather like in Paris right now?",
        "expected": [{"get_weather": {"city": ["Paris"], "unit": ["celsius", ""]}}]}
    for candidate in results["candidates"]:
        assert candidate["memory"]["generation_peak_rss_mib"] > 50
        assert candidate["memory"]["generation_peak_scope"] == "phase" and "training_peak_rss_mib" not in candidate["memory"]
    table = (out / "results.md").read_text()
    for column in ("tool-call acc", "schema valid", "relevance acc", "relevance F1", "call F1", "arg F1"):
        assert column in table


def test_hermes_model_figures_match_hand_computed_values(quickstart_results):
    agg = _aggregates(quickstart_results[1], "hermes-model")
    assert agg["tool_call_accuracy"] == pytest.approx(7 / 12)
    assert agg["parse_rate"] == pytest.approx(11 / 12)
    assert agg["schema_validity"] == pytest.approx(10 / 12)
    assert agg["relevance_accuracy"] == pytest.approx(10 / 12)
    assert agg["relevance_f1"] == pytest.approx(0.9)
    assert (agg["call_precision"], agg["call_recall"]) == (pytest.approx(9 / 12), pytest.approx(9 / 14))
    assert agg["errors"] == {"parse_error": 1, "unexpected_call": 1, "value_error": 1, "wrong_count": 1, "wrong_name": 1}
    assert agg["per_category"]["parallel"] == {"cases": 2, "tool_call_accuracy": 0.5}
    assert agg["latency_ms"]["p50"] == pytest.approx(158.5)
    assert agg["tokens"]["input_total"] == sum(180 + 3 * i for i in range(12))


def test_records_carry_every_stage_and_cost_field(quickstart_results):
    records = {(r["candidate"], r["case_id"]): r for r in quickstart_results[1]["records"]}
    swapped = records[("hermes-model", "parallel-weather-two-cities")]
    assert swapped["passed"] and swapped["parsed"] and swapped["schema_valid"] and swapped["right_tools"]
    assert [c["arguments"]["city"] for c in swapped["calls"]] == ["Madrid", "Tokyo"]
    kelvin = records[("hermes-model", "multiple-weather-nyc-f")]
    assert (kelvin["parsed"], kelvin["schema_valid"], kelvin["passed"], kelvin["error_type"]) == (True, False, False, "value_error")
    missing = records[("pythonic-model", "irrelevance-capital")]
    assert (missing["error_type"], missing["passed"], missing["output"]) == ("missing_output", False, None)
    for record in records.values():
        for key in ("case_id", "category", "candidate", "output", "calls", "parsed", "schema_valid", "passed",
                    "error_type", "latency_ms", "input_tokens", "output_tokens"):
            assert key in record


def test_text_only_model_passes_only_irrelevance(quickstart_results):
    agg = _aggregates(quickstart_results[1], "text-only-model")
    assert agg["tool_call_accuracy"] == pytest.approx(2 / 12)
    assert agg["relevance_f1"] == 0.0 and agg["call_recall"] == 0.0


def test_show_prints_the_table(quickstart_results, capsys):
    out, _ = quickstart_results
    assert main(["show", str(out / "results.json")]) == 0
    printed = capsys.readouterr().out
    assert "hermes-model" in printed and "58.3" in printed


def test_score_rescoring_recorded_outputs_in_both_modes(tmp_path):
    outputs = QUICKSTART.parent / "outputs" / "hermes-model.jsonl"
    for mode in ("strict", "bfcl"):
        assert main(["score", str(QUICKSTART), str(outputs), "--mode", mode, "--out", str(tmp_path / mode), "-q"]) == 0
        results = json.loads((tmp_path / mode / "results.json").read_text())
        assert results["suite"]["scoring_mode"] == mode
        assert [c["name"] for c in results["candidates"]] == ["hermes-model"]
    strict = json.loads((tmp_path / "strict" / "results.json").read_text())["candidates"][0]["aggregates"]
    assert strict["tool_call_accuracy"] == pytest.approx(7 / 12)


def test_validate_reports_counts(capsys):
    assert main(["validate", str(QUICKSTART)]) == 0
    assert "12 cases (irrelevance 2, multiple 3, parallel 2, parallel_multiple 2, simple 3)" in capsys.readouterr().out


def test_missing_replay_outputs_are_recorded_and_the_run_completes(tmp_path):
    path = write_suite(tmp_path, [weather_case("a"), weather_case("b", "Oslo")],
                       outputs={"partial": [{"case_id": "a", "output": '{"name": "get_weather", "arguments": {"city": "Paris"}}'}]})
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "-q"]) == 0
    records = json.loads((tmp_path / "out" / "results.json").read_text())["records"]
    assert [(r["case_id"], r["passed"], r["error_type"]) for r in records] == [("a", True, None), ("b", False, "missing_output")]


BAD_INPUTS = {
    "missing file": lambda root: (write_suite(root, [weather_case()]), (root / "data" / "test.jsonl").unlink()),
    "malformed line": lambda root: write_suite(root, [weather_case(), "{not json"]),
    "unknown tool": lambda root: write_suite(root, [weather_case(expected=[{"nope": {}}])]),
    "invalid schema": lambda root: write_suite(root, [weather_case(tools=[{"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "text"}}}}])]),
    "duplicate id": lambda root: write_suite(root, [weather_case("x"), weather_case("x")]),
}
EXPECTED_MESSAGES = {
    "missing file": "suite.yaml:4: field 'data.test': data file not found",
    "malformed line": "test.jsonl:2: invalid JSON",
    "unknown tool": "test.jsonl:1: field 'expected[0].nope': unknown tool 'nope'",
    "invalid schema": "test.jsonl:1: field 'tools[0].parameters.properties.city.type': unknown type 'text'",
    "duplicate id": "test.jsonl:2: field 'id': duplicate case id 'x'",
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_suite_exits_2_with_one_line_and_writes_nothing(tmp_path, kind):
    root = tmp_path / "suite"
    BAD_INPUTS[kind](root)
    (root / "outputs").mkdir(exist_ok=True)
    (root / "outputs" / "o.jsonl").write_text('{"case_id": "x", "output": ""}\n')
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "run", str(root / "suite.yaml"), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in proc.stderr
    assert EXPECTED_MESSAGES[kind] in lines[0]
    assert not out.exists()


def test_unreadable_results_file_is_a_clean_error(tmp_path, capsys):
    (tmp_path / "r.json").write_text('{"kind": "fc-harness-results", "schema_version": 99}')
    assert main(["show", str(tmp_path / "r.json")]) == 2
    assert "newer than this harness reads" in capsys.readouterr().err
    assert main(["show", str(tmp_path / "missing.json")]) == 2


def test_every_command_has_help(capsys):
    for command in ("validate", "run", "score", "show"):
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        assert "usage: harness " + command in capsys.readouterr().out


def test_replay_candidates_are_not_cached_and_record_their_latency_mode(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["run", str(QUICKSTART), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert not (tmp_path / "cache").exists()  # nothing to save for recorded outputs, so no store is opened
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert {c["latency_mode"] for c in results["candidates"]} == {"recorded"}
    agg = _aggregates(results, "hermes-model")
    assert agg["generations"] == {"generated": 12, "cached": 0} and agg["cost_per_1k_calls_usd"] is None
    assert "$ / 1k calls" in capsys.readouterr().out


def test_run_help_documents_the_cache_flags(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    assert "--no-cache" in text and "--cache-dir" in text


def test_a_reader_that_stops_reading_is_not_an_error():
    """`harness plugins | head -1`: the pipe closes under the writer; no traceback, exit 0."""
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "plugins"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1])
    proc.stdout.close()  # before the child has started writing (its imports take far longer)
    _, stderr = proc.communicate(timeout=120)
    assert (proc.returncode, stderr) == (0, b"")


def test_run_in_a_log_prints_progress_lines_and_quiet_prints_none(tmp_path):
    root = Path(__file__).resolve().parents[1]
    env = {**__import__("os").environ, "HARNESS_PROGRESS_INTERVAL_S": "0.2"}
    command = [sys.executable, "-m", "harness.cli", "run", str(QUICKSTART), "--out", str(tmp_path / "a")]
    loud = subprocess.run(command, capture_output=True, text=True, cwd=root, env=env, timeout=300)
    assert loud.returncode == 0, loud.stderr
    lines = [line for line in loud.stderr.splitlines() if line.startswith("[")]
    for name in ("hermes-model", "pythonic-model", "text-only-model"):
        assert any(f"] {name}: 0/12 cases" in line for line in lines)
        assert any(f"] {name}: 12/12 cases" in line and "(done in" in line for line in lines)
    quiet = subprocess.run([*command[:-1], str(tmp_path / "b"), "-q"], capture_output=True, text=True, cwd=root,
                           env=env, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == ""
