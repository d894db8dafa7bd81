"""A plugin package outside the harness (tests/plugin_package: a metric, a strategy, a backend and a report
section, one file each), installed with pip into a test-only site folder and found through its entry points:
its plugins show in results, report and gate with no change to the harness.

The harness runs in child processes with that folder on PYTHONPATH, so the plugins never leak into the other
tests (or into the main job's reports).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.suite_files import weather_case, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_SOURCE = Path(__file__).resolve().parent / "plugin_package"
N_CASES = 16
REMINDER_WORDS = 5  # "Answer with tool calls only."


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    """The plugin package installed by pip (from a copy, so no build files land in the checkout)."""
    root = tmp_path_factory.mktemp("plugins")
    source = shutil.copytree(PLUGIN_SOURCE, root / "source",
                             ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    site = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(site), str(source)], check=True, capture_output=True)
    assert (site / "fc_harness_example_plugins-1.0.0.dist-info" / "entry_points.txt").is_file()
    return site


def harness(*args: str, site: Path | None, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*([str(site)] if site else []), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def write_plugin_suite(root: Path, oracle_extra_every: int = 0, reminder: str | None = None) -> Path:
    """Sixteen weather cases; `oracle` and `sloppy` use the plugin backend and strategy, `plain` the plugin
    backend with the built-in zero_shot; the gate watches the plugin metric."""
    write_jsonl(root / "data" / "test.jsonl", [weather_case(f"c{i:02d}") for i in range(N_CASES)])
    reminder_key = f", reminder: {json.dumps(reminder)}" if reminder is not None else ""
    (root / "suite.yaml").write_text(
        "name: plugin-suite\nversion: 1\ndata:\n  test: data/test.jsonl\ncandidates:\n"
        f"  - {{name: oracle, backend: oracle, strategy: reminder, extra_call_every: {oracle_extra_every}"
        f"{reminder_key}}}\n"
        "  - {name: sloppy, backend: oracle, strategy: reminder, extra_call_every: 2}\n"
        "  - {name: plain, backend: oracle}\n"
        "gate:\n  metrics: {no_extra_calls: 0.0}\n")
    return root / "suite.yaml"


@pytest.fixture(scope="module")
def first_run(plugin_site, tmp_path_factory):
    root = tmp_path_factory.mktemp("plugin-suite")
    suite = write_plugin_suite(root)
    proc = harness("run", str(suite), "--out", str(root / "run1"), site=plugin_site, cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root, json.loads((root / "run1" / "results.json").read_text())


def _candidate(results: dict, name: str) -> dict:
    return next(candidate for candidate in results["candidates"] if candidate["name"] == name)


def test_without_the_package_its_backend_is_unknown(tmp_path):
    suite = write_plugin_suite(tmp_path)
    proc = harness("validate", str(suite), site=None, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == (f"error: {suite}:6: field 'candidates[0].backend': unknown backend 'oracle' "
                                   "(known: hf, openai, replay)")


def test_the_plugins_are_listed_with_their_package(plugin_site, tmp_path):
    proc = harness("plugins", site=plugin_site, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    listed = {tuple(line.split()) for line in proc.stdout.splitlines() if line.startswith("  ")}
    for name in ("oracle", "reminder", "no_extra_calls", "extra_calls"):
        assert (name, "fc-harness-example-plugins") in listed
    assert {("hf", "fc-harness"), ("zero_shot", "fc-harness"), ("xlam", "fc-harness")} <= listed
    assert "report section (fc_harness.report_sections):" in proc.stdout


def test_the_plugin_strategy_options_are_checked_at_validate(plugin_site, tmp_path):
    suite = write_plugin_suite(tmp_path, reminder="")
    proc = harness("validate", str(suite), site=plugin_site, cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith(f"error: {suite}:6: field 'candidates[0].reminder': String should have at least 1")
    long = write_plugin_suite(tmp_path, reminder="word " * 50)
    proc = harness("validate", str(long), site=plugin_site, cwd=tmp_path)
    assert proc.returncode == 2 and "a reminder is a sentence, not 250 characters" in proc.stderr


def test_the_metric_strategy_and_backend_show_in_the_results(first_run):
    root, results = first_run
    assert [_candidate(results, name)["aggregates"]["no_extra_calls"] for name in ("oracle", "sloppy", "plain")] \
        == [1.0, 0.5, 1.0]
    assert _candidate(results, "oracle")["aggregates"]["tool_call_accuracy"] == 1.0
    assert _candidate(results, "sloppy")["aggregates"]["tool_call_accuracy"] == 0.5
    records = {(r["candidate"], r["case_id"]): r for r in results["records"]}
    assert records[("sloppy", "c01")]["metrics"]["no_extra_calls"] is False  # the 2nd case of the suite
    assert records[("sloppy", "c01")]["error_type"] == "wrong_count"
    assert records[("sloppy", "c00")]["metrics"]["no_extra_calls"] is True
    # The strategy's reminder reaches the backend: its five words are counted as input.
    for case in ("c00", "c07"):
        assert records[("oracle", case)]["input_tokens"] == records[("plain", case)]["input_tokens"] + REMINDER_WORDS
    assert _candidate(results, "oracle")["spec"]["strategy"] == "reminder"
    assert "no extra calls" in (root / "run1" / "results.md").read_text()


def test_the_metric_and_section_show_in_the_report(plugin_site, first_run):
    root, _ = first_run
    proc = harness("report", str(root / "run1" / "results.json"), "--out", str(root / "report"), site=plugin_site,
                   cwd=root)
    assert proc.returncode == 0, proc.stderr
    markdown = (root / "report" / "report.md").read_text()
    assert "| no extra calls %" in markdown.split("## Leaderboard", 1)[1].split("##", 1)[0]
    section = markdown.split("## Extra calls\n\n", 1)[1]
    rows = [line.split("|")[1:3] for line in section.splitlines()[2:5]]
    assert [(name.strip(), count.strip()) for name, count in rows] == [("oracle", "0"), ("plain", "0"),
                                                                       ("sloppy", str(N_CASES // 2))]
    report = json.loads((root / "report" / "report.json").read_text())
    assert {row["candidate"]: row["cases with extra calls"] for row in report["extra_calls"]} == {
        "oracle": 0, "plain": 0, "sloppy": N_CASES // 2}
    assert (root / "report" / "extra_calls.csv").read_text().splitlines()[0] == "candidate,cases with extra calls"
    assert 'id="extra-calls"' in (root / "report" / "report.html").read_text()


def test_the_gate_watches_the_plugin_metric(plugin_site, first_run):
    root, _ = first_run
    reference = root / "run1" / "results.json"
    same = harness("gate", "--reference", str(reference), "--results", str(reference), site=plugin_site, cwd=root)
    assert same.returncode == 0, same.stdout + same.stderr
    # The same suite (same cases), but now the `oracle` candidate adds a call on every second case.
    worse_root = root / "worse"
    worse_root.mkdir()
    suite = write_plugin_suite(worse_root, oracle_extra_every=2)
    run = harness("run", str(suite), "--out", str(worse_root / "run"), site=plugin_site, cwd=worse_root)
    assert run.returncode == 0, run.stderr
    gate = harness("gate", "--reference", str(reference), "--results", str(worse_root / "run" / "results.json"),
                   site=plugin_site, cwd=root)
    assert gate.returncode == 1, gate.stdout + gate.stderr
    verdicts = [line for line in gate.stdout.splitlines() if line.startswith("| no_extra_calls")]
    assert [(cells[2].strip(), cells[-2].strip()) for cells in (line.split("|") for line in verdicts)] == [
        ("oracle", "REGRESSION"), ("sloppy", "unchanged"), ("plain", "unchanged")]
    assert "FAIL: 1 regression(s)\n  no_extra_calls of oracle fell 50.0 pt" in gate.stdout
