"""`harness import bfcl` with BFCL v4's multi-turn categories: they go to data/multi_turn.jsonl as conversations
that `load_suite` reads back equal to the converter's, beside or instead of data/test.jsonl; any other release or
source, an unknown name or a repeated one is a one-line error with nothing written."""
from __future__ import annotations

import zipfile

import pytest
import yaml

from harness.cli import main
from harness.integrations.bfcl.importer import import_bfcl
from harness.integrations.bfcl.wheel import read_bfcl_jsonl
from harness.multiturn.bfcl_cases import BFCL_MULTI_TURN_CATEGORIES, bfcl_multi_turn_cases
from harness.suite.load import load_suite

pytestmark = pytest.mark.network_wheel

TWO = ("multi_turn_base", "multi_turn_miss_func")
DEFECT = "multi_turn_miss_func_49"


@pytest.fixture(scope="module")
def converted(wheel):
    """The converter's cases of the two categories, in memory: what the written file must hold."""
    return [case for category in TWO for case in bfcl_multi_turn_cases(category, wheel)]


@pytest.fixture(scope="module")
def imported(tmp_path_factory, wheel):
    """The two categories imported through the function (default source: the pinned wheel), and the suite loaded."""
    out = tmp_path_factory.mktemp("two")
    result = import_bfcl(out, list(TWO))
    return out, result, load_suite(out / "suite.yaml")


def _spec(out):
    return yaml.safe_load((out / "suite.yaml").read_text())


def _import(out, *arguments):
    return main(["import", "bfcl", "--out", str(out), *arguments])


def test_multi_turn_categories_alone_write_only_the_conversation_file(imported, wheel):
    out, result, suite = imported
    assert (out / "data" / "multi_turn.jsonl").is_file() and not (out / "data" / "test.jsonl").exists()
    assert _spec(out)["data"] == {"multi_turn": "data/multi_turn.jsonl"}
    assert suite.cases == () and len(suite.multi_turn_cases) == 400
    bfcl_ids = [row["id"] for category in TWO for row in read_bfcl_jsonl(wheel, f"BFCL_v4_{category}.json")]
    assert [case.id for case in suite.multi_turn_cases] == bfcl_ids
    assert {category: sum(case.category == category for case in suite.multi_turn_cases) for category in TWO} \
        == {"multi_turn_base": 200, "multi_turn_miss_func": 200}
    flagged = {case.id for case in suite.multi_turn_cases if "ground_truth_defect" in case.meta}
    assert flagged == {DEFECT}
    # BFCL's step limit per turn (20 executed steps, then a 21st answer that calls again is force-terminated),
    # not the harness default of 8
    assert suite.spec.multi_turn.max_steps_per_turn == 21


def test_the_import_reports_and_describes_the_conversations(imported):
    out, result, _ = imported
    assert result.counts == {"multi_turn_base": 200, "multi_turn_miss_func": 200} and result.total == 400
    assert set(result.defects) == {DEFECT} and "held out until turn" in result.defects[DEFECT]
    assert result.multi_turn_categories == TWO
    assert result.data_files == {"data/multi_turn.jsonl": {"multi_turn_base": 200, "multi_turn_miss_func": 200}}
    text = (out / "suite.yaml").read_text()
    assert "# Cases per category: multi_turn_base 200, multi_turn_miss_func 200" in text
    assert DEFECT in text and "multi_turn_base, multi_turn_miss_func" in _spec(out)["description"]


def test_the_written_cases_read_back_equal_to_the_converters(imported, converted):
    _, _, suite = imported
    assert [case.to_json() for case in suite.multi_turn_cases] == [case.to_json() for case in converted]


def test_the_cli_writes_the_same_suite_and_lists_the_files(imported, tmp_path, wheel, capsys):
    out, _, _ = imported
    assert _import(tmp_path, "--categories", *TWO, "--from", str(wheel)) == 0
    printed = capsys.readouterr().out
    assert "400 cases (multi_turn_base 200, multi_turn_miss_func 200)" in printed
    assert "data/multi_turn.jsonl: 400 conversations (multi_turn_base 200, multi_turn_miss_func 200)" in printed
    assert "data/test.jsonl" not in printed and DEFECT in printed
    written = (tmp_path / "data" / "multi_turn.jsonl").read_bytes()
    assert written == (out / "data" / "multi_turn.jsonl").read_bytes()


def test_single_turn_and_multi_turn_categories_write_both_files(tmp_path, capsys):
    assert _import(tmp_path, "--categories", "parallel", "multi_turn_miss_param") == 0
    printed = capsys.readouterr().out
    assert "400 cases (parallel 200, multi_turn_miss_param 200)" in printed
    assert "data/test.jsonl: 200 single-turn cases (parallel 200)" in printed
    assert _spec(tmp_path)["data"] == {"test": "data/test.jsonl", "multi_turn": "data/multi_turn.jsonl"}
    suite = load_suite(tmp_path)
    assert len(suite.cases) == 200 and {case.category for case in suite.cases} == {"parallel"}
    assert len(suite.multi_turn_cases) == 200
    assert {case.category for case in suite.multi_turn_cases} == {"multi_turn_miss_param"}


def test_the_multi_turn_shorthand_names_all_four_categories(tmp_path, capsys):
    assert _import(tmp_path, "--categories", "multi_turn") == 0
    assert "800 cases (" + ", ".join(f"{name} 200" for name in BFCL_MULTI_TURN_CATEGORIES) + ")" \
        in capsys.readouterr().out
    suite = load_suite(tmp_path)
    assert len(suite.multi_turn_cases) == 800 and not suite.cases
    assert [case.category for case in suite.multi_turn_cases[::200]] == list(BFCL_MULTI_TURN_CATEGORIES)
    assert sum(case.environment.long_context for case in suite.multi_turn_cases) == 200


@pytest.fixture(scope="module")
def v4_folder(tmp_path_factory, wheel):
    """A BFCL v4 data folder (one single-turn category, copied out of the wheel): v4, but not the wheel."""
    folder = tmp_path_factory.mktemp("v4-data")
    with zipfile.ZipFile(wheel) as archive:
        for name in ("BFCL_v4_parallel.json", "possible_answer/BFCL_v4_parallel.json"):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(archive.read(f"bfcl_eval/data/{name}"))
    return folder


@pytest.mark.parametrize("arguments, named", [
    (["--categories", "multi_turn_nope"], "multi_turn_nope"),
    (["--categories", "multi_turn_base", "--release", "v3"], "BFCL v3"),
    (["--categories", "parallel", "multi_turn", "--release", "v3"], "BFCL v3"),
    (["--categories", "multi_turn", "multi_turn_base"], "named twice"),
    (["--categories", "multi_turn_base", "--from", "V4_FOLDER"], "not the pinned bfcl-eval"),
])
def test_bad_multi_turn_choices_are_one_line_errors_with_nothing_written(arguments, named, tmp_path, wheel,
                                                                         v4_folder, capsys):
    out = tmp_path / "suite"
    arguments = [str(v4_folder) if argument == "V4_FOLDER" else argument for argument in arguments]
    assert _import(out, *arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "\n" not in error.strip()
    assert "--categories" in error and named in error
    assert not out.exists()


def test_a_v4_folder_still_imports_its_single_turn_categories(tmp_path, v4_folder):
    assert _import(tmp_path, "--from", str(v4_folder), "--categories", "parallel") == 0
    assert _spec(tmp_path)["data"] == {"test": "data/test.jsonl"}
    assert len(load_suite(tmp_path).cases) == 200
