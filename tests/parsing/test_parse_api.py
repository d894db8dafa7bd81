"""The public contract: decoder names, pinned formats, unknown decoders, and input types."""
from __future__ import annotations

import pytest

from harness.errors import HarnessInputError
from harness.parsing import ParseError, decoder_names, parse_tool_calls
from harness.suite.cases import ToolCall

HERMES = '<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>'
MISTRAL = '[TOOL_CALLS] [{"name": "f", "arguments": {"a": 1}}]'
PYTHON_TAG = '<|python_tag|>{"name": "f", "parameters": {"a": 1}}'
JSON = '{"name": "f", "arguments": {"a": 1}}'
PYTHONIC = "[f(a=1)]"
CALL = [ToolCall("f", {"a": 1})]


LENIENT = ("auto", "hermes", "json", "mistral", "openai", "python_tag", "pythonic")
BFCL_STYLES = ("bfcl_databricks", "bfcl_deepseek", "bfcl_fc", "bfcl_functionary", "bfcl_gemini", "bfcl_gemma", "bfcl_glm",
               "bfcl_gorilla", "bfcl_granite", "bfcl_hermes", "bfcl_llama", "bfcl_mistral", "bfcl_prompt",
               "bfcl_qwen", "bfcl_raven", "bfcl_xlam")


def test_decoders_are_the_documented_names():
    assert decoder_names() == tuple(sorted(LENIENT + BFCL_STYLES))


def test_parse_error_is_a_value_error():
    assert issubclass(ParseError, ValueError)


@pytest.mark.parametrize("format, output", [
    ("hermes", HERMES), ("mistral", MISTRAL), ("python_tag", PYTHON_TAG), ("json", JSON),
    ("openai", JSON), ("pythonic", PYTHONIC),
])
def test_each_format_reads_its_own_syntax(format, output):
    assert parse_tool_calls(output, decoder=format) == CALL
    assert parse_tool_calls(output, decoder="auto") == CALL


@pytest.mark.parametrize("format, output", [
    ("hermes", PYTHONIC), ("hermes", MISTRAL), ("mistral", HERMES), ("python_tag", JSON),
    ("pythonic", JSON), ("json", PYTHONIC), ("openai", PYTHONIC),
])
def test_pinned_format_ignores_other_syntaxes(format, output):
    """A pinned format that does not match is no call ([]), not an error."""
    assert parse_tool_calls(output, decoder=format) == []


def test_pinned_format_still_raises_on_its_own_malformed_syntax():
    with pytest.raises(ParseError):
        parse_tool_calls("<tool_call>{", decoder="hermes")


def test_openai_format_reads_tool_calls_as_json_text():
    output = '{"role": "assistant", "content": null, "tool_calls": [{"type": "function", ' \
             '"function": {"name": "f", "arguments": "{\\"a\\": 1}"}}]}'
    assert parse_tool_calls(output, decoder="openai") == CALL


def test_earliest_marker_decides_the_format():
    output = 'Plan: <tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call> (no [TOOL_CALLS] here)'
    assert parse_tool_calls(output) == CALL


def test_unknown_decoder_is_bad_input_naming_the_known_ones():
    with pytest.raises(HarnessInputError, match="unknown decoder 'xml' .*bfcl_prompt"):
        parse_tool_calls(JSON, decoder="xml")


def test_unknown_mode_raises_parse_error():
    with pytest.raises(ParseError, match="mode"):
        parse_tool_calls(JSON, mode="lenient")


@pytest.mark.parametrize("output", [None, 42, b"[f(a=1)]", [42], [{"f": 1}], [["f"]]])
def test_non_text_output_raises_parse_error(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_message_with_pinned_format_reads_content_in_that_format():
    message = {"role": "assistant", "content": HERMES}
    assert parse_tool_calls(message, decoder="hermes") == CALL
    assert parse_tool_calls(message, decoder="pythonic") == []


def test_pythonic_arguments_keep_tuples_as_bfcl_reads_them():
    """A tuple for an `array` argument fails BFCL's type check, so strict must not turn it into a list."""
    (call,) = parse_tool_calls("[f(a=(1, (2, 3)), b={'c': [4]})]")
    assert type(call.arguments) is dict
    assert call.arguments == {"a": (1, (2, 3)), "b": {"c": [4]}}


def test_json_arguments_are_plain_dicts_and_lists():
    (call,) = parse_tool_calls('{"name": "f", "arguments": {"a": [1, [2, 3]], "b": {"c": [4]}}}')
    assert call.arguments == {"a": [1, [2, 3]], "b": {"c": [4]}} and type(call.arguments["a"][1]) is list


def test_recorded_lists_of_calls_are_read_in_order():
    """BFCL records function-calling answers as [{name: arguments}]; Gemini's mix text parts in."""
    output = [{"f": '{"a": 1}'}, "Also: [g(b=2)]", {"h": {"c": 3}}]
    assert parse_tool_calls(output) == [ToolCall("f", {"a": 1}), ToolCall("g", {"b": 2}), ToolCall("h", {"c": 3})]
