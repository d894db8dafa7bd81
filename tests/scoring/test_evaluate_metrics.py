"""The harness's `evaluate` modules: they load offline by path and compute known numbers on hand-made cases."""
from __future__ import annotations

import json
import os
from pathlib import Path

# Before evaluate / huggingface_hub read them: a hub lookup would spend ~23 s in retries offline.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import evaluate  # noqa: E402
import pytest  # noqa: E402

from harness.errors import HarnessInputError  # noqa: E402
from harness.integrations.evaluate import (  # noqa: E402
    METRIC_NAMES,
    aggregates,
    case_from_json,
    load_metric,
    metric_path,
)

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    }, "required": ["city"]}}}
TIME = {"type": "function", "function": {
    "name": "get_time", "description": "Current time in a time zone.",
    "parameters": {"type": "object", "properties": {"timezone": {"type": "string"}}, "required": ["timezone"]}}}


def reference(case_id: str, category: str, tools: list, expected: list) -> str:
    return json.dumps({"id": case_id, "category": category, "tools": tools, "expected": expected,
                       "messages": [{"role": "user", "content": f"question {case_id}"}]})


def weather(city: str) -> dict:
    return {"get_weather": {"city": [city], "unit": ["celsius", ""]}}


def tool_call(name: str, **arguments) -> str:
    return "<tool_call>" + json.dumps({"name": name, "arguments": arguments}) + "</tool_call>"


# Six cases, each exercising one outcome. Per case: accuracy pass? schema-valid (valid/total calls)?
# relevance cell; call counts (tp, predicted, gold); argument counts (tp, predicted, gold).
REFERENCES = [
    # right call, optional unit omitted: pass; valid 1/1; TP; calls (1,1,1); args (1,1,1)
    reference("right", "simple", [WEATHER], [weather("Paris")]),
    # one of two parallel calls has unit "kelvin": fail; invalid 1/2; TP; calls (1,2,2);
    # args: city, city right, unit wrong (supplied omittable joins gold) -> (2,3,3)
    reference("parallel", "parallel", [WEATHER], [weather("Paris"), weather("Rome")]),
    # a valid call of the wrong tool: fail; valid 1/1; TP; calls (0,1,1); args (0,1,1)
    reference("wrong_tool", "multiple", [WEATHER, TIME], [{"get_time": {"timezone": ["Europe/Paris"]}}]),
    # plain text where no call is needed: pass; valid 0/0; TN; calls (0,0,0); args (0,0,0)
    reference("no_call", "irrelevance", [WEATHER], []),
    # a malformed call attempt: fail; invalid 0/0; FN; calls (0,0,1); args (0,0,1)
    reference("malformed", "simple", [WEATHER], [weather("Oslo")]),
    # two calls where none is needed: fail; valid 2/2; FP; calls (0,2,0); args (0,2,0)
    reference("needless", "irrelevance", [TIME], []),
]
PREDICTIONS = [
    tool_call("get_weather", city="Paris"),
    tool_call("get_weather", city="Paris") + "\n" + tool_call("get_weather", city="Rome", unit="kelvin"),
    tool_call("get_weather", city="Paris"),
    "I cannot help with that: none of my tools fits.",
    '<tool_call>{"name": "get_weather", "arguments": {"city": </tool_call>',
    tool_call("get_time", timezone="UTC") + tool_call("get_time", timezone="UTC"),
]


@pytest.fixture(scope="module")
def metrics() -> dict[str, evaluate.EvaluationModule]:
    return {name: evaluate.load(metric_path(name), keep_in_memory=True) for name in METRIC_NAMES}


def test_each_metric_is_a_directory_with_a_script_of_its_name():
    for name in METRIC_NAMES:
        directory = Path(metric_path(name))
        assert (directory / f"{name}.py").is_file()
        assert (directory / "__init__.py").is_file()  # a package, so the script ships in wheels
    with pytest.raises(ValueError, match="unknown metric 'glue'"):
        metric_path("glue")


def test_modules_load_offline_as_metrics(metrics):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    for name, metric in metrics.items():
        assert isinstance(metric, evaluate.Metric), name
        assert metric.features["predictions"].dtype == "string"
        assert metric.features["references"].dtype == "string"
        assert metric.description.strip() and metric.inputs_description.strip()


def test_tool_call_accuracy(metrics):
    result = metrics["tool_call_accuracy"].compute(predictions=PREDICTIONS, references=REFERENCES)
    assert result == {"tool_call_accuracy": pytest.approx(2 / 6)}


def test_schema_validity(metrics):
    result = metrics["schema_validity"].compute(predictions=PREDICTIONS, references=REFERENCES)
    assert result == {"schema_validity": pytest.approx(4 / 6), "schema_validity_per_call": pytest.approx(5 / 6)}


def test_relevance_f1_has_glue_mrpc_keys(metrics):
    result = metrics["relevance_f1"].compute(predictions=PREDICTIONS, references=REFERENCES)
    # TP 3, FP 1, FN 1, TN 1
    assert result == {"accuracy": pytest.approx(4 / 6), "f1": pytest.approx(6 / 8)}


def test_call_f1(metrics):
    result = metrics["call_f1"].compute(predictions=PREDICTIONS, references=REFERENCES)
    # calls: tp 2, predicted 6, gold 5; arguments: tp 3, predicted 7, gold 6
    assert result == {
        "call_precision": pytest.approx(2 / 6), "call_recall": pytest.approx(2 / 5),
        "call_f1": pytest.approx(4 / 11),
        "argument_precision": pytest.approx(3 / 7), "argument_recall": pytest.approx(3 / 6),
        "argument_f1": pytest.approx(6 / 13),
    }


def test_mode_reaches_the_scorer(metrics):
    # BFCL passes an irrelevance case whose output does not parse; strict does not.
    references = [reference("no_call", "irrelevance", [WEATHER], [])]
    predictions = [PREDICTIONS[4]]
    accuracy = metrics["tool_call_accuracy"]
    assert accuracy.compute(predictions=predictions, references=references) == {"tool_call_accuracy": 0.0}
    assert accuracy.compute(predictions=predictions, references=references, mode="bfcl") == {"tool_call_accuracy": 1.0}
    assert metrics["call_f1"].compute(predictions=predictions, references=references, mode="bfcl")["call_f1"] == 1.0


def test_batches_add_up_like_one_call(metrics):
    metric = metrics["relevance_f1"]
    for start in range(0, len(PREDICTIONS), 4):
        metric.add_batch(predictions=PREDICTIONS[start:start + 4], references=REFERENCES[start:start + 4])
    assert metric.compute() == metric.compute(predictions=PREDICTIONS, references=REFERENCES)


def test_load_metric_helper():
    metric = load_metric("schema_validity", keep_in_memory=True)
    assert metric.compute(predictions=PREDICTIONS[:1], references=REFERENCES[:1]) == {
        "schema_validity": 1.0, "schema_validity_per_call": 1.0}


def test_case_from_json_round_trips_case_to_json():
    case = case_from_json(REFERENCES[1])
    assert (case.id, case.category, [call.name for call in case.expected]) == ("parallel", "parallel",
                                                                               ["get_weather", "get_weather"])
    assert case.tool("get_weather").required == ("city",)
    assert case_from_json(json.dumps(case.to_json())) == case
    assert case_from_json(case.to_json()) == case


@pytest.mark.parametrize("bad, message", [
    ("{not json", "references[3]: invalid JSON"),
    ("[1, 2]", "references[3]: a reference must be a JSON object, got list"),
    (json.dumps({"id": "x", "category": "simple", "tools": [], "expected": []}), "references[3]: field 'messages'"),
])
def test_bad_reference_is_a_one_line_input_error(bad, message):
    with pytest.raises(HarnessInputError) as caught:
        case_from_json(bad, index=3)
    assert str(caught.value).startswith(message)


def test_predictions_and_references_must_pair_up():
    with pytest.raises(ValueError, match="2 predictions for 1 references"):
        aggregates(PREDICTIONS[:2], REFERENCES[:1])
