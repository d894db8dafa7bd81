"""Recognise decoded JSON-like values that are tool calls, in every shape models and APIs use.

`{"name", "arguments"|"parameters"}`, OpenAI `{"function": {...}}`, `{"tool_calls": [...]}`, lists.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH, check_call_count, check_length
from harness.suite.cases import ToolCall

_ARGUMENT_KEYS = ("arguments", "parameters")
#: `{"function": {...}}` (OpenAI tool_calls entries) and `{"function_call": {...}}` (its legacy form).
_WRAPPER_KEYS = ("function", "function_call")
#: Keys a call object may carry besides its arguments (ids and type tags from various APIs).
_CALL_METADATA_KEYS = frozenset({"name", "id", "type", "call_id", "index"})


def calls_from_value(value: Any, *, expected: bool) -> list[ToolCall] | None:
    """The calls `value` holds, or None when it is not call-shaped at all.

    `expected` is True inside call delimiters (`<tool_call>`, `[TOOL_CALLS]`, ...): there a bare
    `{"name": "f"}` is a call without arguments. In free text it must also carry `arguments`
    or `parameters`, so that ordinary data such as `{"name": "Bob"}` is not taken for a call.
    Raises ParseError when `value` is call-shaped but malformed.
    """
    if isinstance(value, list):
        return _calls_from_list(value, expected=expected)
    if isinstance(value, Mapping):
        return _calls_from_object(value, expected=expected)
    return None


def _calls_from_object(value: Mapping[str, Any], *, expected: bool) -> list[ToolCall] | None:
    if "tool_calls" in value:
        return _calls_from_tool_calls(value["tool_calls"])
    entry = next((value[key] for key in _WRAPPER_KEYS if isinstance(value.get(key), Mapping)), value)
    if "name" not in entry or (not expected and "description" in entry):
        return None  # in free text, an object with a description is an echoed tool definition
    if any(key in entry for key in _ARGUMENT_KEYS) or (expected and set(entry) <= _CALL_METADATA_KEYS):
        return [call_from_entry(entry)]
    if expected:
        raise ParseError("call object has no `arguments` (or `parameters`) field")
    return None


def call_from_entry(entry: Mapping[str, Any]) -> ToolCall:
    """One `{"name": ..., "arguments"|"parameters": ...}` mapping as a ToolCall."""
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ParseError(f"call name must be a non-empty string, got {_short(name)}")
    raw = next((entry[key] for key in _ARGUMENT_KEYS if key in entry), None)
    return ToolCall(name=name.strip(), arguments=arguments_dict(raw))


def arguments_dict(raw: Any) -> dict[str, Any]:
    """Arguments as a plain dict; a JSON string (OpenAI's wire form) is decoded first."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        raw = _decode_argument_string(raw)
    if not isinstance(raw, Mapping):
        raise ParseError(f"call arguments must be an object, got {type(raw).__name__}")
    return plain_json(raw)


def plain_json(value: Any, depth: int = 1) -> Any:
    """A copy made of dict/list/str/int/float/bool/None only; tuples and sets become lists."""
    if depth > MAX_DEPTH:
        raise ParseError(f"value nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise ParseError("argument object keys must be strings")
        return {key: plain_json(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain_json(item, depth + 1) for item in value]
    raise ParseError(f"unsupported argument value of type {type(value).__name__}")


def _calls_from_list(items: list[Any], *, expected: bool) -> list[ToolCall] | None:
    if not items:
        return [] if expected else None
    # Only objects can be calls: a list of lists is data, and not recursing keeps this flat.
    found = [_calls_from_object(item, expected=expected) if isinstance(item, Mapping) else None
             for item in items]
    if all(calls is None for calls in found):
        return None
    if any(calls is None for calls in found):
        raise ParseError("list mixes tool calls with other values")
    calls = [call for group in found if group for call in group]
    check_call_count(len(calls))
    return calls


def _calls_from_tool_calls(entries: Any) -> list[ToolCall]:
    if entries is None:
        return []
    if not isinstance(entries, (list, tuple)):
        raise ParseError("`tool_calls` must be a list")
    check_call_count(len(entries))
    calls = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ParseError("each `tool_calls` entry must be an object")
        function = entry.get("function", entry)
        if not isinstance(function, Mapping):
            raise ParseError("`function` of a tool call must be an object")
        calls.append(call_from_entry(function))
    return calls


def _decode_argument_string(text: str) -> Any:
    check_length(text, "arguments string")
    if not text.strip():
        return {}
    return json_text(text, "arguments string")


def json_text(text: str, what: str = "text") -> Any:
    """`json.loads(text)`; bad JSON and nesting past what the parser can follow are a ParseError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ParseError(f"{what} nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise ParseError(f"{what} is not valid JSON: {exc}") from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
