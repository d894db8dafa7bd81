"""OpenAI assistant message dicts: native `tool_calls` first, else `content` as text."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall


def _message(*calls, content=None) -> dict:
    return {"role": "assistant", "content": content,
            "tool_calls": [{"id": f"call_{i}", "type": "function", "function": fn} for i, fn in enumerate(calls)]}


@pytest.mark.parametrize("message, expected", [
    (_message({"name": "get_weather", "arguments": '{"city": "Paris"}'}), [ToolCall("get_weather", {"city": "Paris"})]),
    (_message({"name": "f", "arguments": {"a": [1, 2]}}, {"name": "g", "arguments": "{}"}),
     [ToolCall("f", {"a": [1, 2]}), ToolCall("g", {})]),
    (_message({"name": "f", "arguments": ""}), [ToolCall("f", {})]),
    (_message({"name": "f", "arguments": {"t": (1, 2)}}), [ToolCall("f", {"t": [1, 2]})]),
    ({"role": "assistant", "content": "No tool needed: it is 4."}, []),
    ({"role": "assistant", "content": None, "tool_calls": []}, []),
    ({"role": "assistant", "tool_calls": None,
      "content": '<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>'}, [ToolCall("f", {"a": 1})]),
    ({"role": "assistant", "content": [{"type": "text", "text": "[f(a=1)]"}]}, [ToolCall("f", {"a": 1})]),
    ({"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": '{"a": 1}'}},
     [ToolCall("f", {"a": 1})]),
])
def test_message_calls(message, expected):
    assert parse_tool_calls(message) == expected
    assert parse_tool_calls(message, decoder="openai") == expected


@pytest.mark.parametrize("message", [
    _message({"name": "f", "arguments": "{broken"}),
    _message({"name": "f", "arguments": "[1]"}),
    _message({"arguments": "{}"}),
    {"role": "assistant", "tool_calls": "f(a=1)"},
    {"role": "assistant", "tool_calls": [42]},
    {"role": "assistant", "content": 42},
    _message({"name": "f", "arguments": {"a": object()}}),
    _message({"name": "f", "arguments": {1: "x"}}),
])
def test_malformed_message_raises(message):
    with pytest.raises(ParseError):
        parse_tool_calls(message)


def test_self_referencing_arguments_hit_the_depth_bound():
    arguments: dict = {}
    arguments["self"] = arguments
    with pytest.raises(ParseError):
        parse_tool_calls(_message({"name": "f", "arguments": arguments}))


def test_returned_arguments_are_plain_copies():
    source = {"a": [1, 2]}
    (call,) = parse_tool_calls(_message({"name": "f", "arguments": source}))
    assert type(call.arguments) is dict and call.arguments == source
    call.arguments["a"].append(3)
    assert source == {"a": [1, 2]}
