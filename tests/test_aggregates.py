"""Latency, time-to-first-token, cache counts and cost fields in the per-candidate aggregates."""
import pytest

from harness.run.pricing import CallCost
from harness.scoring.aggregates import aggregate
from tests.test_pricing import _record


def test_ttft_p50_only_when_the_backend_streamed():
    plain = [_record(latency_ms=100.0), _record(latency_ms=300.0)]
    assert aggregate(plain)["ttft_ms"] is None
    streamed = [r.__class__(**{**r.to_json(), "ttft_ms": t}) for r, t in zip(plain, (10.0, 30.0))]
    agg = aggregate(streamed)
    assert agg["ttft_ms"] == {"p50": 20.0, "mean": 20.0, "cases": 2}
    assert (agg["latency_ms"]["mean"], agg["latency_ms"]["p50"]) == (200.0, 200.0)


def test_cache_counts_and_cost_fields():
    records = [_record(latency_ms=1.0, cached=True), _record(latency_ms=1.0)]
    agg = aggregate(records)
    assert agg["generations"] == {"generated": 1, "cached": 1}
    assert (agg["cost_per_1k_calls_usd"], agg["cost_basis"], agg["cost_prices"]) == (None, None, None)
    priced = aggregate(records, CallCost(per_1k_calls_usd=0.5, basis="tokens", prices={"input_per_1m_usd": 1}))
    assert priced["cost_per_1k_calls_usd"] == pytest.approx(0.5) and priced["cost_basis"] == "tokens"
