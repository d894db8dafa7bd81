"""`harness import bfcl`: the written suite validates, BFCL's own answers score 100% through replay except the
flagged ground-truth defects, results carry BFCL-style aggregates, and bad input is refused before writing."""
import json

import pytest

from harness.cli import main
from harness.integrations.bfcl.importer import DEFAULT_CATEGORIES
from harness.integrations.bfcl.wheel import read_bfcl_jsonl
from harness.suite.load import load_suite
from tests.bfcl_reference import GROUND_TRUTH_DEFECTS, perfect_answer

pytestmark = pytest.mark.network_wheel

#: Entry counts of the bfcl-eval 2026.3.23 wheel, per category.
EXPECTED_COUNTS = {"simple_python": 400, "multiple": 200, "parallel": 200, "parallel_multiple": 200,
                   "irrelevance": 240, "live_simple": 258, "live_multiple": 1053, "live_parallel": 16,
                   "live_parallel_multiple": 24, "live_irrelevance": 884}


@pytest.fixture(scope="module")
def imported(tmp_path_factory, wheel):
    out = tmp_path_factory.mktemp("bfcl")
    assert main(["import", "bfcl", "--out", str(out), "--wheel", str(wheel)]) == 0
    return out


@pytest.fixture(scope="module")
def ground_truth_results(imported, tmp_path_factory):
    suite = load_suite(imported / "suite.yaml")
    outputs = tmp_path_factory.mktemp("outputs") / "ground-truth.jsonl"
    with outputs.open("w") as handle:
        for case in suite.cases:
            # Irrelevance cases answer in prose, as a model that declines would.
            result = perfect_answer(case) if case.expects_call else "None of these functions can answer that."
            handle.write(json.dumps({"id": case.id, "result": result}) + "\n")
    out = tmp_path_factory.mktemp("scored")
    assert main(["score", str(imported / "suite.yaml"), str(outputs), "--out", str(out), "-q"]) == 0
    return suite, json.loads((out / "results.json").read_text()), (out / "results.md").read_text()


def test_imported_suite_validates_keeps_bfcl_ids_and_scores_in_bfcl_mode(imported, capsys):
    assert main(["validate", str(imported)]) == 0
    assert "3475 cases" in capsys.readouterr().out
    suite = load_suite(imported / "suite.yaml")
    assert suite.spec.scoring.mode == "bfcl"
    counts = {name: sum(case.category == name for case in suite.cases) for name in EXPECTED_COUNTS}
    assert counts == EXPECTED_COUNTS
    ids = {case.id for case in suite.cases}
    assert {"simple_python_0", "live_multiple_964-207-0", "live_irrelevance_0-0-0"} <= ids
    flagged = {case.id for case in suite.cases if "ground_truth_defect" in case.meta}
    assert flagged == set(GROUND_TRUTH_DEFECTS)


def test_ground_truth_scores_100_percent_except_flagged_defects(ground_truth_results):
    suite, results, _ = ground_truth_results
    records = results["records"]
    assert len(records) == 3475
    failed = {r["case_id"] for r in records if not r["passed"]}
    assert failed == set(GROUND_TRUTH_DEFECTS)
    per_category = results["candidates"][0]["aggregates"]["bfcl"]["per_category"]
    for category, scores in per_category.items():
        defects = sum(1 for case_id in GROUND_TRUTH_DEFECTS if case_id.startswith(category + "_"))
        assert scores["cases"] == EXPECTED_COUNTS[category]
        assert scores["accuracy"] == pytest.approx(1 - defects / scores["cases"]), category


def test_results_aggregate_the_bfcl_way_and_list_the_flagged_cases(ground_truth_results):
    _, results, table = ground_truth_results
    bfcl = results["candidates"][0]["aggregates"]["bfcl"]
    assert bfcl["non_live_ast"] == pytest.approx(1.0)
    assert bfcl["irrelevance"] == pytest.approx(1.0)
    live_total = 258 + 1053 + 16 + 24
    assert bfcl["live_ast"] == pytest.approx((live_total - len(GROUND_TRUTH_DEFECTS)) / live_total)  # by entries
    assert set(bfcl["flagged_ground_truth_defects"]) == set(GROUND_TRUTH_DEFECTS)
    assert not any(item["passed"] for item in bfcl["flagged_ground_truth_defects"].values())
    assert "BFCL leaderboard" in table and "Non-live AST" in table and "live_simple_106-63-0" in table


def test_a_category_subset_imports_only_those(tmp_path, wheel, capsys):
    assert main(["import", "bfcl", "--categories", "parallel", "live_irrelevance",
                 "--out", str(tmp_path), "--wheel", str(wheel)]) == 0
    assert "1084 cases (parallel 200, live_irrelevance 884)" in capsys.readouterr().out
    suite = load_suite(tmp_path / "suite.yaml")
    assert {case.category for case in suite.cases} == {"parallel", "live_irrelevance"}
    assert len(suite.cases) == 200 + 884


def test_tools_keep_bfcls_order_of_keys_and_parameters(imported, wheel):
    """The model is shown each tool as BFCL wrote it: the parameters in the function doc's order, whatever the
    JSON writer or the parse cache would sort."""
    suite = load_suite(imported / "suite.yaml")
    docs = {}
    for category in DEFAULT_CATEGORIES:
        docs.update({row["id"]: row["function"] for row in read_bfcl_jsonl(wheel, f"BFCL_v4_{category}.json")})
    reordered = checked = 0
    for case in suite.cases:
        theirs = docs[case.id] if isinstance(docs[case.id], list) else [docs[case.id]]
        assert [tool.name for tool in case.tools] == [doc["name"] for doc in theirs]
        for tool, doc in zip(case.tools, theirs):
            checked += 1
            reordered += list(tool.properties) != list(doc.get("parameters", {}).get("properties", {}))
    assert checked > 8000 and reordered == 0
    first = json.loads((imported / "data" / "test.jsonl").read_text().splitlines()[0])
    assert list(first["tools"][0]["function"]) == ["name", "description", "parameters"]


def test_unknown_category_is_refused_before_anything_is_written(tmp_path, wheel, capsys):
    out = tmp_path / "suite"
    assert main(["import", "bfcl", "--categories", "simple_java", "--out", str(out), "--wheel", str(wheel)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "simple_java" in error and "--categories" in error
    assert "\n" not in error.strip() and not out.exists()


def test_an_existing_suite_is_kept_unless_forced(tmp_path, wheel, capsys):
    arguments = ["import", "bfcl", "--categories", "parallel", "--out", str(tmp_path), "--wheel", str(wheel)]
    assert main(arguments) == 0
    before = (tmp_path / "suite.yaml").read_bytes()
    assert main(arguments) == 2
    assert "--force" in capsys.readouterr().err
    assert (tmp_path / "suite.yaml").read_bytes() == before
    assert main(arguments + ["--force"]) == 0


def test_a_forced_import_leaves_no_data_file_of_the_suite_it_replaces(tmp_path, wheel):
    assert main(["import", "bfcl", "--categories", "parallel", "multi_turn_base", "--out", str(tmp_path),
                 "--wheel", str(wheel)]) == 0
    assert (tmp_path / "data" / "multi_turn.jsonl").is_file()
    assert main(["import", "bfcl", "--categories", "simple_python", "--out", str(tmp_path), "--wheel", str(wheel),
                 "--force"]) == 0
    assert sorted(path.name for path in (tmp_path / "data").iterdir()) == ["test.jsonl"]
    assert {case.category for case in load_suite(tmp_path / "suite.yaml").cases} == {"simple_python"}


def test_a_missing_wheel_file_is_one_line_error(tmp_path, capsys):
    assert main(["import", "bfcl", "--out", str(tmp_path / "x"), "--wheel", str(tmp_path / "nope.whl")]) == 2
    error = capsys.readouterr().err
    assert "nope.whl" in error and "no such file or folder" in error and "--from" in error
    assert not (tmp_path / "x").exists()


def test_the_default_categories_are_v4s_importable_ones():
    from harness.integrations.bfcl.releases import V4
    assert DEFAULT_CATEGORIES == V4.categories == tuple(EXPECTED_COUNTS)


def test_a_release_in_no_wheel_needs_a_checkout_and_says_which(tmp_path, capsys):
    assert main(["import", "bfcl", "--release", "v2", "--out", str(tmp_path / "v2")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "BFCL v2 is not in any bfcl-eval wheel" in err
    assert "at a v2 commit" in err and "{wanted}" not in err
    assert not (tmp_path / "v2").exists()
