"""Property: on any text, JSON-ish or hostile, parsing returns calls or raises ParseError only."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.parsing import ParseError, decoder_names, parse_tool_calls
from harness.suite.cases import ToolCall

FRAGMENTS = [
    "<tool_call>", "</tool_call>", "{", "}", "[", "]", "(", ")", "[TOOL_CALLS]", "[ARGS]", "[CALL_ID]",
    "<|python_tag|>", "<|eom_id|>", "<|eot_id|>", "```", "```json\n", "```python\n", "<think>", "</think>",
    '"name"', "'name'", ":", ",", ";", "=", '"arguments"', '"parameters"', '"tool_calls"', '"function"',
    "f", "os.system", "__import__('os')", "f(", "a=", "1", "-", "1e999", "9" * 5000, "True", "null", '"',
    "'", "\\", "\n", " ", "[" * 40, "]" * 40, "{" * 40, "(" * 300, "not ", "lambda x: x", "**", "*", "\x00",
    '{"name": "f", "arguments": {"a": 1}}', "[f(a=1)]", "</s>",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def _returns_calls_or_parse_error(output, decoder: str = "auto", mode: str = "strict") -> None:
    try:
        calls = parse_tool_calls(output, decoder=decoder, mode=mode)
    except ParseError:
        return
    assert isinstance(calls, list)
    for call in calls:
        assert isinstance(call, ToolCall) and isinstance(call.name, str) and type(call.arguments) is dict
        json.dumps(call.arguments, allow_nan=True)  # JSON-like values only


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(decoder_names()), st.sampled_from(["strict", "bfcl"]))
def test_random_text(text, decoder, mode):
    _returns_calls_or_parse_error(text, decoder, mode)


@SETTINGS
@given(json_values, st.sampled_from(["", "<tool_call>", "[TOOL_CALLS] ", "<|python_tag|>", "```json\n"]))
def test_random_json(value, prefix):
    _returns_calls_or_parse_error(prefix + json.dumps(value))
    _returns_calls_or_parse_error(prefix + json.dumps({"name": "f", "arguments": value}))


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=40), st.sampled_from(decoder_names()),
       st.sampled_from(["strict", "bfcl"]))
def test_hostile_fragments(fragments, decoder, mode):
    _returns_calls_or_parse_error("".join(fragments), decoder, mode)


small_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=6,
)


@SETTINGS
@given(st.dictionaries(
    st.sampled_from(["role", "content", "tool_calls", "function_call"]),
    small_json_values | st.text(max_size=40) | st.lists(
        st.fixed_dictionaries({"function": st.fixed_dictionaries(
            {"name": st.text(max_size=5) | small_json_values,
             "arguments": st.text(max_size=20) | small_json_values})}),
        max_size=3),
    max_size=4))
def test_random_message_dicts(message):
    _returns_calls_or_parse_error(message)
