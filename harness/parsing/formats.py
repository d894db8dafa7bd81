"""The lenient decoders: `auto` (every format below, detected per output) and one per pinned format.

A pinned format reads only its own syntax: output without it is no call ([]), output with it malformed is a
ParseError. Pythonic values follow the context's mode (`pythonic.py`); everything else is the same in both.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, Callable

from harness.parsing.decoders import Decoder
from harness.parsing.errors import ParseError
from harness.parsing.fc_lists import calls_from_fc_list
from harness.parsing.freeform import JSON_ONLY, PYTHONIC_ONLY, parse_freeform
from harness.parsing.limits import ParseContext, check_length
from harness.parsing.markup import strip_reasoning
from harness.parsing.mistral import MARKER as MISTRAL_MARKER
from harness.parsing.mistral import parse_mistral
from harness.parsing.openai_message import parse_message
from harness.parsing.tags import HERMES_OPEN, PYTHON_TAG, parse_hermes, parse_python_tag
from harness.suite.cases import ToolCall

_TextParser = Callable[[str, ParseContext], list[ToolCall]]
#: Markers that name their format outright; when several occur, the earliest wins.
_MARKERS = ((HERMES_OPEN, "hermes"), (MISTRAL_MARKER, "mistral"), (PYTHON_TAG, "python_tag"))
_FREEFORM: _TextParser = parse_freeform

#: (name, text parser, summary) of every pinned format.
PINNED_FORMATS: tuple[tuple[str, _TextParser, str], ...] = (
    ("hermes", parse_hermes, "Hermes/Qwen <tool_call>{json}</tool_call> blocks (JSON or Python-dict bodies)"),
    ("json", partial(parse_freeform, syntax=JSON_ONLY), "bare JSON objects or lists with arguments/parameters"),
    # As text, an OpenAI-style answer is JSON: `{"tool_calls": [...]}` or `{"function": {...}}`.
    ("openai", partial(parse_freeform, syntax=JSON_ONLY), "OpenAI tool_calls messages (text content read as JSON)"),
    ("pythonic", partial(parse_freeform, syntax=PYTHONIC_ONLY), "pythonic calls [f(a=1), g(b='x')]"),
    ("mistral", parse_mistral, "Mistral [TOOL_CALLS] [...] and [TOOL_CALLS]name[ARGS]{...}"),
    ("python_tag", parse_python_tag, "Llama <|python_tag|> calls"),
)


def decode_lenient(output: Any, format: str, context: ParseContext) -> list[ToolCall]:
    """Calls of one output read by the lenient parser, `format` being `auto` or a pinned format's name.

    `output` is text, an OpenAI chat-completions assistant message dict, or a list as BFCL records function-
    calling answers (`[{name: arguments}]`, possibly with text parts).
    """
    if isinstance(output, Mapping):
        # An OpenAI message's content is free text, which may hold any in-text format.
        content_format = "auto" if format == "openai" else format
        return parse_message(output, lambda text: _parse_text(text, content_format, context))
    if isinstance(output, str):
        return _parse_text(output, format, context)
    if isinstance(output, list):
        return calls_from_fc_list(output, lambda text: _parse_text(text, format, context))
    raise ParseError(f"model output must be text, a message or a list of calls, got {type(output).__name__}")


def _parse_text(text: str, format: str, context: ParseContext) -> list[ToolCall]:
    check_length(text)
    text = strip_reasoning(text)
    parser = _PARSERS[_detect_format(text)] if format == "auto" else _PARSERS[format]
    return parser(text, context)


def _detect_format(text: str) -> str:
    """The format of `text` (reasoning already stripped): a marker's, else free text
    (bare JSON, pythonic and fenced calls, read together)."""
    found = [(index, name) for marker, name in _MARKERS if (index := text.find(marker)) != -1]
    return min(found)[1] if found else "freeform"


_PARSERS: dict[str, _TextParser] = {name: parser for name, parser, _ in PINNED_FORMATS} | {"freeform": _FREEFORM}


def _lenient(name: str, summary: str) -> Decoder:
    return Decoder(name, lambda output, context: decode_lenient(output, name, context), summary)


AUTO = _lenient("auto", "every format below, detected per output (the default)")
HERMES, JSON, OPENAI, PYTHONIC, MISTRAL, PYTHON_TAG = (_lenient(name, summary) for name, _, summary in PINNED_FORMATS)
