"""`harness score SUITE RESULT_FOLDER`: published BFCL result folders as candidates, each model read with its
BFCL handler's decoder and name mapping, recorded latency (seconds -> ms) and tokens carried over, and a report
in that release's BFCL layout."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.integrations.bfcl.handlers import handler_style

DATA = Path(__file__).resolve().parents[1] / "data" / "bfcl"
V1_RESULTS = DATA / "results" / "2024-07-06" / "result-BFCL"


@pytest.fixture(scope="module")
def v1_suite(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("v1")
    assert main(["import", "bfcl", "--from", str(DATA / "releases"), "--release", "v1", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def scored(v1_suite, tmp_path_factory):
    out = tmp_path_factory.mktemp("scored")
    assert main(["score", str(v1_suite), str(V1_RESULTS), "--out", str(out), "-q"]) == 0
    return out, json.loads((out / "results.json").read_text())


def test_every_model_folder_is_a_candidate_read_its_bfcl_way(scored, capsys):
    _, results = scored
    names = {candidate["name"] for candidate in results["candidates"]}
    assert names == {path.name for path in V1_RESULTS.iterdir() if path.is_dir()}
    specs = {candidate["name"]: candidate["spec"] for candidate in results["candidates"]}
    assert (specs["NousResearch_Hermes-2-Pro-Mistral-7B"]["decoder"], specs["gpt-4o-2024-05-13-FC"]["names"]) == \
        ("bfcl_hermes", "underscore_to_dot")
    assert specs["Nexusflow-Raven-v2"]["decoder"] == "bfcl_raven"


def test_line_numbered_entries_land_on_the_right_cases(scored):
    """v1 result files name entries by line (`"id": 0`, Raven's `"idx": 0`)."""
    _, results = scored
    records = {(r["candidate"], r["case_id"]): r for r in results["records"]}
    glm = records[("THUDM_glm-4-9b-chat", "simple_0")]
    assert glm["output"] == 'calculate_triangle_area\n{"base": 10, "height": 5}' and glm["passed"]
    raven = records[("Nexusflow-Raven-v2", "parallel_0")]
    assert raven["output"].startswith("spotify.play(artist=['Taylor Swift', 'Maroon 5']")
    absent = records[("THUDM_glm-4-9b-chat", "parallel_0")]  # GLM's folder has no parallel file
    assert absent["error_type"] == "missing_output"


def test_recorded_latency_and_tokens_carry_over(scored):
    _, results = scored
    record = next(r for r in results["records"] if r["candidate"] == "claude-3-opus-20240229" and r["case_id"] == "simple_0")
    assert record["latency_ms"] == pytest.approx(2495.185, abs=0.001)  # 2.495185136795044 s
    assert (record["input_tokens"], record["output_tokens"]) == (352, 18)
    aggregates = next(c["aggregates"] for c in results["candidates"] if c["name"] == "claude-3-opus-20240229")
    assert aggregates["latency_ms"]["mean"] > 1000


def test_the_report_shows_the_release_layout_beside_our_metrics(scored, tmp_path):
    out, _ = scored
    assert main(["report", str(out / "results.json"), "--out", str(tmp_path), "--format", "md,csv,json"]) == 0
    markdown = (tmp_path / "report.md").read_text()
    assert "## BFCL leaderboard (%)" in markdown and "AST summary" in markdown and "BFCL v1 (2024) columns" in markdown
    board = json.loads((tmp_path / "report.json").read_text())["bfcl"]
    hermes = next(row for row in board if row["candidate"] == "NousResearch_Hermes-2-Pro-Mistral-7B")
    assert hermes["release"] == "v1" and hermes["parallel_function"] is not None
    assert {"tool-call acc (ours)", "schema valid (ours)", "relevance F1 (ours)"} <= set(hermes)
    assert (tmp_path / "bfcl.csv").read_text().startswith("candidate,release,AST summary")


def test_one_model_folder_is_one_candidate(v1_suite, tmp_path, capsys):
    folder = V1_RESULTS / "mistral-medium-2312"
    assert main(["score", str(v1_suite), str(folder), "--out", str(tmp_path), "-q"]) == 0
    assert "mistral-medium-2312: decoder bfcl_mistral, names exact" in capsys.readouterr().out
    results = json.loads((tmp_path / "results.json").read_text())
    assert [c["name"] for c in results["candidates"]] == ["mistral-medium-2312"]
    assert (tmp_path / "outputs" / "mistral-medium-2312.jsonl").is_file()  # what was replayed, keyed by case id


def test_decoder_and_names_may_be_overridden_for_every_model(v1_suite, tmp_path):
    folder = V1_RESULTS / "mistral-medium-2312"
    assert main(["score", str(v1_suite), str(folder), "--out", str(tmp_path), "-q", "--decoder", "auto"]) == 0
    spec = json.loads((tmp_path / "results.json").read_text())["candidates"][0]["spec"]
    assert spec["decoder"] == "auto"


@pytest.mark.parametrize("line, field, message", [
    ('{"id": 0}', "result", "needs `result`"),
    ('{"id": [0], "result": "x"}', "id", "neither a string id nor a line number"),
    ('[1, 2]', None, "must be a JSON object"),
])
def test_bad_result_lines_are_one_line_errors(v1_suite, tmp_path, capsys, line, field, message):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "gorilla_openfunctions_v1_test_simple_result.json").write_text('{"id": 1, "result": "[f(a=1)]"}\n'
                                                                          + line + "\n")
    out = tmp_path / "out"
    assert main(["score", str(v1_suite), str(folder), "--out", str(out), "-q"]) == 2
    error = capsys.readouterr().err.strip()
    assert "gorilla_openfunctions_v1_test_simple_result.json:2" in error and message in error
    assert field is None or f"field '{field}'" in error
    assert not (out / "results.json").exists()


def test_a_folder_without_result_files_is_refused(v1_suite, tmp_path, capsys):
    assert main(["score", str(v1_suite), str(tmp_path), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert "no BFCL result files here" in capsys.readouterr().err


@pytest.mark.parametrize("model, decoder, names", [
    ("gpt-4o-2024-11-20-FC", "bfcl_fc", "underscore_to_dot"), ("gpt-4o-2024-11-20", "bfcl_prompt", "exact"),
    ("claude-3-5-sonnet-20240620-FC", "bfcl_fc", "underscore_to_dot"), ("firefunction-v2-FC", "bfcl_fc", "exact"),
    ("mistral-large-2407", "bfcl_mistral", "exact"), ("mistral-large-2407-FC", "bfcl_fc", "underscore_to_dot"),
    ("gemini-2.0-flash-exp", "bfcl_gemini", "exact"), ("gemini-2.0-flash-exp-FC", "bfcl_fc", "underscore_to_dot"),
    ("NousResearch_Hermes-2-Pro-Llama-3-8B", "bfcl_hermes", "exact"), ("Nexusflow-Raven-v2", "bfcl_raven", "exact"),
    ("THUDM_glm-4-9b-chat", "bfcl_glm", "underscore_to_dot"),
    ("ibm-granite_granite-20b-functioncalling", "bfcl_granite", "underscore_to_dot"),
    ("deepseek-ai_deepseek-coder-6.7b-instruct", "bfcl_deepseek", "exact"),
    ("Salesforce_xLAM-2-8b-fc-r", "bfcl_xlam", "exact"), ("meetkai_functionary-medium-v3.1-FC", "bfcl_functionary",
                                                           "underscore_to_dot"),
    ("meta-llama_Llama-3.1-8B-Instruct-FC", "bfcl_llama", "exact"), ("Qwen_Qwen2.5-7B-Instruct-FC", "bfcl_qwen", "exact"),
    ("google_gemma-3-12b-it", "bfcl_gemma", "exact"), ("databricks-dbrx-instruct", "bfcl_databricks", "exact"),
    ("gorilla-openfunctions-v2", "bfcl_gorilla", "exact"), ("o1-mini-2024-09-12", "bfcl_prompt", "exact"),
])
def test_handler_styles_follow_bfcls_model_table(model, decoder, names):
    style = handler_style(model)
    assert (style.decoder, style.names) == (decoder, names)


@pytest.mark.network_wheel
def test_results_of_one_release_rescore_against_another_by_category_and_position(tmp_path):
    """v3 result files (`simple_5`) against the v4 suite (`simple_python_5`): the same entries."""
    suite = tmp_path / "v4"
    assert main(["import", "bfcl", "--categories", "simple_python", "parallel", "irrelevance", "--out", str(suite)]) == 0
    out = tmp_path / "scored"
    assert main(["score", str(suite), str(DATA / "results" / "2024-12-29" / "result"), "--out", str(out), "-q"]) == 0
    records = {(r["candidate"], r["case_id"]): r for r in json.loads((out / "results.json").read_text())["records"]}
    gemini = records[("gemini-2.0-flash-exp-FC", "simple_python_1")]
    assert gemini["output"] == [{"math_factorial": {"number": 5}}] and gemini["passed"]  # underscore_to_dot
    assert records[("o1-mini-2024-09-12", "parallel_0")]["passed"]
    declined = records[("gemini-2.0-flash-exp-FC", "irrelevance_0")]
    assert declined["passed"] and declined["calls"] == []  # a text part alone: no call
