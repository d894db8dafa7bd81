"""Llama 3.1 `<|python_tag|>`: JSON calls separated by `;`, or a built-in pythonic call."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall


@pytest.mark.parametrize("output, expected", [
    ('<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}<|eom_id|>',
     [ToolCall("get_weather", {"city": "Paris"})]),
    ('<|python_tag|>{"name": "f", "parameters": {"a": 1}}; {"name": "g", "parameters": {}}<|eot_id|>',
     [ToolCall("f", {"a": 1}), ToolCall("g", {})]),
    ('<|python_tag|>{"type": "function", "name": "f", "parameters": {"x": [1.5]}}',
     [ToolCall("f", {"x": [1.5]})]),
    ('<|python_tag|>brave_search.call(query="weather in Paris")<|eom_id|>',
     [ToolCall("brave_search.call", {"query": "weather in Paris"})]),
    ('Let me look. <|python_tag|>[f(a=1), g(b="x")]', [ToolCall("f", {"a": 1}), ToolCall("g", {"b": "x"})]),
    ("<|python_tag|>{'name': 'f', 'parameters': {'ok': True}}", [ToolCall("f", {"ok": True})]),
])
def test_python_tag_calls(output, expected):
    assert parse_tool_calls(output) == expected
    assert parse_tool_calls(output, decoder="python_tag") == expected


@pytest.mark.parametrize("output", [
    "<|python_tag|>",
    "<|python_tag|><|eom_id|>",
    '<|python_tag|>{"name": "f", "parameters": {',
    '<|python_tag|>{"name": "f", "parameters": {}} trailing words',
    "<|python_tag|>import os\nos.system('x')",
    '<|python_tag|>{"parameters": {}}',
])
def test_malformed_python_tag_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)
