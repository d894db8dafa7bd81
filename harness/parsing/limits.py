"""Bounds that keep parsing cheap on hostile model output, all in one place.

Every check raises ParseError, so a hostile output is scored as a parse failure, never a crash.
"""
from __future__ import annotations

from harness.parsing.errors import ParseError

#: Longest output we read; real tool-call outputs are a few KB, so more is runaway generation.
MAX_INPUT_CHARS = 100_000
#: Deepest nesting of brackets or parsed values; tool arguments rarely go past 4 or 5.
MAX_DEPTH = 32
#: Most opening brackets free text may hold: each opens a region to decode, and a real answer
#: (MAX_CALLS calls, a few brackets each) stays far below.
MAX_BRACKETS = 5_000
#: Most calls one output may hold; BFCL's widest parallel cases have under 10.
MAX_CALLS = 256
#: Characters handed to `ast.parse` per output: it costs up to ~2.5 ms per KB, so this caps it
#: near 0.15 s; MAX_CALLS pythonic calls of 250 characters each still fit.
MAX_PYTHON_PARSE_CHARS = 64_000


def check_length(text: str, what: str = "output") -> None:
    if len(text) > MAX_INPUT_CHARS:
        raise ParseError(f"{what} is {len(text)} characters, over the limit of {MAX_INPUT_CHARS}")


def check_call_count(count: int) -> None:
    if count > MAX_CALLS:
        raise ParseError(f"output holds more than {MAX_CALLS} calls")


def check_bracket_count(text: str) -> None:
    count = text.count("[") + text.count("{")
    if count > MAX_BRACKETS:
        raise ParseError(f"output holds {count} brackets, over the limit of {MAX_BRACKETS}")


#: Largest integer an arithmetic result may have (bits): real arguments are far below; `9 ** 9 ** 9` is not.
MAX_INTEGER_BITS = 4096


class ParseContext:
    """One `parse_tool_calls` call's state: the rules for pythonic values and what is left of
    MAX_PYTHON_PARSE_CHARS.

    `mode` is the scoring mode: `bfcl` reads pythonic calls with BFCL's AST semantics (bare names are
    strings, positional arguments are dropped, ...), `strict` accepts only what BFCL would read the same way.
    `ast.parse` is the one slow step; a shared budget (rather than a per-fragment cap) also bounds
    outputs made of thousands of small fragments.
    """

    def __init__(self, mode: str = "strict", chars: int = MAX_PYTHON_PARSE_CHARS) -> None:
        if mode not in ("strict", "bfcl"):
            raise ParseError(f"unknown parsing mode {mode!r}; use strict or bfcl")
        self.mode = mode
        self._left = [chars]  # shared with `with_mode` copies: one budget per output

    @property
    def bfcl(self) -> bool:
        return self.mode == "bfcl"

    @property
    def left(self) -> int:
        return self._left[0]

    def with_mode(self, mode: str) -> "ParseContext":
        """The same budget read under other rules (a decoder that `eval`s in BFCL reads literals strictly)."""
        other = ParseContext(mode)
        other._left = self._left
        return other

    def spend(self, chars: int) -> None:
        if chars > self._left[0]:
            raise ParseError("output needs too much Python-literal parsing; is it a runaway generation?")
        self._left[0] -= chars
