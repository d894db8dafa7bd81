"""Mistral calls: `[TOOL_CALLS] [{"name": ..., "arguments": {...}}, ...]` (v3 tokenizer)
and `[TOOL_CALLS]name[ARGS]{...}` (v11+, optionally `name[CALL_ID]id[ARGS]{...}`), repeatable.
"""
from __future__ import annotations

import re

from harness.parsing.errors import ParseError
from harness.parsing.fragments import UNDECODABLE, decode_prefix, decode_value_prefix
from harness.parsing.limits import ParseContext, check_call_count
from harness.parsing.shapes import arguments_dict
from harness.suite.cases import ToolCall

MARKER = "[TOOL_CALLS]"
_ARGS, _CALL_ID = "[ARGS]", "[CALL_ID]"
_FUNCTION_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
_WHITESPACE = re.compile(r"\s*")


def parse_mistral(text: str, context: ParseContext) -> list[ToolCall]:
    """Calls after every `[TOOL_CALLS]` marker, in order; text before the first is ignored."""
    calls: list[ToolCall] = []
    for chunk in text.split(MARKER)[1:]:
        calls.extend(_chunk_calls(chunk.strip(), context))
        check_call_count(len(calls))
    return calls


def _chunk_calls(chunk: str, context: ParseContext) -> list[ToolCall]:
    if chunk.startswith(("[", "{")) and not chunk.startswith(_ARGS):
        return _json_calls(chunk, context)
    if _ARGS in chunk:
        return _named_calls(chunk, context)
    raise ParseError(f"{MARKER} is followed by neither a JSON list nor name[ARGS]{{...}}: {chunk[:60]!r}")


def _json_calls(chunk: str, context: ParseContext) -> list[ToolCall]:
    """The v3 form; what follows the list (an `</s>`, say) is ignored."""
    decoded, _ = decode_prefix(chunk, 0, context)
    if decoded is UNDECODABLE:
        raise ParseError(f"{MARKER} is followed by malformed JSON: {chunk[:60]!r}")
    if decoded is None:
        raise ParseError(f"{MARKER} is followed by JSON that holds no call: {chunk[:60]!r}")
    return decoded


def _named_calls(chunk: str, context: ParseContext) -> list[ToolCall]:
    """`name[ARGS]{...}` repeated; stops at the first stretch without `[ARGS]` (an `</s>`, say)."""
    calls: list[ToolCall] = []
    position = 0
    while (args_at := chunk.find(_ARGS, position)) != -1:
        name = chunk[position:args_at].split(_CALL_ID, 1)[0].strip()
        if not _FUNCTION_NAME.fullmatch(name):
            raise ParseError(f"bad function name before {_ARGS}: {name[:60]!r}")
        start = _WHITESPACE.match(chunk, args_at + len(_ARGS)).end()
        value, end = decode_value_prefix(chunk, start, context)
        if value is UNDECODABLE:
            raise ParseError(f"arguments of {name} after {_ARGS} are not a JSON object: {chunk[start:start + 60]!r}")
        calls.append(ToolCall(name=name, arguments=arguments_dict(value)))
        check_call_count(len(calls))
        position = end
    return calls
