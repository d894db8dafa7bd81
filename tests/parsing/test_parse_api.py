"""The public contract: FORMATS, pinned formats, unknown formats, and input types."""
from __future__ import annotations

import pytest

from harness.cases import ToolCall
from harness.parsing import FORMATS, ParseError, parse_tool_calls

HERMES = '<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>'
MISTRAL = '[TOOL_CALLS] [{"name": "f", "arguments": {"a": 1}}]'
PYTHON_TAG = '<|python_tag|>{"name": "f", "parameters": {"a": 1}}'
JSON = '{"name": "f", "arguments": {"a": 1}}'
PYTHONIC = "[f(a=1)]"
CALL = [ToolCall("f", {"a": 1})]


def test_formats_are_the_documented_names():
    assert FORMATS == ("auto", "hermes", "json", "openai", "pythonic", "mistral", "python_tag")


def test_parse_error_is_a_value_error():
    assert issubclass(ParseError, ValueError)


@pytest.mark.parametrize("format, output", [
    ("hermes", HERMES), ("mistral", MISTRAL), ("python_tag", PYTHON_TAG), ("json", JSON),
    ("openai", JSON), ("pythonic", PYTHONIC),
])
def test_each_format_reads_its_own_syntax(format, output):
    assert parse_tool_calls(output, format=format) == CALL
    assert parse_tool_calls(output, format="auto") == CALL


@pytest.mark.parametrize("format, output", [
    ("hermes", PYTHONIC), ("hermes", MISTRAL), ("mistral", HERMES), ("python_tag", JSON),
    ("pythonic", JSON), ("json", PYTHONIC), ("openai", PYTHONIC),
])
def test_pinned_format_ignores_other_syntaxes(format, output):
    """A pinned format that does not match is no call ([]), not an error."""
    assert parse_tool_calls(output, format=format) == []


def test_pinned_format_still_raises_on_its_own_malformed_syntax():
    with pytest.raises(ParseError):
        parse_tool_calls("<tool_call>{", format="hermes")


def test_openai_format_reads_tool_calls_as_json_text():
    output = '{"role": "assistant", "content": null, "tool_calls": [{"type": "function", ' \
             '"function": {"name": "f", "arguments": "{\\"a\\": 1}"}}]}'
    assert parse_tool_calls(output, format="openai") == CALL


def test_earliest_marker_decides_the_format():
    output = 'Plan: <tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call> (no [TOOL_CALLS] here)'
    assert parse_tool_calls(output) == CALL


def test_unknown_format_raises_parse_error():
    with pytest.raises(ParseError):
        parse_tool_calls(JSON, format="xml")


@pytest.mark.parametrize("output", [None, 42, b"[f(a=1)]", ["[f(a=1)]"]])
def test_non_text_output_raises_parse_error(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_message_with_pinned_format_reads_content_in_that_format():
    message = {"role": "assistant", "content": HERMES}
    assert parse_tool_calls(message, format="hermes") == CALL
    assert parse_tool_calls(message, format="pythonic") == []


def test_arguments_are_plain_dicts_and_lists():
    (call,) = parse_tool_calls("[f(a=(1, (2, 3)), b={'c': {4}})]")
    assert type(call.arguments) is dict
    assert call.arguments == {"a": [1, [2, 3]], "b": {"c": [4]}}
    assert type(call.arguments["a"][1]) is list
