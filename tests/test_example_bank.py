"""Example bank loading: valid lines normalise to OpenAI-style chats; a bad line names file, line and field."""
import json

import pytest

from harness.errors import HarnessInputError
from harness.suite.example_bank import load_example_bank, request_key
from harness.suite.tools import parse_tool
from tests.suite_files import WEATHER_TOOL, bank_example, small_example_bank, small_tool_library, write_jsonl


@pytest.fixture
def library():
    return {tool.name: tool for tool in map(parse_tool, small_tool_library())}


def load(tmp_path, rows, library):
    return load_example_bank(write_jsonl(tmp_path / "examples.jsonl", rows), library)


def error_for(tmp_path, rows, library) -> str:
    with pytest.raises(HarnessInputError) as caught:
        load(tmp_path, rows, library)
    return str(caught.value)


def test_loads_names_from_the_library_and_inline_definitions(tmp_path, library):
    inline = bank_example("Weather in Oslo?", "get_weather", {"city": "Oslo"}, tools=[WEATHER_TOOL])
    bank = load(tmp_path, [*small_example_bank(), inline], library)
    assert len(bank) == 7
    assert bank[0].user_text == "Weather in Rome?"
    assert bank[0].messages[-1] == {"role": "assistant", "content": None, "tool_calls": [
        {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Rome"}}}]}
    assert "tool_calls" not in bank[4].messages[-1] and bank[4].messages[-1] == {"role": "assistant", "content": "Paris."}
    assert [tool.name for tool in bank[6].tools] == ["get_weather"] and bank[6].line == 7


def test_arguments_given_as_a_json_string_become_an_object(tmp_path, library):
    row = bank_example("Weather in Rome?", "get_weather")
    row["messages"][1]["tool_calls"][0]["function"]["arguments"] = json.dumps({"city": "Rome"})
    (example,) = load(tmp_path, [row], library)
    assert example.messages[-1]["tool_calls"][0]["function"]["arguments"] == {"city": "Rome"}


def test_blank_lines_are_skipped_and_line_numbers_kept(tmp_path, library):
    bank = load(tmp_path, ["", bank_example("Weather in Rome?", "get_weather", {"city": "Rome"})], library)
    assert bank[0].line == 2


@pytest.mark.parametrize("mutate, where", [
    (lambda row: row.update(tools=["get_wether"]), "field 'tools[0]': unknown tool 'get_wether'"),
    (lambda row: row.update(tools="get_weather"), "field 'tools'"),
    (lambda row: row.update(extra=1), "field 'extra': unknown field"),
    (lambda row: row.update(tools=["set_light"]), "field 'messages[1].tool_calls[0].function.name'"),
    (lambda row: row["messages"][1]["tool_calls"][0]["function"].update(arguments={}),
     "field 'messages[1].tool_calls[0].function.arguments': does not fit 'get_weather'"),
    (lambda row: row["messages"][1]["tool_calls"][0]["function"].update(arguments={"city": 3}),
     "field 'messages[1].tool_calls[0].function.arguments.city'"),
    (lambda row: row["messages"][1]["tool_calls"][0]["function"].update(arguments="{city"),
     "field 'messages[1].tool_calls[0].function.arguments': arguments is a string but not JSON"),
    (lambda row: row["messages"][1].update(tool_calls=[{"name": "get_weather"}]), "field 'messages[1].tool_calls[0]'"),
    (lambda row: row["messages"].pop(), "field 'messages'"),
    (lambda row: row["messages"].reverse(), "field 'messages[1].role'"),
    (lambda row: row["messages"][0].update(role="robot"), "field 'messages[0].role'"),
    (lambda row: row["messages"][1].update(tool_calls=[], content=""), "field 'messages[1]'"),
])
def test_a_bad_line_is_one_line_naming_file_line_and_field(tmp_path, library, mutate, where):
    bad = bank_example("Weather in Rome?", "get_weather", {"city": "Rome"})
    mutate(bad)
    message = error_for(tmp_path, [small_example_bank()[1], bad], library)
    assert message.startswith(f"{tmp_path / 'examples.jsonl'}:2: ")
    assert where in message and "\n" not in message


def test_invalid_json_and_empty_file(tmp_path, library):
    assert "examples.jsonl:1: invalid JSON: Expecting value" in error_for(tmp_path, ['{"messages": ['], library)
    assert "no examples: the file is empty" in error_for(tmp_path, [""], library)


def test_request_key_ignores_case_and_whitespace():
    assert request_key("  Weather in\tROME? ") == request_key("weather in rome?")
    assert request_key("Weather in Rome?") != request_key("Weather in Oslo?")
