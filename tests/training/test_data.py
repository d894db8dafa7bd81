"""Training data importers: suite JSONL, Hermes ShareGPT and xLAM into rendered chats; errors name file, line, field."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.backends.prompt_format import text_chat
from harness.errors import HarnessInputError
from harness.parsing import parse_tool_calls
from harness.suite.load import load_suite
from harness.training.data import examples_sha256, load_training_examples, training_dataset
from tests.training.synthetic import TOOLS, synthetic_records, tool_library, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
TOOLSHOP_TINY = ROOT / "suites" / "toolshop" / "suite.tiny.yaml"

HERMES_SYSTEM = (
    "You are a function calling AI model. You are provided with function signatures within <tools> </tools> XML "
    "tags. Here are the available tools: <tools> [{'type': 'function', 'function': {'name': 'get_stock_price', "
    "'description': 'Price of a stock.', 'parameters': {'type': 'object', 'properties': {'symbol': "
    "{'type': 'string'}}, 'required': ['symbol']}}}] </tools> For each call return <tool_call></tool_call>.")
HERMES = {"conversations": [
    {"from": "system", "value": HERMES_SYSTEM},
    {"from": "human", "value": "What's Tesla trading at?"},
    {"from": "gpt", "value": "<tool_call>\n{'arguments': {'symbol': 'TSLA'}, 'name': 'get_stock_price'}\n</tool_call>\n"},
    {"from": "tool", "value": "<tool_response>\n{'name': 'get_stock_price', 'content': 251.3}\n</tool_response>"},
    {"from": "gpt", "value": "Tesla trades at 251.3 USD."},
]}
XLAM = {"id": 7, "query": "Weather in Oslo in fahrenheit, and 5 EUR in USD?",
        "tools": json.dumps([
            {"name": "get_weather", "description": "Weather now.",
             "parameters": {"city": {"description": "City", "type": "str"},
                            "unit": {"description": "Unit", "type": "str, optional", "default": "celsius"}}},
            {"name": "convert_currency", "description": "Convert money.",
             "parameters": {"amount": {"type": "float"}, "from": {"type": "str"}, "to": {"type": "str"}}}]),
        "answers": json.dumps([{"name": "get_weather", "arguments": {"city": "Oslo", "unit": "fahrenheit"}},
                               {"name": "convert_currency", "arguments": {"amount": 5, "from": "EUR", "to": "USD"}}])}


def _write(tmp_path: Path, *records, name: str = "train.jsonl") -> Path:
    return write_jsonl(tmp_path / name, list(records))


def test_suite_train_split_renders_exactly_as_inference_prompts():
    suite = load_suite(TOOLSHOP_TINY)
    examples = suite.train_examples
    assert len(examples) == 300
    raw = json.loads((TOOLSHOP_TINY.parent / "data" / "train.tiny.jsonl").read_text().splitlines()[1])
    tools = [suite.tool_library[name] for name in raw["tools"]]
    assert list(examples[1].messages) == text_chat(raw["messages"], tools)
    calls = parse_tool_calls(examples[1].answer)
    assert [c.to_json() for c in calls] == [c["function"] for c in raw["messages"][1]["tool_calls"]]
    assert examples[1].tools == tuple(tools) and examples[1].source.endswith("train.tiny.jsonl:2")


def test_suite_format_takes_inline_tool_definitions(tmp_path):
    record = {"messages": [{"role": "user", "content": "Weather in Lima?"},
                           {"role": "assistant", "tool_calls": [{"name": "get_weather",
                                                                  "arguments": '{"city": "Lima"}'}]}],
              "tools": [TOOLS[0]]}
    (example,) = load_training_examples(_write(tmp_path, record))
    assert [m["role"] for m in example.messages] == ["system", "user", "assistant"]
    assert "get_weather(city: string, unit?:" in example.messages[0]["content"]
    assert example.answer == '<tool_call>{"name": "get_weather", "arguments": {"city": "Lima"}}</tool_call>'


def test_hermes_sharegpt_uses_the_tools_block_and_replaces_hermes_instructions(tmp_path):
    (example,) = load_training_examples(_write(tmp_path, HERMES))
    system, user, call, response, answer = example.messages
    assert system["role"] == "system" and "get_stock_price(symbol: string) - Price of a stock." in system["content"]
    assert "pydantic" not in system["content"] and "You are a function calling" not in system["content"]
    assert user == {"role": "user", "content": "What's Tesla trading at?"}
    assert call["content"] == '<tool_call>{"name": "get_stock_price", "arguments": {"symbol": "TSLA"}}</tool_call>'
    assert response["role"] == "user" and response["content"].startswith("<tool_response>{'name'")
    assert answer == {"role": "assistant", "content": "Tesla trades at 251.3 USD."}


def test_sharegpt_tools_field_as_json_string(tmp_path):
    record = {"conversations": [{"from": "human", "value": "Rate EUR/USD?"},
                                {"from": "gpt", "value": '<tool_call>{"name": "get_exchange_rate", "arguments": '
                                                         '{"base": "EUR", "quote": "USD"}}</tool_call>'}],
              "tools": json.dumps([TOOLS[2]])}
    (example,) = load_training_examples(_write(tmp_path, record), format="sharegpt")
    assert example.tools[0].name == "get_exchange_rate"
    assert parse_tool_calls(example.answer)[0].arguments == {"base": "EUR", "quote": "USD"}


def test_xlam_tools_and_answers_as_json_strings(tmp_path):
    (example,) = load_training_examples(_write(tmp_path, XLAM))
    weather = example.tools[0]
    assert weather.parameters["required"] == ["city"]
    assert weather.parameters["properties"]["unit"]["type"] == "string"
    assert example.tools[1].parameters["properties"]["amount"]["type"] == "number"
    assert [c.name for c in parse_tool_calls(example.answer)] == ["get_weather", "convert_currency"]


def test_json_array_files_are_read_and_errors_name_the_entry(tmp_path):
    path = tmp_path / "xlam.json"
    path.write_text(json.dumps([XLAM, {**XLAM, "answers": "[{\"name\": \"get_weather\", \"arguments\": 3}]"}]))
    with pytest.raises(HarnessInputError, match=r"xlam\.json: field '\[1\]\.answers\[0\]\.arguments'"):
        load_training_examples(path)
    path.write_text(json.dumps([XLAM, XLAM]))
    assert len(load_training_examples(path)) == 2


@pytest.mark.parametrize("records, where", [
    ([{"messages": []}], "train.jsonl:1: field 'messages'"),
    ([HERMES, {"messages": [{"role": "user", "content": "x"}, {"role": "assistant"}]}],
     "train.jsonl:2: field 'conversations'"),  # the first record fixes the file's format
    ([{"messages": [{"role": "user", "content": "hi"},
                    {"role": "assistant", "tool_calls": [{"function": {"name": "get_weather", "arguments": "{bad"}}]}],
      "tools": [TOOLS[0]]}], "train.jsonl:1: field 'messages[1].tool_calls[0].function.arguments'"),
    ([{"messages": [{"role": "user", "content": "hi"},
                    {"role": "assistant", "tool_calls": [{"name": "send_email", "arguments": {}}]}],
      "tools": [TOOLS[0]]}], "field 'messages[1].tool_calls[0].name': calls tool 'send_email'"),
    ([{"messages": [{"role": "user", "content": "hi"}], "tools": []}], "field 'messages[0].role'"),
    ([{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
       "tools": ["no_such_tool"]}], "field 'tools[0]': unknown tool 'no_such_tool'"),
    ([{"conversations": [{"from": "narrator", "value": "x"}]}], "field 'conversations[0].from'"),
    ([{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "<tool_call>{nope</tool_call>"}]}],
     "field 'conversations[1].value': unreadable <tool_call>"),
    ([{**XLAM, "answers": "[]"}], "field 'answers'"),
    ([{**XLAM, "tools": "[{"}], "field 'tools': invalid JSON"),
    ([{"prompt": "x", "completion": "y"}], "train.jsonl:1: field 'messages': cannot tell the training data format"),
])
def test_bad_records_name_file_line_and_field(tmp_path, records, where):
    with pytest.raises(HarnessInputError) as error:
        load_training_examples(_write(tmp_path, *records), tool_library=tool_library())
    assert where in str(error.value) and "\n" not in str(error.value)


def test_missing_empty_and_malformed_files(tmp_path):
    with pytest.raises(HarnessInputError, match="not found"):
        load_training_examples(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(HarnessInputError, match="empty.jsonl: no training examples"):
        load_training_examples(tmp_path / "empty.jsonl")
    (tmp_path / "bad.jsonl").write_text(json.dumps(synthetic_records(1)[0]) + "\n{oops\n")
    with pytest.raises(HarnessInputError, match=r"bad.jsonl:2: invalid JSON"):
        load_training_examples(tmp_path / "bad.jsonl", tool_library=tool_library())
    with pytest.raises(HarnessInputError, match="unknown training data format"):
        load_training_examples(tmp_path / "bad.jsonl", format="alpaca")


def test_a_fine_tune_in_a_suite_without_train_split_is_an_input_error_at_load(tmp_path):
    (tmp_path / "test.jsonl").write_text(json.dumps({"id": "a", "category": "simple", "question": "hi",
                                                     "tools": [TOOLS[0]], "expected": [{"get_weather": {"city": ["x"]}}]}))
    (tmp_path / "suite.yaml").write_text("name: s\ndata: {test: test.jsonl}\n"
                                         "candidates:\n  - {name: ft, model: tiny, lora: {max_steps: 2}}\n")
    with pytest.raises(HarnessInputError, match="suite.yaml:2: field 'data.train': ft has a `lora:` block"):
        load_suite(tmp_path / "suite.yaml")
    (tmp_path / "suite.yaml").write_text("name: s\ndata: {test: test.jsonl}\n")
    assert load_suite(tmp_path / "suite.yaml").train_examples == ()


def test_dataset_never_gives_arguments_null_keys_from_other_rows(tmp_path):
    """Regression for the datasets trap: `Dataset.from_list` merges nested dict keys across rows, so each call's
    arguments gained every other tool's argument names set to None, and a model trained on it emits nulls."""
    records = synthetic_records(60, seed=3)
    examples = load_training_examples(_write(tmp_path, *records), tool_library=tool_library())
    dataset = training_dataset(examples)
    assert set(dataset.features) == {"messages"}
    for record, row in zip(records, dataset):
        source = record["messages"][-1]
        calls = parse_tool_calls(row["messages"][-1]["content"])
        assert [c.to_json() for c in calls] == [c["function"] for c in source.get("tool_calls", [])]
        assert "null" not in row["messages"][-1]["content"]
        assert all(set(message) == {"role", "content"} for message in row["messages"])


def test_examples_hash_follows_the_rendered_text(tmp_path):
    first = load_training_examples(_write(tmp_path, *synthetic_records(5)), tool_library=tool_library())
    again = load_training_examples(_write(tmp_path, *synthetic_records(5)), tool_library=tool_library())
    other = load_training_examples(_write(tmp_path, *synthetic_records(5, seed=1)), tool_library=tool_library())
    assert examples_sha256(first) == examples_sha256(again) != examples_sha256(other)
