"""Turn untrusted model output into tool calls: `parse_tool_calls(output, decoder="auto", mode="strict")`.

Plain text is no call (`[]`); a malformed call attempt or an exceeded bound raises ParseError. `decoder`
names how outputs are read (`harness.parsing.decoders`); `mode` is the scoring mode, which decides how
pythonic values are read (`harness.parsing.pythonic`).
"""
from __future__ import annotations

from typing import Any

from harness.parsing.decoders import Decoder, decoder, decoder_named, decoder_names
from harness.parsing.errors import ParseError
from harness.parsing.limits import ParseContext, check_call_count
from harness.suite.cases import ToolCall

__all__ = ["Decoder", "ParseError", "decoder", "decoder_named", "decoder_names", "parse_tool_calls"]


def parse_tool_calls(output: Any, decoder: str = "auto", mode: str = "strict") -> list[ToolCall]:
    """The tool calls in one model output, in order.

    `output` is the generated text, an OpenAI chat-completions assistant message dict, or a recorded list of
    calls. Returns [] for no call; raises ParseError (and nothing else) for a malformed attempt or an exceeded
    bound (see limits.py). An unknown `decoder` is a HarnessInputError (suites check names when they load).
    """
    decode = decoder_named(decoder).decode
    try:
        calls = decode(output, ParseContext(mode))
    except (RecursionError, MemoryError) as exc:  # hostile input past what the bounds pre-empt
        raise ParseError(f"output too complex to parse ({type(exc).__name__})") from None
    check_call_count(len(calls))
    return calls
