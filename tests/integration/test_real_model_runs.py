"""Real models through the whole harness: the `tiny` model under every prompting baseline (fast, CI), and
SmolLM2-135M-Instruct with few-shot examples producing real tool calls (slow)."""
import json

import pytest

from harness.cli import main
from tests.suite_files import bank_example, request_case, small_example_bank, small_tool_library, write_bank_suite

WEATHER_AND_CURRENCY_CASES = [
    request_case("weather-oslo", "What's the weather like in Oslo?", ["get_weather", "convert_currency"],
                 [{"get_weather": {"city": ["Oslo"], "unit": ["", "celsius", "fahrenheit"]}}]),
    request_case("weather-lima", "Tell me the weather in Lima.", ["get_weather", "convert_currency"],
                 [{"get_weather": {"city": ["Lima"], "unit": ["", "celsius", "fahrenheit"]}}]),
    request_case("fx-usd-jpy", "Convert 250 US dollars to Japanese yen.", ["get_weather", "convert_currency"],
                 [{"convert_currency": {"amount": [250, 250.0], "from_currency": ["USD"], "to_currency": ["JPY"]}}]),
    request_case("fx-eur-gbp", "How much is 80 euros in British pounds?", ["get_weather", "convert_currency"],
                 [{"convert_currency": {"amount": [80, 80.0], "from_currency": ["EUR"], "to_currency": ["GBP"]}}]),
    request_case("no-call-poem", "Write a two-line poem about rain.", ["get_weather", "convert_currency"]),
]


def _bank() -> list[dict]:
    return small_example_bank() + [
        bank_example("What's the weather in Madrid?", "get_weather", {"city": "Madrid"}),
        bank_example("Convert 40 euros to US dollars.", "convert_currency",
                     {"amount": 40, "from_currency": "EUR", "to_currency": "USD"}),
    ]


def _run(tmp_path, candidates: list[str]) -> dict:
    suite = write_bank_suite(tmp_path / "suite", WEATHER_AND_CURRENCY_CASES, examples=_bank(),
                             library=small_tool_library(), candidates=candidates, seed=7)
    out = tmp_path / "out"
    assert main(["run", str(suite), "--out", str(out), "-q", "--cache-dir", str(tmp_path / "cache")]) == 0
    return json.loads((out / "results.json").read_text())


def test_tiny_model_runs_under_every_baseline_and_records_latency_tokens_and_cost(tmp_path):
    settings = "generation: {max_new_tokens: 24, batch_size: 4}"
    results = _run(tmp_path, [
        f"{{name: tiny-zero-shot, model: tiny, strategy: zero_shot, {settings}}}",
        f"{{name: tiny-few-shot, model: tiny, strategy: few_shot, k: 2, select: similar, {settings}}}",
        f"{{name: tiny-rag, model: tiny, strategy: rag, k: 2, retriever: bm25, retrieve: both, {settings}}}",
    ])
    assert [c["name"] for c in results["candidates"]] == ["tiny-zero-shot", "tiny-few-shot", "tiny-rag"]
    assert len(results["records"]) == 3 * len(WEATHER_AND_CURRENCY_CASES)
    for record in results["records"]:
        assert record["error_type"] != "generation_error", record["error_detail"]
        assert record["latency_ms"] > 0
        assert isinstance(record["input_tokens"], int) and record["input_tokens"] > 0
        assert isinstance(record["output_tokens"], int) and 0 < record["output_tokens"] <= 24
        assert record["cached"] is False
    by_name = {c["name"]: c for c in results["candidates"]}
    for candidate in by_name.values():
        aggregates = candidate["aggregates"]
        assert candidate["latency_mode"] == "batched"
        assert aggregates["latency_ms"]["p50"] > 0 and aggregates["latency_ms"]["p95"] >= aggregates["latency_ms"]["p50"]
        assert aggregates["latency_ms"]["output_tokens_per_s"] > 0
        assert aggregates["cost_basis"] == "device_time" and aggregates["cost_per_1k_calls_usd"] > 0
        assert aggregates["tokens"]["input_mean"] > 0
    # Examples make the prompt longer: the token count is the candidate's own tokenizer's, context included.
    zero = by_name["tiny-zero-shot"]["aggregates"]["tokens"]["input_mean"]
    assert by_name["tiny-few-shot"]["aggregates"]["tokens"]["input_mean"] > zero


def test_unchanged_rerun_generates_nothing(tmp_path):
    candidate = ["{name: tiny-zero-shot, model: tiny, strategy: zero_shot, generation: {max_new_tokens: 16}}"]
    first = _run(tmp_path, candidate)
    second = _run(tmp_path, candidate)
    assert first["candidates"][0]["aggregates"]["generations"] == {"generated": 5, "cached": 0}
    assert second["candidates"][0]["aggregates"]["generations"] == {"generated": 0, "cached": 5}
    assert [r["output"] for r in first["records"]] == [r["output"] for r in second["records"]]


@pytest.mark.slow
@pytest.mark.network_wheel
def test_smollm2_with_few_shot_examples_makes_a_correctly_parsed_tool_call(tmp_path):
    results = _run(tmp_path, [
        "{name: smollm2-few-shot, model: smollm2-135m-instruct, strategy: few_shot, k: 3, select: similar, "
        "generation: {max_new_tokens: 64, batch_size: 5}}",
    ])
    records = results["records"]
    called = [r for r in records if r["parsed"] and r["calls"]]
    print("\n".join(f"{r['case_id']}: {r['output']!r}" for r in records))
    assert called, "no record parsed into a tool call"
    offered = {"get_weather", "convert_currency"}
    assert any(call["name"] in offered for r in called for call in r["calls"])
