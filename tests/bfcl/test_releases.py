"""`harness import bfcl --from PATH` for every BFCL release's layout: v1 (2024) and v2 from a checkout of BFCL's
repository (samples in tests/data/bfcl/releases), v3 and v4 from their bfcl-eval wheels. BFCL's own ground truth
replays at 100% through each import except flagged defects; every problem in the data is one line naming file,
line and field, and nothing is written."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.integrations.bfcl.wheel import BFCL_V3_WHEEL_VERSION, bfcl_wheel_path
from harness.suite.load import load_suite
from tests.bfcl_reference import perfect_answer

CHECKOUT = Path(__file__).resolve().parents[1] / "data" / "bfcl" / "releases"
DATA = CHECKOUT / "berkeley-function-call-leaderboard" / "data"


def _import(out: Path, *arguments: str) -> int:
    return main(["import", "bfcl", "--out", str(out), *arguments])


def _replay_ground_truth(suite_dir: Path, tmp_path: Path) -> dict:
    """Score a perfect answer for every case (prose for irrelevance ones) in bfcl mode; the results file."""
    suite = load_suite(suite_dir)
    outputs = tmp_path / "ground-truth.jsonl"
    with outputs.open("w") as handle:
        for case in suite.cases:
            result = perfect_answer(case) if case.expects_call else "None of these functions can answer that."
            handle.write(json.dumps({"id": case.id, "result": result}) + "\n")
    assert main(["score", str(suite_dir), str(outputs), "--out", str(tmp_path / "scored"), "-q"]) == 0
    return json.loads((tmp_path / "scored" / "results.json").read_text())


def test_v1_imports_with_its_own_category_names_and_answer_keys(tmp_path, capsys):
    assert _import(tmp_path, "--from", str(CHECKOUT), "--release", "v1") == 0
    assert "BFCL v1 (2024), 101 cases (simple 28, multiple_function 11, parallel_function 23, " \
           "parallel_multiple_function 13, relevance 26)" in capsys.readouterr().out
    cases = {case.id: case for case in load_suite(tmp_path).cases}
    parallel = next(case for case in cases.values() if case.category == "parallel_function")
    assert [call.name for call in parallel.expected] == ["spotify.play", "spotify.play"]  # from spotify.play_1/_2
    relevance = [case for case in cases.values() if case.category == "relevance"]
    assert relevance and all(not case.expected for case in relevance)  # v1's relevance is our irrelevance
    assert parallel.meta == {"bfcl_category": "parallel_function", "bfcl_release": "v1"}
    assert cases["simple_0"].messages == ({"role": "user", "content": cases["simple_0"].messages[0]["content"]},)


def test_the_newest_release_in_a_checkout_is_the_default(tmp_path, capsys):
    assert _import(tmp_path, "--from", str(CHECKOUT)) == 0
    assert "BFCL v2 (2024-08), 64 cases (simple 27, parallel_multiple 13, live_simple 20, live_irrelevance 4)" \
        in capsys.readouterr().out
    assert _import(tmp_path / "data-folder", "--from", str(DATA), "--release", "v2") == 0  # the data folder itself


@pytest.mark.parametrize("release, expected_columns", [
    ("v1", {"ast_summary", "relevance", "overall"}),
    ("v2", {"non_live_ast", "non_live_overall", "live_ast", "live_overall", "irrelevance"}),
])
def test_ground_truth_replays_at_100_percent_from_a_checkout(tmp_path, release, expected_columns):
    assert _import(tmp_path / "suite", "--from", str(CHECKOUT), "--release", release) == 0
    results = _replay_ground_truth(tmp_path / "suite", tmp_path)
    assert not [r["case_id"] for r in results["records"] if not r["passed"]]
    bfcl = results["candidates"][0]["aggregates"]["bfcl"]
    assert bfcl["release"] == release
    assert {name for name in expected_columns if bfcl[name] == 1.0} == expected_columns


@pytest.mark.network_wheel
def test_v3_ground_truth_replays_at_100_percent_except_flagged_defects(tmp_path, capsys):
    try:
        bfcl_wheel_path(version=BFCL_V3_WHEEL_VERSION)
    except Exception as exc:  # no registry reachable
        pytest.skip(f"bfcl-eval {BFCL_V3_WHEEL_VERSION} unavailable: {exc}")
    assert _import(tmp_path / "suite", "--release", "v3") == 0
    out = capsys.readouterr().out
    assert "BFCL v3 (2024-09), 3473 cases" in out and "simple_363" in out
    results = _replay_ground_truth(tmp_path / "suite", tmp_path)
    flagged = {case.id for case in load_suite(tmp_path / "suite").cases if "ground_truth_defect" in case.meta}
    failed = {record["case_id"] for record in results["records"] if not record["passed"]}
    assert failed == flagged and len(flagged) == 6
    bfcl = results["candidates"][0]["aggregates"]["bfcl"]
    assert bfcl["release"] == "v3" and bfcl["irrelevance"] == 1.0
    assert bfcl["non_live_ast"] == pytest.approx((1 + 1 + 1 + 399 / 400) / 4)  # simple_363 can never pass


def test_v2_and_v1_are_not_in_any_wheel(tmp_path, capsys):
    assert _import(tmp_path, "--release", "v1") == 2
    error = capsys.readouterr().err
    assert "not in any bfcl-eval wheel" in error and "--from" in error and not any(tmp_path.iterdir())


def test_a_release_the_folder_lacks_is_refused(tmp_path, capsys):
    assert _import(tmp_path / "x", "--from", str(CHECKOUT), "--release", "v4") == 2
    assert "no BFCL v4 (2025) data files here (found: v2, v1)" in capsys.readouterr().err


def test_v1_category_names_are_explained(tmp_path, capsys):
    assert _import(tmp_path / "x", "--from", str(CHECKOUT), "--release", "v1", "--categories", "parallel") == 2
    assert "v1 calls the categories simple, multiple_function" in capsys.readouterr().err


# ---- every problem in the data: one line naming file, line and field; nothing written ----

def _v2_folder(tmp_path: Path, entries: list, answers: list | None) -> Path:
    folder = tmp_path / "data"
    (folder / "possible_answer").mkdir(parents=True)
    (folder / "BFCL_v2_simple.json").write_text("".join(
        (line if isinstance(line, str) else json.dumps(line)) + "\n" for line in entries))
    if answers is not None:
        (folder / "possible_answer" / "BFCL_v2_simple.json").write_text("".join(
            (line if isinstance(line, str) else json.dumps(line)) + "\n" for line in answers))
    return folder


FUNCTION = {"name": "f", "description": "", "parameters": {"type": "dict", "properties": {"x": {"type": "integer"}},
                                                          "required": ["x"]}}
GOOD_ENTRY = {"id": "simple_0", "question": [[{"role": "user", "content": "q"}]], "function": [FUNCTION]}
GOOD_ANSWER = {"id": "simple_0", "ground_truth": [{"f": {"x": [1]}}]}


@pytest.mark.parametrize("entries, answers, where, field, message", [
    (["{not json"], [GOOD_ANSWER], "BFCL_v2_simple.json:1", None, "invalid JSON"),
    ([GOOD_ENTRY, {**GOOD_ENTRY, "id": 3}], [GOOD_ANSWER], "BFCL_v2_simple.json:2", "id", "string id"),
    ([GOOD_ENTRY, GOOD_ENTRY], [GOOD_ANSWER], "BFCL_v2_simple.json:2", "id", "duplicate entry id"),
    ([{**GOOD_ENTRY, "question": 7}], [GOOD_ANSWER], "BFCL_v2_simple.json:1", "question", "list of turns"),
    ([{**GOOD_ENTRY, "function": "f"}], [GOOD_ANSWER], "BFCL_v2_simple.json:1", "function", "function document"),
    ([{**GOOD_ENTRY, "function": [{"name": "f", "parameters": {"type": "dict", "properties": {"x": {"type": "int"}}}}]}],
     [GOOD_ANSWER], "BFCL_v2_simple.json:1", "function[0].parameters.properties.x.type", "unknown type 'int'"),
    ([GOOD_ENTRY], [], "possible_answer/BFCL_v2_simple.json", "ground_truth", "no possible answer"),
    ([GOOD_ENTRY], [{"ground_truth": []}], "possible_answer/BFCL_v2_simple.json:1", "id", "string id"),
    ([GOOD_ENTRY], [{"id": "simple_0", "ground_truth": [{"f": {"x": 1}}]}],
     "possible_answer/BFCL_v2_simple.json:1", "ground_truth[0].f.x", "must be a list"),
    ([GOOD_ENTRY], [{"id": "simple_0", "ground_truth": [{"f": {"x": [1]}, "g": {}}]}],
     "possible_answer/BFCL_v2_simple.json:1", "ground_truth[0]", "each expected call is one"),
    ([b"\xff\xfe".decode("latin-1")], [GOOD_ANSWER], "BFCL_v2_simple.json:1", None, "invalid JSON"),
])
def test_bad_data_is_one_line_naming_file_line_and_field(tmp_path, capsys, entries, answers, where, field, message):
    folder = _v2_folder(tmp_path, entries, answers)
    out = tmp_path / "suite"
    assert _import(out, "--from", str(folder)) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and error.startswith("error: ") and where in error and message in error
    if field:
        assert f"field '{field}'" in error
    assert not out.exists()


def test_a_missing_answer_file_is_named(tmp_path, capsys):
    folder = _v2_folder(tmp_path, [GOOD_ENTRY], None)
    assert _import(tmp_path / "suite", "--from", str(folder)) == 2
    assert "possible_answer/BFCL_v2_simple.json: file not found" in capsys.readouterr().err


def _v1_parallel_multiple(tmp_path: Path, answer: dict) -> Path:
    """A v1 folder with one parallel_multiple_function entry offering f and g, answered by `answer`."""
    folder = tmp_path / "v1"
    (folder / "possible_answer").mkdir(parents=True)
    name = "gorilla_openfunctions_v1_test_parallel_multiple_function.json"
    (folder / name).write_text(json.dumps({"question": "q", "function": [FUNCTION, {**FUNCTION, "name": "g"}]}) + "\n")
    (folder / "possible_answer" / name).write_text(json.dumps(answer) + "\n")
    return folder


def test_a_v1_answer_key_naming_no_offered_function_is_named(tmp_path, capsys):
    folder = _v1_parallel_multiple(tmp_path, {"f_1": {"x": [1]}, "h_2": {"x": [2]}})
    assert _import(tmp_path / "suite", "--from", str(folder)) == 2
    error = capsys.readouterr().err
    assert "gorilla_openfunctions_v1_test_parallel_multiple_function.json:1" in error
    assert "field 'ground_truth.h_2'" in error and "names none of the offered functions (f, g)" in error


def test_v1_answer_keys_resolve_as_v1s_checker_resolves_them(tmp_path):
    folder = _v1_parallel_multiple(tmp_path, {"f_1": {"x": [1]}, "g 2": {"x": [2]}, "f": {"x": [3]}})
    assert _import(tmp_path / "suite", "--from", str(folder)) == 0
    (case,) = load_suite(tmp_path / "suite").cases
    assert [call.name for call in case.expected] == ["f", "g", "f"]
    assert case.id == "parallel_multiple_function_0"
