"""Tag-delimited calls: Hermes/Qwen `<tool_call>{...}</tool_call>` and Llama `<|python_tag|>{...}`.

Text around the tags is ignored; a tag whose body is not a call is a ParseError.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from harness.parsing.errors import ParseError
from harness.parsing.fragments import UNDECODABLE, Undecodable, decode_fragment, decode_prefix
from harness.parsing.limits import ParseContext, check_call_count
from harness.parsing.markup import split_fences
from harness.suite.cases import ToolCall

HERMES_OPEN, HERMES_CLOSE = "<tool_call>", "</tool_call>"
PYTHON_TAG = "<|python_tag|>"
_END_OF_MESSAGE = ("<|eom_id|>", "<|eot_id|>")
_CALL_SEPARATORS = re.compile(r"[\s;]*")


def parse_hermes(text: str, context: ParseContext) -> list[ToolCall]:
    """Calls in every `<tool_call>` block, in order."""
    calls: list[ToolCall] = []
    for body, closed in _hermes_bodies(text):
        calls.extend(_hermes_body_calls(body, closed, context))
        check_call_count(len(calls))
    return calls


def _hermes_bodies(text: str) -> Iterator[tuple[str, bool]]:
    """(body, closed) per `<tool_call>`; an unclosed body runs to the next `<tool_call>` or the end.

    Each search resumes where the last stopped (and a missing `</tool_call>` is searched for
    once), so this is linear even with thousands of tags.
    """
    position, close = text.find(HERMES_OPEN), -2
    while position != -1:
        start = position + len(HERMES_OPEN)
        following = text.find(HERMES_OPEN, start)
        if close != -1 and close < start:
            close = text.find(HERMES_CLOSE, start)
        if close != -1 and (following == -1 or close < following):
            yield text[start:close], True
        else:
            yield text[start:following if following != -1 else len(text)], False
        position = following


def _hermes_body_calls(body: str, closed: bool, context: ParseContext) -> list[ToolCall]:
    """A closed body must be exactly a call (JSON, Python dict or pythonic); an unclosed one is
    accepted when a complete call starts it (generation often stops right before the end tag)."""
    stripped = _unfence(body.strip())
    if not stripped:
        raise ParseError("empty <tool_call> block")
    decoded: list[ToolCall] | None | Undecodable = decode_fragment(stripped, context, expected=True)
    if decoded is UNDECODABLE and not closed:
        decoded, _ = decode_prefix(stripped, 0, context)
    if decoded is UNDECODABLE:
        state = "is not valid JSON" if closed else "is unterminated"
        raise ParseError(f"<tool_call> block {state}: {stripped[:60]!r}")
    if decoded is None:
        raise ParseError(f"<tool_call> block holds no call: {stripped[:60]!r}")
    return decoded


def _unfence(body: str) -> str:
    """Some models wrap the JSON inside the tag in a markdown fence too."""
    if not body.startswith("```"):
        return body
    return split_fences(body)[1].strip()


def parse_python_tag(text: str, context: ParseContext) -> list[ToolCall]:
    """Calls after each `<|python_tag|>`: JSON objects separated by `;`, or a pythonic call."""
    calls: list[ToolCall] = []
    for chunk in text.split(PYTHON_TAG)[1:]:
        calls.extend(_python_tag_calls(_before_end_of_message(chunk).strip(), context))
        check_call_count(len(calls))
    return calls


def _before_end_of_message(chunk: str) -> str:
    ends = [index for token in _END_OF_MESSAGE if (index := chunk.find(token)) != -1]
    return chunk[:min(ends)] if ends else chunk


def _python_tag_calls(body: str, context: ParseContext) -> list[ToolCall]:
    if not body:
        raise ParseError("empty <|python_tag|> call")
    if body[0] not in "[{":  # Llama built-in tools: `brave_search.call(query="...")`
        decoded = decode_fragment(body, context, expected=True)
        if decoded is UNDECODABLE or decoded is None:
            raise ParseError(f"<|python_tag|> is not followed by a call: {body[:60]!r}")
        return decoded
    calls: list[ToolCall] = []
    position = 0
    while position < len(body):
        decoded, end = decode_prefix(body, position, context)
        if decoded is UNDECODABLE or decoded is None:
            raise ParseError(f"malformed call after <|python_tag|>: {body[position:position + 60]!r}")
        calls.extend(decoded)
        check_call_count(len(calls))
        position = _CALL_SEPARATORS.match(body, end).end()
    return calls
