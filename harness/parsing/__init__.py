"""Turn untrusted model output into tool calls: `parse_tool_calls(output, format="auto")`.

Plain text is no call (`[]`); a malformed call attempt or an exceeded bound raises ParseError.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from harness.cases import ToolCall
from harness.parsing.errors import ParseError
from harness.parsing.freeform import JSON_ONLY, PYTHONIC_ONLY, parse_freeform
from harness.parsing.limits import PythonParseBudget, check_call_count, check_length
from harness.parsing.markup import strip_reasoning
from harness.parsing.mistral import MARKER as MISTRAL_MARKER
from harness.parsing.mistral import parse_mistral
from harness.parsing.openai_message import parse_message
from harness.parsing.tags import HERMES_OPEN, PYTHON_TAG, parse_hermes, parse_python_tag

__all__ = ["FORMATS", "ParseError", "parse_tool_calls"]

#: Names accepted by `format=`. A pinned format reads only its own syntax: output without it
#: is no call (`[]`), output with it malformed is a ParseError.
FORMATS: tuple[str, ...] = ("auto", "hermes", "json", "openai", "pythonic", "mistral", "python_tag")

_TextParser = Callable[[str, PythonParseBudget], list[ToolCall]]
_PARSERS: dict[str, _TextParser] = {
    "hermes": parse_hermes,
    "mistral": parse_mistral,
    "python_tag": parse_python_tag,
    "json": partial(parse_freeform, syntax=JSON_ONLY),
    # As text, an OpenAI-style answer is JSON: `{"tool_calls": [...]}` or `{"function": {...}}`.
    "openai": partial(parse_freeform, syntax=JSON_ONLY),
    "pythonic": partial(parse_freeform, syntax=PYTHONIC_ONLY),
    "freeform": parse_freeform,
}
#: Markers that name their format outright; when several occur, the earliest wins.
_MARKERS = ((HERMES_OPEN, "hermes"), (MISTRAL_MARKER, "mistral"), (PYTHON_TAG, "python_tag"))


def parse_tool_calls(output: str | Mapping[str, Any], format: str = "auto") -> list[ToolCall]:
    """The tool calls in one model output, in order.

    `output` is the generated text, or an OpenAI chat-completions assistant message dict.
    Returns [] for no call; raises ParseError (and nothing else) for a malformed attempt,
    an exceeded bound (see limits.py) or an unknown `format`.
    """
    if format not in FORMATS:
        raise ParseError(f"unknown parser format {format!r}; use one of {', '.join(FORMATS)}")
    try:
        calls = _parse(output, format, PythonParseBudget())
    except (RecursionError, MemoryError) as exc:  # hostile input past what the bounds pre-empt
        raise ParseError(f"output too complex to parse ({type(exc).__name__})") from None
    check_call_count(len(calls))
    return calls


def _detect_format(text: str) -> str:
    """The format of `text` (reasoning already stripped): a marker's, else `freeform`
    (bare JSON, pythonic and fenced calls, read together)."""
    found = [(index, name) for marker, name in _MARKERS if (index := text.find(marker)) != -1]
    return min(found)[1] if found else "freeform"


def _parse(output: Any, format: str, budget: PythonParseBudget) -> list[ToolCall]:
    if isinstance(output, Mapping):
        # An OpenAI message's content is free text, which may hold any in-text format.
        content_format = "auto" if format == "openai" else format
        return parse_message(output, lambda text: _parse_text(text, content_format, budget))
    if isinstance(output, str):
        return _parse_text(output, format, budget)
    raise ParseError(f"model output must be a string or a message dict, got {type(output).__name__}")


def _parse_text(text: str, format: str, budget: PythonParseBudget) -> list[ToolCall]:
    check_length(text)
    text = strip_reasoning(text)
    if format == "auto":
        format = _detect_format(text)
    return _PARSERS[format](text, budget)
