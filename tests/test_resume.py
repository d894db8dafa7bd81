"""Crash-safe resume: a `harness run` killed part-way, then re-run, generates only the cases it had not finished.

The killed run is a real subprocess (SIGKILL, and Ctrl-C as SIGINT) on a suite whose candidate is the
slow `fake-slow` test backend; the re-run must equal an uninterrupted run, timings aside.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tests.fake_backends  # noqa: F401  (registers "fake-slow" in this process too)
from harness.backends.cache import CACHE_FILE
from harness.cli import main
from tests.fake_backends import COUNTER_ENV, DELAY_ENV, generated_ids
from tests.suite_files import weather_case, write_suite

REPO = Path(__file__).resolve().parents[1]
CITIES = ["Paris", "Oslo", "Rome", "Lima", "Cairo", "Quito", "Hanoi", "Dakar", "Perth", "Sofia", "Minsk", "Accra"]
CANDIDATE = "  - {name: slow, backend: fake-slow, model: fake-1, strategy: zero_shot}\n"
TIMING_FIELDS = ("latency_ms", "ttft_ms", "cached")


def _suite(root: Path) -> Path:
    cases = [weather_case(f"case-{i:02d}", city) for i, city in enumerate(CITIES)]
    return write_suite(root, cases, extra_yaml="candidates:\n" + CANDIDATE)


def _start_run(suite: Path, out: Path, env: dict) -> subprocess.Popen:
    # A job started in the background by a non-interactive shell inherits SIGINT ignored; a terminal's Ctrl-C
    # always meets Python's default handler, so the child restores it.
    code = ("import signal, sys, tests.fake_backends; from harness.cli import main; "
            "signal.signal(signal.SIGINT, signal.default_int_handler); "
            f"sys.exit(main(['run', {str(suite)!r}, '--out', {str(out)!r}, '-q']))")
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while len(generated_ids(path)) < count:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.02)


def _stored_rows(cache_dir: Path) -> int:
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]


def _comparable(results: dict) -> dict:
    """The results without what legitimately differs between runs: timings, cache flags, dates, paths."""
    records = [{k: v for k, v in r.items() if k not in TIMING_FIELDS} for r in results["records"]]
    aggregates = [{k: v for k, v in c["aggregates"].items() if k not in ("latency_ms", "ttft_ms", "generations")}
                  for c in results["candidates"]]
    return {"records": records, "aggregates": aggregates, "suite_hash": results["suite"]["hash"],
            "spec_hashes": [c["spec_hash"] for c in results["candidates"]]}


@pytest.fixture
def reference(tmp_path_factory, monkeypatch):
    """The same suite run once without interruption (fast, no cache): what a resumed run must equal."""
    root = tmp_path_factory.mktemp("reference")
    monkeypatch.setenv(DELAY_ENV, "0")
    monkeypatch.delenv(COUNTER_ENV, raising=False)
    assert main(["run", str(_suite(root / "suite")), "--out", str(root / "out"), "-q", "--no-cache"]) == 0
    return json.loads((root / "out" / "results.json").read_text())


@pytest.mark.parametrize("kill_signal", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "ctrl-c"])
def test_killed_run_resumes_without_regenerating_finished_cases(tmp_path, monkeypatch, reference, kill_signal):
    suite, out, cache_dir = _suite(tmp_path / "suite"), tmp_path / "out", tmp_path / "cache"
    first_counter, second_counter = tmp_path / "first.txt", tmp_path / "second.txt"
    env = {**os.environ, "HARNESS_CACHE_DIR": str(cache_dir), DELAY_ENV: "0.25", COUNTER_ENV: str(first_counter)}
    process = _start_run(suite, out, env)
    _wait_for_lines(first_counter, 4, process)
    process.send_signal(kill_signal)
    returncode = process.wait(timeout=60)
    assert returncode == (-signal.SIGKILL if kill_signal == signal.SIGKILL else 130)
    assert not (out / "results.json").exists()  # nothing half-written

    first = generated_ids(first_counter)
    stored = _stored_rows(cache_dir)
    assert 4 <= len(first) < len(CITIES)
    # At most the generation in flight when the signal came is lost.
    assert len(first) - 1 <= stored <= len(first)

    monkeypatch.setenv("HARNESS_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv(DELAY_ENV, "0")
    monkeypatch.setenv(COUNTER_ENV, str(second_counter))
    assert main(["run", str(suite), "--out", str(out), "-q"]) == 0
    second = generated_ids(second_counter)
    assert len(second) == len(CITIES) - stored
    assert set(first[:stored]).isdisjoint(second) and set(first) | set(second) == {f"case-{i:02d}" for i in range(12)}

    resumed = json.loads((out / "results.json").read_text())
    assert _comparable(resumed) == _comparable(reference)
    assert resumed["candidates"][0]["aggregates"]["generations"] == {"generated": len(second), "cached": stored}
    cached_latencies = [r["latency_ms"] for r in resumed["records"] if r["cached"]]
    assert len(cached_latencies) == stored and min(cached_latencies) >= 250  # the first run's real model time


def test_unchanged_rerun_generates_nothing_and_no_cache_regenerates_everything(tmp_path, monkeypatch):
    suite, counter = _suite(tmp_path / "suite"), tmp_path / "count.txt"
    monkeypatch.setenv(DELAY_ENV, "0")
    monkeypatch.setenv(COUNTER_ENV, str(counter))
    args = ["run", str(suite), "--out", str(tmp_path / "out"), "-q", "--cache-dir", str(tmp_path / "c")]
    assert main(args) == 0 and len(generated_ids(counter)) == 12
    assert main(args) == 0 and len(generated_ids(counter)) == 12
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    candidate = results["candidates"][0]
    assert candidate["aggregates"]["generations"] == {"generated": 0, "cached": 12}
    assert candidate["latency_mode"] == "batched" and candidate["backend_identity"]["backend"] == "fake-slow"
    assert all(r["cached"] for r in results["records"])
    assert main(args + ["--no-cache"]) == 0 and len(generated_ids(counter)) == 24
