"""Decoders by name: how one candidate's raw output becomes calls (`decoder:` in a suite or candidate).

`auto` (the default) reads every format it recognises; the other lenient names pin one format; the `bfcl_*`
decoders reproduce one BFCL model-handler family exactly (`harness.parsing.bfcl_styles`). A decoder returns
the calls ([] for none) or raises ParseError; it never sees anything but data. Decoders are plugins
(entry-point group `fc_harness.decoders`), the built-ins included.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from harness.parsing.limits import ParseContext
from harness.plugins import DECODERS, registry
from harness.suite.cases import ToolCall

DecodeFunction = Callable[[Any, ParseContext], list[ToolCall]]


@dataclass(frozen=True)
class Decoder:
    """A named way of reading outputs; `summary` is the one line `harness decoders` and the docs show."""

    name: str
    decode: DecodeFunction
    summary: str

    def __call__(self, output: Any, context: ParseContext) -> list[ToolCall]:
        return self.decode(output, context)


def decoder(summary: str, name: str | None = None) -> Callable[[DecodeFunction], Decoder]:
    """Decorator: a decode function as a `Decoder` named after it (or `name`); a plugin package exposes it as an
    entry point in group `fc_harness.decoders`."""
    def make(decode: DecodeFunction) -> Decoder:
        return Decoder(name or decode.__name__, decode, summary)
    return make


def decoder_named(name: str) -> Decoder:
    """The decoder registered as `name`; an unknown name is bad input naming the known ones."""
    return registry(DECODERS).get(name)


def decoder_names() -> tuple[str, ...]:
    return registry(DECODERS).names()
