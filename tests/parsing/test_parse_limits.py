"""Hostile output: bounds on size, nesting and work, and nothing in the output ever runs."""
from __future__ import annotations

import builtins

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.parsing.limits import MAX_BRACKETS, MAX_CALLS, MAX_DEPTH, MAX_INPUT_CHARS
from harness.suite.cases import ToolCall


def _outcome(output):
    """What parsing did: the calls, or "error" for a ParseError (anything else fails the test)."""
    try:
        return parse_tool_calls(output)
    except ParseError:
        return "error"


def test_input_over_the_length_limit_raises():
    with pytest.raises(ParseError, match="limit"):
        parse_tool_calls("a" * (MAX_INPUT_CHARS + 1))


def test_input_at_the_length_limit_is_read():
    padding = " " * (MAX_INPUT_CHARS - 60)
    assert parse_tool_calls(padding + "[f(a=1)]") == [ToolCall("f", {"a": 1})]


@pytest.mark.parametrize("output", [
    "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    '{"name": "f", "arguments": ' + '{"a": ' * MAX_DEPTH + "1" + "}" * (MAX_DEPTH + 1),
    '<tool_call>{"name": "f", "arguments": {"a": ' + "[" * 500 + "]" * 500 + "}}</tool_call>",
    '<tool_call>{"name": "f", "arguments": {"a": ' + "[" * 50_000 + "]" * 50_000 + "}}</tool_call>",
    "[f(a=" + "[" * 40 + "]" * 40 + ")]",
    "f(a=" + "(" * 300 + ")" * 300 + ")",
    "[f(a=" + "-" * 50_000 + "1)]",
    "f(a=" + "not " * 20_000 + "1)",
    '<tool_call>{"name": "f", "arguments": "' + "[" * 5000 + "]" * 5000 + '"}</tool_call>',
])
def test_deep_nesting_raises(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_nesting_within_the_limit_is_read():
    value = 1
    text = "1"
    for _ in range(MAX_DEPTH - 2):
        value, text = [value], f"[{text}]"
    assert parse_tool_calls(f'{{"name": "f", "arguments": {{"a": {text}}}}}') == [ToolCall("f", {"a": value})]


def test_too_many_calls_raise():
    output = "[" + ", ".join(["f(a=1)"] * (MAX_CALLS + 1)) + "]"
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_too_many_brackets_in_free_text_raise():
    with pytest.raises(ParseError, match="brackets"):
        parse_tool_calls("[x] " * (MAX_BRACKETS + 1))


def test_python_parse_budget_is_shared_across_fragments():
    """Thousands of small python-looking fragments cannot add up to unbounded `ast` work."""
    fragment = "{'name': 'x', 'note': 'needs ast, holds no call'} "
    assert parse_tool_calls(fragment * 10) == []
    with pytest.raises(ParseError, match="Python-literal parsing"):
        parse_tool_calls(fragment * 2000)


@pytest.mark.parametrize("output", [
    '{"name": "f", "arguments": {"a": ' + "9" * 5000 + "}}",
    "[f(a=" + "9" * 5000 + ")]",
    '<tool_call>{"name": "f", "arguments": {"a": ' + "9" * 5000 + "}}</tool_call>",
])
def test_huge_integers_raise_instead_of_crashing(output):
    with pytest.raises(ParseError):
        parse_tool_calls(output)


def test_huge_float_is_just_a_float():
    assert parse_tool_calls('{"name": "f", "arguments": {"a": 1e999}}') == [ToolCall("f", {"a": float("inf")})]


N = 100_000


def _fill(fragment: str) -> str:
    return (fragment * (N // len(fragment) + 1))[:N]


@pytest.mark.parametrize("fragment", [
    "[", "{", "(", '["', "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "<tool_call>",
    '<tool_call>{"name": "f", "arguments": {}}</tool_call>', "[TOOL_CALLS]", "f[ARGS]{}", "<|python_tag|>",
    "```", "```[a]", "<think>", "</think>", '{"name": "f", "arguments": {"a": 1} x}', "[f(a=1 x ",
    "[f(a=1)] ", "{'name': 'f', 'arguments': {'a': 1}} ", '"name"   ', "</s>", "a.", "()", "\\",
    '<tool_call>{[("```[TOOL_CALLS]<|python_tag|>',
])
def test_100kb_adversarial_input_returns_or_raises_parse_error(fragment):
    """Completes (no hang, no other exception); timing is reported by the benchmarks, not asserted."""
    result = _outcome(_fill(fragment))
    assert result == "error" or isinstance(result, list)


def test_nothing_in_the_output_is_executed(monkeypatch, tmp_path):
    marker = tmp_path / "pwned"
    imported = []
    real_import = builtins.__import__

    def spy_import(name, *args, **kwargs):
        imported.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy_import)
    payloads = [
        f"f(a=__import__('pathlib').Path({str(marker)!r}).touch())",
        f"[f(a=open({str(marker)!r}, 'w').write('x'))]",
        f"<tool_call>{{'name': 'f', 'arguments': {{'a': open({str(marker)!r}, 'w')}}}}</tool_call>",
        f"<|python_tag|>__import__('pathlib').Path({str(marker)!r}).touch()",
        f"{{'name': 'f', 'arguments': {{'a': (lambda: open({str(marker)!r}, 'w'))()}}}}",
    ]
    for payload in payloads:
        assert _outcome(payload) == "error"
    # A dangerous-looking name with literal arguments is returned as inert data.
    assert parse_tool_calls(f"os.system(command='touch {marker}')") == [
        ToolCall("os.system", {"command": f"touch {marker}"})]
    monkeypatch.undo()
    assert not marker.exists()
    assert not any(name in ("os", "pathlib", "subprocess") for name in imported)
