"""Cost per 1,000 calls: hand-computed token and device-time costs, suite overrides, unknown prices."""
from __future__ import annotations

import pytest

from harness.errors import HarnessInputError
from harness.report.summary_table import COST_COLUMN, summary_frame
from harness.results.file import CaseRecord, ResultsFile
from harness.run.pricing import cost_per_1k_calls, device_time_cost, price_table, shipped_price_table
from harness.run.runner import CandidateRun, candidate_result
from harness.suite.candidate import CandidateSpec
from harness.suite.load import load_suite
from harness.suite.spec import PricesSpec
from tests.suite_files import weather_case, write_suite

HOSTED = CandidateSpec(name="hosted", backend="openai", model="gpt-4o-mini", endpoint={"base_url": "http://x/v1"})
LOCAL = CandidateSpec(name="local", backend="hf", model="tiny")


def _record(input_tokens=None, output_tokens=None, latency_ms=None, cached=False) -> CaseRecord:
    return CaseRecord(case_id="c", category="simple", candidate="x", output="", calls=None, parsed=False,
                      schema_valid=False, right_tools=False, passed=False, error_type=None, error_detail="",
                      expects_call=True, input_tokens=input_tokens, output_tokens=output_tokens,
                      latency_ms=latency_ms, cached=cached)


TOKEN_RECORDS = [_record(1000, 100, 50.0), _record(3000, 300, 70.0), _record(None, None, 10.0)]
# mean latency 3,600 ms = 1/1000 hour per call, so 1,000 calls = one device-hour
TIME_RECORDS = [_record(10, 5, 1800.0), _record(10, 5, 5400.0), _record(10, 5, None)]


def test_hosted_cost_is_tokens_times_list_price():
    cost = cost_per_1k_calls(TOKEN_RECORDS, HOSTED, price_table())
    # mean 2,000 in x $0.15/M + mean 200 out x $0.60/M = $0.00042 per call (the record without tokens is skipped)
    assert cost.basis == "tokens" and cost.per_1k_calls_usd == pytest.approx(0.42)
    assert cost.prices == {"input_per_1m_usd": 0.15, "output_per_1m_usd": 0.60}


def test_local_cost_is_mean_latency_times_device_hour_price():
    cost = cost_per_1k_calls(TIME_RECORDS, LOCAL, price_table())
    assert cost.basis == "device_time" and cost.per_1k_calls_usd == pytest.approx(0.10)
    assert cost.prices == {"device": "cpu", "device_hour_usd": 0.10}
    on_gpu = cost_per_1k_calls(TIME_RECORDS, LOCAL, price_table(), device="cuda")
    assert on_gpu.per_1k_calls_usd == pytest.approx(2.50)
    spec_device = LOCAL.model_copy(update={"device": "cuda"})
    assert cost_per_1k_calls(TIME_RECORDS, spec_device, price_table()).prices["device"] == "cuda"


def test_suite_prices_override_the_shipped_table():
    overrides = PricesSpec.model_validate({"local_cpu_hour_usd": 0.20, "devices": {"cuda": 4.0},
                                           "models": {"gpt-4o-mini": {"input_per_1m_usd": 1, "output_per_1m_usd": 2}}})
    table = price_table(overrides)
    assert cost_per_1k_calls(TIME_RECORDS, LOCAL, table).per_1k_calls_usd == pytest.approx(0.20)
    assert cost_per_1k_calls(TIME_RECORDS, LOCAL, table, device="cuda").per_1k_calls_usd == pytest.approx(4.0)
    # (2,000 x $1 + 200 x $2) / 1M per call
    assert cost_per_1k_calls(TOKEN_RECORDS, HOSTED, table).per_1k_calls_usd == pytest.approx(2.4)
    assert shipped_price_table().devices["cpu"] == 0.10  # the shipped table itself is untouched


def test_unknown_prices_or_measurements_give_none():
    unknown = HOSTED.model_copy(update={"model": "my-private-model"})
    assert cost_per_1k_calls(TOKEN_RECORDS, unknown, price_table()) is None
    replay = CandidateSpec(name="r", outputs="o.jsonl")
    assert cost_per_1k_calls(TOKEN_RECORDS, replay, price_table()) is None
    assert cost_per_1k_calls(TIME_RECORDS, LOCAL, price_table(), device="tpu") is None
    assert cost_per_1k_calls([_record()], LOCAL, price_table()) is None
    assert cost_per_1k_calls([_record(latency_ms=5.0)], HOSTED, price_table()) is None


@pytest.mark.parametrize("model", ["gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini", "gpt-4o-mini"])
def test_snapshot_and_provider_names_use_the_family_price(model):
    assert price_table().token_price(model).input_per_1m_usd == 0.15
    assert price_table().token_price("gpt-4o-mini-finetuned") is None


def test_shipped_table_is_dated_example_data():
    table = shipped_price_table()
    assert table.as_of and set(table.devices) >= {"cpu", "cuda"}
    assert all(p.input_per_1m_usd > 0 and p.output_per_1m_usd > 0 for p in table.models.values())


def test_cost_lands_in_aggregates_and_the_summary_table(tmp_path):
    suite = load_suite(write_suite(tmp_path, [weather_case()]))
    run = CandidateRun(records=TIME_RECORDS, identity={"backend": "hf", "device": "cuda:0"}, latency_mode="batched")
    result = candidate_result(suite, LOCAL, run, price_table())
    agg = result.aggregates
    assert (agg["cost_basis"], agg["cost_per_1k_calls_usd"]) == ("device_time", pytest.approx(2.5))
    assert result.latency_mode == "batched" and result.backend_identity["device"] == "cuda:0"
    # recomputable from the results file alone: records + the unit prices recorded beside the figure
    recomputed = device_time_cost(TIME_RECORDS, agg["cost_prices"]["device"], agg["cost_prices"]["device_hour_usd"])
    assert recomputed.per_1k_calls_usd == agg["cost_per_1k_calls_usd"]
    results = ResultsFile(suite={}, environment={}, candidates=(result,), records=tuple(TIME_RECORDS))
    assert summary_frame(results).loc[0, COST_COLUMN] == 2.5


SUITE_PRICES = {
    "prices: {local_cpu_hour_usd: 0.25}\n": {"cpu": 0.25},
    "prices: {devices: {cuda: 3.0}, models: {m: {input_per_1m_usd: 1, output_per_1m_usd: 2}}}\n": {"cuda": 3.0},
    "": {},
}


@pytest.mark.parametrize("yaml_text, devices", SUITE_PRICES.items())
def test_suite_yaml_prices_block_including_the_short_form(tmp_path, yaml_text, devices):
    suite = load_suite(write_suite(tmp_path, [weather_case()], extra_yaml=yaml_text))
    assert dict(suite.spec.prices.devices) == devices


@pytest.mark.parametrize("yaml_text, message", [
    ("prices: {local_cpu_hour: 0.1}\n", "unknown field"),
    ("prices: {devices: {cpu: -1}}\n", "greater than or equal to 0"),
    ("prices: {models: {m: {input_per_1m_usd: 1}}}\n", "required field is missing"),
])
def test_bad_prices_are_one_line_input_errors(tmp_path, yaml_text, message):
    with pytest.raises(HarnessInputError) as info:
        load_suite(write_suite(tmp_path, [weather_case()], extra_yaml=yaml_text))
    assert message in str(info.value) and "prices" in str(info.value)
