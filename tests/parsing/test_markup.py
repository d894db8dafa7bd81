"""Markdown fences and `<think>` reasoning around calls; plain text is no call."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall

FENCE = "```"


@pytest.mark.parametrize("output, expected", [
    (f'{FENCE}json\n{{"name": "f", "arguments": {{"a": 1}}}}\n{FENCE}', [ToolCall("f", {"a": 1})]),
    (f"Here you go:\n{FENCE}python\nget_weather(city='Paris')\n{FENCE}\nAnything else?",
     [ToolCall("get_weather", {"city": "Paris"})]),
    (f"{FENCE}\n[f(a=1), g(b=2)]\n{FENCE}", [ToolCall("f", {"a": 1}), ToolCall("g", {"b": 2})]),
    (f"{FENCE}tool_code\nf(a=1)\n{FENCE}", [ToolCall("f", {"a": 1})]),
    (f'{FENCE}{{"name": "f", "arguments": {{}}}}{FENCE}', [ToolCall("f", {})]),
    (f'{FENCE}json\n<tool_call>{{"name": "f", "arguments": {{}}}}</tool_call>\n{FENCE}', [ToolCall("f", {})]),
    (f'{FENCE}\n[TOOL_CALLS] [{{"name": "f", "arguments": {{}}}}]\n{FENCE}', [ToolCall("f", {})]),
    (f"Code sample:\n{FENCE}bash\nls -la\n{FENCE}", []),
    (f'{FENCE}json\n{{"name": "f", "arguments": {{"a": 1}}}}', [ToolCall("f", {"a": 1})]),  # unterminated fence
])
def test_fenced_calls(output, expected):
    assert parse_tool_calls(output) == expected


@pytest.mark.parametrize("output", [
    f'{FENCE}json\n{{"name": "f", "arguments": {{"a": 1}}\n{FENCE}',
    f"{FENCE}python\nf(a=1\n{FENCE}",
    f'{FENCE}json\n{{"name": "f", "arguments": {{"a": tru}}}}\n{FENCE}',
])
def test_broken_fenced_call_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


@pytest.mark.parametrize("output, expected", [
    ('<think>Maybe {"name": "wrong", "arguments": {}}?</think>\n<tool_call>{"name": "f", "arguments": {}}</tool_call>',
     [ToolCall("f", {})]),
    ("<think>The user wants weather.</think>[get_weather(city='Paris')]", [ToolCall("get_weather", {"city": "Paris"})]),
    ("<think>a</think> text <think>b [f(a=</think> [f(a=2)]", [ToolCall("f", {"a": 2})]),
    # reasoning opened by the chat template: only its end tag is in the output
    ("the user wants f <tool_call>\n</think>\n\n[f(a=1)]", [ToolCall("f", {"a": 1})]),
    # unterminated reasoning: everything is reasoning, so no call
    ('<think>I should call <tool_call>{"name": "f", "arguments": {}}</tool_call> maybe', []),
    ("Answer first. <think>then f(a=", []),
    ("<think></think>Paris is sunny today.", []),
])
def test_reasoning_is_ignored(output, expected):
    assert parse_tool_calls(output) == expected


@pytest.mark.parametrize("output", [
    "",
    "   \n ",
    "The capital of France is Paris.",
    "I can't help with that (sorry!). Try again [later].",
    "Use {curly} braces and [square] ones; emails like a@b.c; 3 < 4 > 2.",
    'She said "hello" and left.',
])
def test_plain_text_is_no_call(output):
    assert parse_tool_calls(output) == []
