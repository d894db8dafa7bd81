"""Function-calling answers recorded as lists, the way BFCL stores them: `[{name: arguments}, ...]`.

Arguments are an object or its JSON text (OpenAI's wire form). Gemini-style answers mix text parts (strings)
with call parts; the lenient reader reads calls from both, a pinned BFCL decoder decides for itself.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from harness.parsing.errors import ParseError
from harness.parsing.limits import check_call_count
from harness.parsing.shapes import arguments_dict, calls_from_value
from harness.suite.cases import ToolCall

#: Keys that make a one-key object a call object of another shape, not `{function_name: arguments}`.
_SHAPE_KEYS = frozenset({"name", "function", "function_call", "tool_calls"})


def is_name_arguments_item(item: Any) -> bool:
    """Whether `item` is BFCL's `{function_name: arguments}` (arguments an object or a JSON string)."""
    if not isinstance(item, Mapping) or len(item) != 1:
        return False
    (name, arguments), = item.items()
    return isinstance(name, str) and name not in _SHAPE_KEYS and isinstance(arguments, (Mapping, str))


def name_arguments_call(item: Mapping[str, Any]) -> ToolCall:
    """One `{function_name: arguments}` item as a ToolCall."""
    (name, arguments), = item.items()
    return ToolCall(name=name, arguments=arguments_dict(arguments))


def calls_from_fc_list(items: list[Any], parse_text: Callable[[str], list[ToolCall]]) -> list[ToolCall]:
    """Calls of every item in order: `{name: arguments}` items, other call objects, and calls found in text
    parts by `parse_text`."""
    check_call_count(len(items))
    calls: list[ToolCall] = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            calls.extend(parse_text(item))
        elif is_name_arguments_item(item):
            calls.append(name_arguments_call(item))
        elif isinstance(item, Mapping):
            found = calls_from_value(item, expected=True)
            if found is None:
                raise ParseError(f"item {index} of the answer is not a call")
            calls.extend(found)
        else:
            raise ParseError(f"item {index} of the answer is a {type(item).__name__}, not a call or text")
        check_call_count(len(calls))
    return calls
