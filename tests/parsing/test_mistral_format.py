"""Mistral `[TOOL_CALLS]`: the v3 JSON list and the v11 `name[ARGS]{...}` form."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall


@pytest.mark.parametrize("output, expected", [
    ('[TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Paris"}}]',
     [ToolCall("get_weather", {"city": "Paris"})]),
    ('[TOOL_CALLS][{"name": "f", "arguments": {"a": 1}}, {"name": "g", "arguments": {"b": [true]}}]</s>',
     [ToolCall("f", {"a": 1}), ToolCall("g", {"b": [True]})]),
    ('[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}', [ToolCall("get_weather", {"city": "Paris"})]),
    ('[TOOL_CALLS]f[ARGS]{"a": 1}[TOOL_CALLS]g[ARGS]{"b": "x"}',
     [ToolCall("f", {"a": 1}), ToolCall("g", {"b": "x"})]),
    ('Checking. [TOOL_CALLS]f[CALL_ID]a1b2c3d4e[ARGS]{"a": 1}</s>', [ToolCall("f", {"a": 1})]),
    ('[TOOL_CALLS]f[ARGS]{}g[ARGS]{"k": null}', [ToolCall("f", {}), ToolCall("g", {"k": None})]),
    ('[TOOL_CALLS] {"name": "f", "arguments": "{\\"a\\": 2}"}', [ToolCall("f", {"a": 2})]),
])
def test_mistral_calls(output, expected):
    assert parse_tool_calls(output) == expected
    assert parse_tool_calls(output, decoder="mistral") == expected


@pytest.mark.parametrize("output", [
    "[TOOL_CALLS] garbage here",
    "[TOOL_CALLS]",
    '[TOOL_CALLS] [{"name": "f", "arguments": {"a": 1}',
    '[TOOL_CALLS] [1, 2, 3]',
    '[TOOL_CALLS]f[ARGS]{"a": ',
    '[TOOL_CALLS]f[ARGS]not json',
    '[TOOL_CALLS]bad name![ARGS]{}',
    '[TOOL_CALLS]f[ARGS][1, 2]',
])
def test_malformed_mistral_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)
