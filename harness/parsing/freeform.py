"""Calls in free text (also the pinned `json` / `pythonic` formats): bare JSON, pythonic, fenced.

Prose is no call; a bracketed region or fenced block that opens like a call but does not decode is a ParseError.
"""
from __future__ import annotations

import re

from harness.parsing.errors import ParseError
from harness.parsing.fragments import ANY_SYNTAX, UNDECODABLE, Syntax, decode_fragment
from harness.parsing.limits import ParseContext, check_bracket_count, check_call_count
from harness.parsing.literals import parse_expression, parse_expression_lines
from harness.parsing.markup import split_fences, strip_end_tokens
from harness.parsing.pythonic import calls_from_expression, calls_from_lines, looks_like_pythonic_call, opens_like_call
from harness.parsing.spans import Span, scan_spans
from harness.suite.cases import ToolCall

JSON_ONLY = Syntax(json=True, pythonic=False)
PYTHONIC_ONLY = Syntax(json=False, pythonic=True)

#: A `"name":` or `"function":` key (either quote style): the mark of a JSON-ish call attempt.
_JSON_CALL_KEY = re.compile(r"""["'](?:name|function)["']\s*:""")
_LIST_OF_OBJECTS = re.compile(r"\[\s*\{")


def parse_freeform(text: str, context: ParseContext, syntax: Syntax = ANY_SYNTAX) -> list[ToolCall]:
    """All calls in `text`, in order; [] when it holds none."""
    check_bracket_count(text)
    calls: list[ToolCall] = []
    for piece in split_fences(strip_end_tokens(text)):
        if any(opener in piece for opener in "[{("):  # no call without one of these
            calls.extend(_piece_calls(piece, context, syntax))
            check_call_count(len(calls))
    return calls


def _piece_calls(piece: str, context: ParseContext, syntax: Syntax) -> list[ToolCall]:
    stripped = piece.strip()
    # A bare `f(a=1)` is pythonic only as a whole piece; lists are found as bracketed spans.
    if syntax.pythonic and not stripped.startswith("["):
        calls = _whole_pythonic(stripped, context)
        if calls is not None:
            return calls
    calls = []
    for span in scan_spans(piece):
        calls.extend(_span_calls(piece, span, context, syntax))
        check_call_count(len(calls))
    return calls


def _whole_pythonic(stripped: str, context: ParseContext) -> list[ToolCall] | None:
    """The calls of a piece that is one bare call (or one per line), None if it is not.

    A piece that opens like `f(a=` is a call attempt, so failing to read it is an error;
    `f(x)` is read only when the piece also ends the call, since prose can open that way.
    """
    keyword_call = looks_like_pythonic_call(stripped)
    if not (keyword_call or (opens_like_call(stripped) and stripped.endswith(")"))):
        return None
    node = parse_expression(stripped, context)
    if node is not None:
        calls = calls_from_expression(node, context)
    else:
        lines = parse_expression_lines(stripped, context)
        calls = calls_from_lines(lines, context) if lines is not None else None
    if calls is None and keyword_call:
        raise ParseError(f"text starts like a pythonic call but is not one: {_excerpt(stripped)}")
    return calls


def _span_calls(text: str, span: Span, context: ParseContext, syntax: Syntax) -> list[ToolCall]:
    """Calls in one bracketed span: the span as a whole if it decodes, else those inside it."""
    fragment = text[span.start:span.end]
    if span.closed:
        decoded = decode_fragment(fragment, context, expected=False, syntax=syntax,
                                  python_fallback=_worth_reading_as_python(fragment, syntax))
        if decoded is not UNDECODABLE:
            return decoded or []
    calls = [call for child in span.children for call in _span_calls(text, child, context, syntax)]
    if not calls and _looks_like_call(span.own_text(text), syntax):
        raise ParseError(f"malformed tool call: {_excerpt(fragment)}")
    if calls and not span.closed and _LIST_OF_OBJECTS.match(text, span.start):
        raise ParseError(f"unterminated list of tool calls: {_excerpt(fragment)}")
    return calls


def _worth_reading_as_python(fragment: str, syntax: Syntax) -> bool:
    """Whether a fragment that is not JSON may be a Python dict or pythonic call list;
    `ast.parse` is slow, so prose in brackets is not handed to it."""
    if syntax.json and _JSON_CALL_KEY.search(fragment):
        return True
    return syntax.pythonic and opens_like_call(fragment)


def _looks_like_call(fragment: str, syntax: Syntax) -> bool:
    """Whether a fragment that failed to decode was meant as a call (and is worth an error)."""
    if syntax.json and _JSON_CALL_KEY.search(fragment):
        return True
    return syntax.pythonic and looks_like_pythonic_call(fragment)


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split()[:40])
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")
