"""Decode one delimited piece of output (a tag body, a bracketed span) into calls.

JSON first; then a Python literal or pythonic calls, read with `ast` only (see literals.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH, ParseContext
from harness.parsing.literals import literal_value, parse_expression
from harness.parsing.pythonic import calls_from_expression
from harness.parsing.shapes import calls_from_value
from harness.parsing.spans import scan_spans
from harness.suite.cases import ToolCall

_DECODER = json.JSONDecoder()


class Undecodable:
    """Marks a fragment that is neither JSON nor a Python expression (as opposed to `None`,
    a fragment that decodes fine but holds no call)."""

    def __repr__(self) -> str:
        return "UNDECODABLE"


UNDECODABLE = Undecodable()


@dataclass(frozen=True)
class Syntax:
    """Which call syntaxes a fragment may use: JSON (and Python-literal dicts), pythonic calls."""

    json: bool = True
    pythonic: bool = True


ANY_SYNTAX = Syntax()


def decode_fragment(fragment: str, context: ParseContext, *, expected: bool,
                    syntax: Syntax = ANY_SYNTAX, python_fallback: bool = True,
                    ) -> list[ToolCall] | None | Undecodable:
    """Calls in `fragment`; None if it decodes but holds none; UNDECODABLE if it does not decode.

    `python_fallback=False` skips the (slow) Python reading for fragments not worth it.
    Raises ParseError when it decodes to a call that is malformed.
    """
    if syntax.json:
        stripped = fragment.strip()
        decoded = _raw_decode(stripped, 0)
        if decoded is not None and decoded[1] == len(stripped):
            return calls_from_value(decoded[0], expected=expected)
    if not python_fallback:
        return UNDECODABLE
    node = parse_expression(fragment, context)
    if node is None:
        return UNDECODABLE
    if syntax.pythonic:
        calls = calls_from_expression(node, context)
        if calls is not None:
            return calls
    if syntax.json:
        return calls_from_value(literal_value(node), expected=expected)
    return None


def decode_prefix(text: str, start: int, context: ParseContext,
                  ) -> tuple[list[ToolCall] | None | Undecodable, int]:
    """Decode the call(s) written as one value that begins at `text[start]`; return them and the end.

    For text after a call marker (`[TOOL_CALLS]`, an unterminated `<tool_call>`), where
    whatever follows the value is the caller's business.
    """
    decoded = _raw_decode(text, start)
    if decoded is not None:
        return calls_from_value(decoded[0], expected=True), decoded[1]
    end = _first_span_end(text, start)
    if end is None:
        return UNDECODABLE, start
    return decode_fragment(text[start:end], context, expected=True), end


def decode_value_prefix(text: str, start: int, context: ParseContext) -> tuple[Any, int]:
    """The JSON (or Python-literal) value that begins at `text[start]` and its end; UNDECODABLE if none."""
    decoded = _raw_decode(text, start)
    if decoded is not None:
        return decoded
    end = _first_span_end(text, start)
    node = parse_expression(text[start:end], context) if end is not None else None
    if node is None:
        return UNDECODABLE, start
    return literal_value(node), end


def _first_span_end(text: str, start: int) -> int | None:
    """End of the closed bracketed span starting exactly at `start`, if there is one."""
    if not text.startswith(("[", "{"), start):
        return None
    spans = scan_spans(text, start, first_only=True)
    if spans and spans[0].start == start and spans[0].closed:
        return spans[0].end
    return None


def _raw_decode(text: str, start: int) -> tuple[Any, int] | None:
    """`JSONDecoder.raw_decode`, or None when no JSON value starts at `start`.

    Deep nesting is a bound exceeded (ParseError), not merely "not JSON"; values within the
    limit are depth-checked later, when arguments are copied (shapes.plain_json).
    """
    try:
        value, end = _DECODER.raw_decode(text, start)
    except RecursionError:
        raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # not JSON, or an integer past Python's digit limit
        return None
    return value, end
