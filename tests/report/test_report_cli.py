"""`harness report`: all four formats written whole, several files merged, and bad input refused with nothing written."""
import csv
import dataclasses
import io
import json
from html import escape

import pytest

from harness.cli import main
from harness.report.build import load_report
from harness.report.writer import render
from tests.report.report_builders import decision_results, priced_results_with_training, write

EXPECTED_FILES = {"report.md", "report.html", "report.json", "leaderboard.csv", "per_category.csv", "funnel.csv",
                  "errors.csv", "training.csv", "loss_curves.csv", "diagnosis.csv"}


@pytest.fixture
def results_path(tmp_path):
    return write(priced_results_with_training(), tmp_path / "results.json")


def _report(capsys, *args):
    code = main(["report", *map(str, args)])
    return code, capsys.readouterr()


def test_writes_every_format_with_the_decision_on_top(tmp_path, results_path, capsys):
    out = tmp_path / "report"
    code, printed = _report(capsys, results_path, "--out", out)
    assert code == 0
    assert {path.name for path in out.iterdir()} == EXPECTED_FILES  # no temp file left behind
    decision = load_report([results_path]).decision.sentence
    # the fine-tune's validation loss fell at each of its three evaluations: the verdict is provisional
    assert decision.startswith("provisional, as the fine-tune is under-trained (its validation loss was still falling")
    assert "; LoRA (smollm2-lora) beats the best baseline (smollm2-few-shot) by +40.0 points" in decision
    assert printed.out.startswith(f"Decision: {decision}.")
    markdown = (out / "report.md").read_text()
    assert markdown.index(decision) < markdown.index("## Leaderboard") < markdown.index("## Fine-tuning")
    assert "a paired accuracy difference smaller than" in markdown
    html = (out / "report.html").read_text()
    assert html.index(escape(decision)) < html.index('<table id="leaderboard">')
    data = json.loads((out / "report.json").read_text())
    assert data["decision"]["break_even_calls"] == 10_000
    assert [row["candidate"] for row in data["leaderboard"]] == ["smollm2-lora", "smollm2-few-shot", "smollm2-zero-shot"]
    assert data["pareto_front"] == ["smollm2-lora"]
    rows = list(csv.DictReader(io.StringIO((out / "leaderboard.csv").read_text())))
    assert [row["candidate"] for row in rows] == ["smollm2-lora", "smollm2-few-shot", "smollm2-zero-shot"]
    assert float(rows[0]["tool_call_accuracy"]) == 0.9


def test_chosen_formats_only(tmp_path, results_path, capsys):
    code, _ = _report(capsys, results_path, "--out", tmp_path / "out", "--format", "md,json")
    assert code == 0 and {p.name for p in (tmp_path / "out").iterdir()} == {"report.md", "report.json"}


def test_results_split_across_files_are_merged(tmp_path, capsys):
    full = priced_results_with_training()
    halves = [dataclasses.replace(full, candidates=tuple(c for c in full.candidates if c.name in names),
                                  records=tuple(r for r in full.records if r.candidate in names))
              for names in ({"smollm2-lora"}, {"smollm2-few-shot", "smollm2-zero-shot"})]
    paths = [write(half, tmp_path / f"part{i}.json") for i, half in enumerate(halves)]
    code, _ = _report(capsys, *paths, "--out", tmp_path / "out", "--format", "json")
    assert code == 0
    merged = json.loads((tmp_path / "out" / "report.json").read_text())
    assert merged["decision"] == json.loads(json.dumps(load_report([write(full, tmp_path / "full.json")])
                                                       .decision.to_json()))


def _refused(capsys, tmp_path, *paths, fragment):
    out = tmp_path / "out"
    code, printed = _report(capsys, *paths, "--out", out)
    assert code == 2 and not out.exists()
    lines = printed.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], printed.err
    return lines[0]


def test_results_of_another_suite_version_are_refused(tmp_path, results_path, capsys):
    other = dataclasses.replace(decision_results(range(30), range(20)), suite=priced_results_with_training().suite
                                | {"version": 2})
    line = _refused(capsys, tmp_path, results_path, write(other, tmp_path / "v2.json"), fragment="'toolshop' v2")
    assert "report results of one suite" in line


def test_results_with_other_cases_are_refused(tmp_path, results_path, capsys):
    suite = priced_results_with_training().suite | {"cases_hash": "ef" * 32}
    other = dataclasses.replace(priced_results_with_training(), suite=suite)
    _refused(capsys, tmp_path, results_path, write(other, tmp_path / "b.json"), fragment="cases efefefefefef")


def test_a_candidate_given_twice_is_refused(tmp_path, results_path, capsys):
    copy = write(priced_results_with_training(), tmp_path / "copy.json")
    _refused(capsys, tmp_path, results_path, copy, fragment="candidate smollm2-lora is also in")


def test_empty_results_are_refused(tmp_path, capsys):
    empty = dataclasses.replace(priced_results_with_training(), records=())
    _refused(capsys, tmp_path, write(empty, tmp_path / "empty.json"), fragment="no case records")


@pytest.mark.parametrize("change, fragment", [({"schema_version": 99}, "newer than this harness reads"),
                                              ({"schema_version": None}, "has no schema_version")])
def test_unreadable_schema_versions_are_refused(tmp_path, results_path, capsys, change, fragment):
    data = json.loads(results_path.read_text()) | change
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    _refused(capsys, tmp_path, path, fragment=fragment)


def test_unknown_format_is_refused_before_reading(tmp_path, results_path, capsys):
    code, printed = _report(capsys, results_path, "--out", tmp_path / "out", "--format", "md,pdf")
    assert code == 2 and "unknown report format pdf" in printed.err and not (tmp_path / "out").exists()


def test_a_failed_render_leaves_the_previous_report_untouched(tmp_path, results_path, monkeypatch):
    from harness.report import writer

    out = tmp_path / "out"
    assert main(["report", str(results_path), "--out", str(out), "--format", "md,json"]) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}

    def broken(report):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("harness.report.html.render_html", broken)
    with pytest.raises(RuntimeError):
        writer.write_report(load_report([results_path]), out, ["md", "html", "json"])
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_rendering_is_deterministic(results_path):
    report = load_report([results_path])
    assert render(report) == render(report)


def test_report_json_rounds_floats_so_machines_agree():
    """Fitted slopes differ in their last bits between machines; report.json keeps 12 significant digits, so a
    report regenerated from the same results is the same file (ints, strings, NaN and nesting untouched)."""
    import math

    from harness.report.writer import rounded

    data = rounded({"slope": -2.5228212277094517, "nested": [{"noise": 0.01501598035160518}, (1, "a")],
                    "other": -2.5228212277094473, "nan": float("nan"), "n": 7, "flag": True})
    assert data["slope"] == data["other"] == -2.52282122771
    assert data["nested"] == [{"noise": 0.0150159803516}, [1, "a"]]
    assert math.isnan(data["nan"]) and data["n"] == 7 and data["flag"] is True
