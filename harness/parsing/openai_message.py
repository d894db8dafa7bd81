"""OpenAI chat-completions assistant messages: native `tool_calls`, else the text `content`.

Native calls are structured, so they are read whatever format is pinned; `content` is text.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from harness.parsing.errors import ParseError
from harness.parsing.shapes import call_from_entry, calls_from_value
from harness.suite.cases import ToolCall


def parse_message(message: Mapping[str, Any], parse_text: Callable[[str], list[ToolCall]]) -> list[ToolCall]:
    """Calls of an assistant message dict; `parse_text` reads `content` when there are no native calls."""
    tool_calls = message.get("tool_calls")
    if tool_calls:
        return calls_from_value({"tool_calls": tool_calls}, expected=True) or []
    function_call = message.get("function_call")  # the pre-2023 single-call field
    if function_call:
        if not isinstance(function_call, Mapping):
            raise ParseError("`function_call` must be an object")
        return [call_from_entry(function_call)]
    return parse_text(_content_text(message.get("content")))


def _content_text(content: Any) -> str:
    """`content` as text: a string, null, or a list of `{"type": "text", "text": ...}` parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        return "".join(_part_text(part) for part in content)
    raise ParseError(f"message content must be a string or a list of parts, got {type(content).__name__}")


def _part_text(part: Any) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Mapping):
        text = part.get("text")
        if isinstance(text, str):
            return text
        return ""  # images, refusals and other non-text parts hold no calls
    raise ParseError(f"message content part must be an object, got {type(part).__name__}")
