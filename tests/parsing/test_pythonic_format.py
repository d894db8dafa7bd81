"""Pythonic calls (BFCL / Llama 3.2): strict reads literal keyword arguments only, bfcl reads as BFCL's AST
decoder does (names are strings, positional arguments dropped, ...); strict is never more lenient than bfcl."""
from __future__ import annotations

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.suite.cases import ToolCall


@pytest.mark.parametrize("output, expected", [
    ("[get_weather(city='Paris', unit='celsius')]", [ToolCall("get_weather", {"city": "Paris", "unit": "celsius"})]),
    ("get_weather(city='Paris')", [ToolCall("get_weather", {"city": "Paris"})]),
    ("[f(a=1), pkg.mod.g(b='x', c=[1, 2])]", [ToolCall("f", {"a": 1}), ToolCall("pkg.mod.g", {"b": "x", "c": [1, 2]})]),
    ("[f(n=-3, x=-2.5, t=(1, 2), d={'k': [None, True, False]}, e='', m=2**3, p=100 * 1.5)]",
     [ToolCall("f", {"n": -3, "x": -2.5, "t": (1, 2), "d": {"k": [None, True, False]}, "e": "", "m": 8,
                     "p": 150.0})]),
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
    assert parse_tool_calls(output, decoder="pythonic") == expected


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
    "f(a=true)",                      # a name (BFCL reads the string "true", never the boolean)
    "f(a=+2)",                        # unary plus (BFCL reads -2)
    "f(a=-x)",                        # unary minus on a name
    "f(a=-(1 + 2))",                  # unary minus on an expression (BFCL cannot read it)
    "f(a={3})",                       # a set (BFCL cannot read it)
    "f(a=...)",                       # an ellipsis (BFCL reads the string "...")
    "f(a=1 + x)",                     # arithmetic with a name
    "f(a=1 / 0)",                     # arithmetic that fails
    "f(a=9 ** 9 ** 9)",               # arithmetic past the bounds
    "f(a='ab' * 10 ** 8)",            # a string past the bounds
    "f(a=g(1))",                      # a nested call
    "f(a=x[0])",                      # a subscript
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


# ---- bfcl mode: BFCL's AST decoder (`resolve_ast_by_type`), value by value ----

@pytest.mark.parametrize("argument, value", [
    ("x", "x"),                                # a bare name is its text
    ("true", "true"), ("null", "null"),        # lowercase literals stay names
    ("True", True), ("None", None),
    ("...", "..."),
    ("-3", -3), ("+2", -2), ("not True", -1),  # BFCL negates the operand of any unary operator
    ("2**3", 8), ("100 * 1.5", 150.0), ("-2 * -3", 6), ("'ab' + 'c'", "abc"), ("7 // 2 % 3", 0),
    ("(1, 2)", (1, 2)), ("[1, (2,)]", [1, (2,)]),
    ("{'k': v, 1: 2}", {"k": "v", 1: 2}),
    ("g(1, 2)", "g(1, 2)"),                    # a nested call without keywords is its source text
    ("g(b=1)", {"g": {"b": 1}}),               # with keywords, a call dict
    ("pkg.g(b=x)", {"pkg.g": {"b": "x"}}),
    ("x[0]", "x[0]"), ("d['k']", "d['k']"),
])
def test_bfcl_mode_reads_values_as_bfcl(argument, value):
    assert parse_tool_calls(f"[f(a={argument})]", mode="bfcl") == [ToolCall("f", {"a": value})]


def test_bfcl_mode_drops_positional_arguments_and_keys_unpacking_apart():
    assert parse_tool_calls("[f(1, 2, a=3)]", mode="bfcl") == [ToolCall("f", {"a": 3})]
    assert parse_tool_calls("[f(**{'a': 1})]", mode="bfcl") == [ToolCall("f", {"**": {"a": 1}})]


@pytest.mark.parametrize("argument", ["{3}", "-x", "-(1 + 2)", "-'a'", "lambda: 1", "f'{x}'", "1 < 2", "x.y",
                                      "1 + x", "1 / 0", "9 ** 9 ** 9", "b'x'", "1j", "[i for i in y]"])
def test_bfcl_mode_fails_where_bfcl_cannot_decode(argument):
    with pytest.raises(ParseError):
        parse_tool_calls(f"[f(a={argument})]", mode="bfcl")


def test_strict_reads_no_more_than_bfcl_and_the_same_where_both_read():
    """Strict's reading equals bfcl's wherever strict reads at all (never more lenient)."""
    arguments = ["1", "-3", "2**3", "(1, 2)", "[1, 'a', None]", "{'k': [True]}", "'s'", "1.5e3", "-0.5"]
    for argument in arguments:
        output = f"[f(a={argument})]"
        assert parse_tool_calls(output) == parse_tool_calls(output, mode="bfcl")


def test_bfcl_mode_keeps_the_last_of_a_repeated_argument():
    assert parse_tool_calls("[f(a=1, a=2)]", mode="bfcl") == [ToolCall("f", {"a": 2})]
