"""Pythonic calls (BFCL / Llama 3.2): keyword arguments with literal values only."""
from __future__ import annotations

import pytest

from harness.cases import ToolCall
from harness.parsing import ParseError, parse_tool_calls


@pytest.mark.parametrize("output, expected", [
    ("[get_weather(city='Paris', unit='celsius')]", [ToolCall("get_weather", {"city": "Paris", "unit": "celsius"})]),
    ("get_weather(city='Paris')", [ToolCall("get_weather", {"city": "Paris"})]),
    ("[f(a=1), pkg.mod.g(b='x', c=[1, 2])]", [ToolCall("f", {"a": 1}), ToolCall("pkg.mod.g", {"b": "x", "c": [1, 2]})]),
    ("[f(n=-3, x=+2.5, t=(1, 2), s={3}, d={'k': [None, True, False]}, e='')]",
     [ToolCall("f", {"n": -3, "x": 2.5, "t": [1, 2], "s": [3], "d": {"k": [None, True, False]}, "e": ""})]),
    ("f()", [ToolCall("f", {})]),
    ("The call is [search(query=\"tea (green)\", limit=5)] as requested.",
     [ToolCall("search", {"query": "tea (green)", "limit": 5})]),
    ("[f(a=1)]<|eot_id|>", [ToolCall("f", {"a": 1})]),
    ("f(a=1)\n<|eot_id|>", [ToolCall("f", {"a": 1})]),
    # one call per line (Gemma `tool_code`, some fine-tunes)
    ("get_weather(city='Paris')\nget_time(tz='UTC')", [ToolCall("get_weather", {"city": "Paris"}),
                                                       ToolCall("get_time", {"tz": "UTC"})]),
])
def test_pythonic_calls(output, expected):
    assert parse_tool_calls(output) == expected
    assert parse_tool_calls(output, format="pythonic") == expected


@pytest.mark.parametrize("output", [
    "I think (maybe) it's fine",
    "Note(s): the weather is nice.",
    "print(x) is how you print in Python.",
    "[see f(x=1) above]",
    "Use the list [a, b] (or not).",
])
def test_prose_is_not_pythonic(output):
    assert parse_tool_calls(output) == []


@pytest.mark.parametrize("output", [
    "f(1, 2)",                        # positional
    "[os.system('rm -rf /')]",        # positional, in a list
    "f(a=__import__('os'))",          # non-literal value
    "f(a=x)",                         # a name
    "f(a=1 + 2)",                     # an operator
    "f(**{'a': 1})",                  # unpacking
    "f(a=1, a=2)",                    # repeated keyword
    "[f(a=1), 2]",                    # mixed list
    "[f(a=1), g(b=",                  # truncated
    "get_weather(city='Par",          # truncated bare call
    "f(a=1j)",                        # complex literal
    "f(a=b'x')",                      # bytes literal
    "f(a={1: 'x'})",                  # non-string key
    "f(a=f'{x}')",                    # f-string
    "f()(a=1)",                       # called object is not a name
    "f(a=1)\nThis calls f.",          # a call attempt followed by prose
    "f(a=1)\nx = 2",                  # a call line and a statement
])
def test_malformed_pythonic_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_dangerous_name_with_keyword_arguments_is_inert_data():
    assert parse_tool_calls("os.system(command='rm -rf /')") == [ToolCall("os.system", {"command": "rm -rf /"})]
