"""Generation cache payoff: a whole `run_suite` cold (every case generated) against a warm re-run (every case cached).

The fake backend costs a fixed 5 ms per case, a stand-in for a small local model; one benchmark group, and the
warm test records the cold/warm wall-time ratio in `extra_info` (`--benchmark-enable` to time them).
"""
from __future__ import annotations

import time

import pytest

import tests.fake_backends  # noqa: F401  (registers "fake-slow")
from harness.run.runner import run_suite
from harness.suite.load import load_suite
from tests.fake_backends import COUNTER_ENV, DELAY_ENV
from tests.suite_files import weather_case, write_suite

CASES = 200
PER_CASE_S = 0.005


@pytest.fixture
def suite(tmp_path, monkeypatch):
    monkeypatch.setenv(DELAY_ENV, str(PER_CASE_S))
    monkeypatch.delenv(COUNTER_ENV, raising=False)
    cases = [weather_case(f"c{i:03d}", f"City{i}") for i in range(CASES)]
    path = write_suite(tmp_path / "suite", cases,
                       extra_yaml="candidates:\n  - {name: fixed-cost, backend: fake-slow, model: bench}\n")
    return load_suite(path)


def _run(suite, cache_dir):
    return run_suite(suite, progress=False, cache_dir=cache_dir)


@pytest.mark.benchmark(group="generation cache: 200 cases at 5 ms each")
def test_speed_cold_run(benchmark, suite, tmp_path):
    fresh = iter(range(1000))
    results = benchmark.pedantic(_run, setup=lambda: ((suite, tmp_path / f"cold{next(fresh)}"), {}), rounds=3)
    assert results.candidates[0].aggregates["generations"] == {"generated": CASES, "cached": 0}


@pytest.mark.benchmark(group="generation cache: 200 cases at 5 ms each")
def test_speed_warm_rerun(benchmark, suite, tmp_path):
    start = time.perf_counter()
    _run(suite, tmp_path / "warm")
    cold_s = time.perf_counter() - start
    results = benchmark(_run, suite, tmp_path / "warm")
    assert results.candidates[0].aggregates["generations"] == {"generated": 0, "cached": CASES}
    start = time.perf_counter()
    _run(suite, tmp_path / "warm")
    warm_s = time.perf_counter() - start
    benchmark.extra_info.update(cold_s=round(cold_s, 3), warm_s=round(warm_s, 3),
                                cold_over_warm=round(cold_s / warm_s, 1))
    print(f"\ncold {cold_s:.3f} s, warm {warm_s:.3f} s, ratio {cold_s / warm_s:.1f}x")
