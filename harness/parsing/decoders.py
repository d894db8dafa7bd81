"""Decoders by name: how one candidate's raw output becomes calls (`decoder:` in a suite or candidate).

`auto` (the default) reads every format it recognises; the other lenient names pin one format; the `bfcl_*`
decoders reproduce one BFCL model-handler family exactly (`harness.parsing.bfcl_styles`). A decoder returns
the calls ([] for none) or raises ParseError; it never sees anything but data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from harness.suite.cases import ToolCall
from harness.errors import HarnessInputError
from harness.parsing.limits import ParseContext

DecodeFunction = Callable[[Any, ParseContext], list[ToolCall]]


@dataclass(frozen=True)
class Decoder:
    """A named way of reading outputs; `summary` is the one line `harness decoders` and the docs show."""

    name: str
    decode: DecodeFunction
    summary: str


_DECODERS: dict[str, Decoder] = {}


def register_decoder(name: str, summary: str) -> Callable[[DecodeFunction], DecodeFunction]:
    """Decorator: make `decode(output, context)` available as `decoder: <name>`. A name is registered once."""
    def decorate(decode: DecodeFunction) -> DecodeFunction:
        if name in _DECODERS and _DECODERS[name].decode is not decode:
            raise ValueError(f"decoder {name!r} is registered twice")
        _DECODERS[name] = Decoder(name, decode, summary)
        return decode
    return decorate


def decoder_named(name: str) -> Decoder:
    """The decoder registered as `name`; an unknown name is bad input naming the known ones."""
    _load_builtins()
    if name not in _DECODERS:
        raise HarnessInputError(f"unknown decoder {name!r} (known: {', '.join(decoder_names())})", field="decoder")
    return _DECODERS[name]


def decoder_names() -> tuple[str, ...]:
    _load_builtins()
    return tuple(sorted(_DECODERS))


def _load_builtins() -> None:
    from harness.parsing import bfcl_styles, formats  # noqa: F401  (register on import)
