"""Hermes/Qwen `<tool_call>` blocks: JSON or Python-dict bodies, several blocks, missing end tag."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall


@pytest.mark.parametrize("output, expected", [
    ('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call>',
     [ToolCall("get_weather", {"city": "Paris", "unit": "celsius"})]),
    # Python-dict repr body: single quotes, True/None
    ("<tool_call>{'name': 'set_alarm', 'arguments': {'hour': 7, 'repeat': True, 'label': None}}</tool_call>",
     [ToolCall("set_alarm", {"hour": 7, "repeat": True, "label": None})]),
    # stringified arguments
    ('<tool_call>{"name": "f", "arguments": "{\\"a\\": [1, 2], \\"b\\": \\"x\\"}"}</tool_call>',
     [ToolCall("f", {"a": [1, 2], "b": "x"})]),
    # `parameters` as a synonym
    ('<tool_call>{"name": "f", "parameters": {"q": "tea"}}</tool_call>', [ToolCall("f", {"q": "tea"})]),
    # text before, between and after; two calls in order
    ('Let me check both.\n<tool_call>{"name": "a", "arguments": {"x": 1}}</tool_call>\nand\n'
     '<tool_call>{"name": "b", "arguments": {"y": -2.5}}</tool_call> Done.',
     [ToolCall("a", {"x": 1}), ToolCall("b", {"y": -2.5})]),
    # missing closing tag at the end of the output, complete body (+ a stray end-of-turn token)
    ('<tool_call>{"name": "f", "arguments": {"a": 1}}<|im_end|>', [ToolCall("f", {"a": 1})]),
    ('<tool_call>{"name": "f", "arguments": {"a": 1}}', [ToolCall("f", {"a": 1})]),
    # a call to a function without parameters
    ('<tool_call>{"name": "get_time"}</tool_call>', [ToolCall("get_time", {})]),
    # a fence inside the tag
    ('<tool_call>\n```json\n{"name": "f", "arguments": {}}\n```\n</tool_call>', [ToolCall("f", {})]),
    # a list of calls inside one tag
    ('<tool_call>[{"name": "f", "arguments": {}}, {"name": "g", "arguments": {"k": "v"}}]</tool_call>',
     [ToolCall("f", {}), ToolCall("g", {"k": "v"})]),
    # OpenAI-shaped entry inside the tag
    ('<tool_call>{"type": "function", "function": {"name": "f", "arguments": "{\\"a\\": 1}"}}</tool_call>',
     [ToolCall("f", {"a": 1})]),
    # unclosed first tag followed by a second block
    ('<tool_call>{"name": "f", "arguments": {}}\n<tool_call>{"name": "g", "arguments": {}}</tool_call>',
     [ToolCall("f", {}), ToolCall("g", {})]),
])
def test_hermes_calls(output, expected):
    assert parse_tool_calls(output) == expected
    assert parse_tool_calls(output, decoder="hermes") == expected


@pytest.mark.parametrize("output", [
    '<tool_call>{"name": "f", "arguments": {',                         # unterminated
    '<tool_call>{"name": "f", "arguments": {"a": 1}</tool_call>',      # missing brace
    "<tool_call></tool_call>",                                         # empty
    "<tool_call>I will call the weather tool</tool_call>",             # prose
    '<tool_call>{"city": "Paris"}</tool_call>',                        # no name
    '<tool_call>{"name": 3, "arguments": {}}</tool_call>',             # name not a string
    '<tool_call>{"name": "f", "arguments": [1, 2]}</tool_call>',       # arguments not an object
    '<tool_call>{"name": "f", "arguments": "{not json"}</tool_call>',  # stringified, broken
    '<tool_call>{"name": "f", "city": "Paris"}</tool_call>',           # arguments inline, no key
    "<tool_call>{'name': 'f', 'arguments': {'a': open('x')}}</tool_call>",  # non-literal value
])
def test_malformed_hermes_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_name_is_inert_data():
    output = '<tool_call>{"name": "__import__(\'os\').system(\'x\')", "arguments": {}}</tool_call>'
    assert parse_tool_calls(output) == [ToolCall("__import__('os').system('x')", {})]
