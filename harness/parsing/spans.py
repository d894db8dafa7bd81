"""Find the bracketed regions (`{...}`, `[...]`) of free text in one linear pass.

They are the candidate JSON objects, JSON lists and pythonic call lists; nothing here decodes them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH

_CLOSER = {"{": "}", "[": "]"}
_SPECIAL = re.compile(r'[\[\]{}"\\\n]')


@dataclass(slots=True)
class Span:
    """`text[start:end]` is one bracketed region; `closed` is False when the text ran out first."""

    start: int
    end: int
    closed: bool
    children: list["Span"] = field(default_factory=list)

    def own_text(self, text: str) -> str:
        """The span's text with its children cut out: what is left to blame when nothing decodes."""
        pieces, position = [], self.start
        for child in self.children:
            pieces.append(text[position:child.start])
            position = child.end
        pieces.append(text[position:self.end])
        return "".join(pieces)


def scan_spans(text: str, start: int = 0, *, first_only: bool = False) -> list[Span]:
    """Outermost bracketed spans of `text[start:]`, in order; unclosed ones run to the end.

    With `first_only`, stop as soon as the first outermost span closes (for prefix decoding).
    Double-quoted strings inside brackets are skipped so that `"a}"` does not close anything;
    a string also ends at a newline, as JSON strings cannot hold one, so one stray quote in
    prose cannot swallow the rest of the output. A closer that does not match is ignored.
    Raises ParseError past MAX_DEPTH open brackets, which also bounds the decoding work
    done on the spans (each character is in at most MAX_DEPTH of them).
    """
    top: list[Span] = []
    stack: list[tuple[Span, str]] = []
    in_string, escaped_at = False, -1
    for match in _SPECIAL.finditer(text, start):
        char = match.group()
        if in_string:
            if match.start() == escaped_at:
                continue
            if char == "\\":
                escaped_at = match.end()
            elif char == '"' or char == "\n":
                in_string = False
        elif char in _CLOSER:
            if len(stack) >= MAX_DEPTH:
                raise ParseError(f"brackets nested deeper than {MAX_DEPTH} levels")
            stack.append((Span(match.start(), -1, False), _CLOSER[char]))
        elif not stack:
            continue  # quotes and closers outside brackets are prose
        elif char == '"':
            in_string = True
        elif char == stack[-1][1]:
            span = stack.pop()[0]
            span.end, span.closed = match.end(), True
            if stack:
                stack[-1][0].children.append(span)
            else:
                top.append(span)
                if first_only:
                    return top
    return top + _chain_unclosed([span for span, _ in stack], len(text))


def _chain_unclosed(unclosed: list[Span], text_end: int) -> list[Span]:
    """Brackets still open at the end: each runs to the end and holds the next one."""
    for outer, inner in zip(unclosed, unclosed[1:]):
        outer.children.append(inner)
    for span in unclosed:
        span.end = text_end
    return unclosed[:1]
