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


def test_tiny_model_holds_conversations_on_the_toolshop_simulator(tmp_path):
    """`harness run` on the CI-sized toolshop suite: the six conversations run with the real tiny model
    beside the 40 single-turn cases, each step's real output parsed, its calls executed on the home-office
    simulator and fed back, within the suite's step limit; then `harness report` shows the multi-turn section."""
    from pathlib import Path

    suite = Path(__file__).resolve().parents[2] / "suites" / "toolshop" / "suite.tiny.yaml"
    out = tmp_path / "out"
    assert main(["run", str(suite), "--candidate", "tiny-zero-shot", "--candidate", "tiny-few-shot", "--out",
                 str(out), "-q", "--cache-dir", str(tmp_path / "cache")]) == 0
    results = json.loads((out / "results.json").read_text())
    conversations = [record for record in results["records"] if record["multi_turn"] is not None]
    assert len(conversations) == 2 * 6 and len(results["records"]) == 2 * 46
    assert {record["category"] for record in conversations} == {"multi_turn"}
    for record in conversations:
        trajectory = record["multi_turn"]["trajectory"]
        turns = trajectory["turns"]
        assert len(turns) == len(record["multi_turn"]["turns"]) >= 2
        for turn in turns:
            assert 1 <= len(turn["steps"]) <= 3
            for step in turn["steps"]:
                assert isinstance(step["output"], str) and step["generation_error"] is None
                assert len(step["results"]) == len(step["calls"])
        assert record["output_tokens"] == sum(s["output_tokens"] for t in turns for s in t["steps"])
        assert record["passed"] == all(turn["passed"] for turn in record["multi_turn"]["turns"])
    for candidate in results["candidates"]:
        assert candidate["aggregates"]["multi_turn"]["conversations"] == 6
        assert candidate["aggregates"]["per_category"]["multi_turn"]["cases"] == 6
    assert main(["report", str(out / "results.json"), "--out", str(tmp_path / "report")]) == 0
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## Multi-turn conversations" in report and "| tiny-few-shot " in report
