"""Bare JSON calls in free text: objects, lists, OpenAI shapes, `tool_calls` wrappers."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall


@pytest.mark.parametrize("output, expected", [
    ('{"name": "get_weather", "arguments": {"city": "Paris"}}', [ToolCall("get_weather", {"city": "Paris"})]),
    ('Sure! Here is the call: {"name": "f", "parameters": {"a": [1, {"b": null}]}} Hope that helps.',
     [ToolCall("f", {"a": [1, {"b": None}]})]),
    ('[{"name": "f", "arguments": {"a": 1}}, {"name": "g", "arguments": {"b": true}}]',
     [ToolCall("f", {"a": 1}), ToolCall("g", {"b": True})]),
    ('{"tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{\\"x\\": 1.5}"}}]}',
     [ToolCall("f", {"x": 1.5})]),
    ('{"function": {"name": "f", "arguments": {"s": "a } tricky ] string"}}}',
     [ToolCall("f", {"s": "a } tricky ] string"})]),
    # one object per line, as some models write parallel calls
    ('{"name": "f", "arguments": {}}\n{"name": "g", "arguments": {"q": "x"}}',
     [ToolCall("f", {}), ToolCall("g", {"q": "x"})]),
    # a stray bracket in prose does not hide a later call
    ('Options [a) and b): {"name": "f", "arguments": {"a": 1}}', [ToolCall("f", {"a": 1})]),
    # Python-dict repr in free text
    ("{'name': 'f', 'arguments': {'a': (1, 2), 'b': False}}", [ToolCall("f", {"a": [1, 2], "b": False})]),
    # the legacy OpenAI wrapper
    ('{"function_call": {"name": "f", "arguments": "{\\"a\\": 1}"}}', [ToolCall("f", {"a": 1})]),
    # empty stringified arguments mean no arguments
    ('{"name": "f", "arguments": ""}', [ToolCall("f", {})]),
])
def test_json_calls(output, expected):
    assert parse_tool_calls(output) == expected
    assert parse_tool_calls(output, decoder="json") == expected


@pytest.mark.parametrize("output", [
    'I will answer directly. {"answer": 42}',     # JSON that is not a call
    '{"name": "Bob", "age": 31}',                  # data with a `name` key
    "[1, 2, 3] and a [markdown](link)",
    '{"type": "function", "function": {"name": "f", "description": "d", "parameters": {}}}',  # tool definition
    "[]",
])
def test_json_that_is_not_a_call(output):
    assert parse_tool_calls(output) == []


@pytest.mark.parametrize("output", [
    '{"name": "f", "arguments": {"a": 1}',                                  # unterminated
    '{"name": "f", "arguments": {"a": 1} "oops"}',                          # broken inside
    '[{"name": "f", "arguments": {}}, {"name": "g", "arguments": {',        # truncated list
    '[{"name": "f", "arguments": {}}, {"name": "g", "arguments": {}}',      # unclosed list
    '[{"name": "f", "arguments": {}}, 7]',                                  # mixed list
    '{"name": "f", "arguments": "[1, 2]"}',                                 # stringified non-object
    '{"name": "", "arguments": {}}',                                        # empty name
])
def test_malformed_json_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)
