"""Intents: one tool's paraphrase templates plus a sampler of argument values, and `realise`, which
fills a template and derives both the BFCL-style expected call and the training call from it.

An argument counts as stated only when the template's wording states it (through a slot or a
fixed value); every other optional argument is expected as omittable (its default or "").
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from string import Formatter
from typing import Any, Callable

from toolshop_gen.tools import FAMILY_OF, schema_of

SUFFIX = re.compile(r"^(.*)_([1-9])$")


@dataclass(frozen=True)
class Value:
    """An argument's value: acceptable answers for scoring, and the canonical one for training."""

    accept: list
    call: Any


def val(call: Any, *also: Any) -> Value:
    return Value([call, *also], call)


@dataclass
class Draw:
    """One sample of argument values and the texts that state them.

    `slots` maps a template placeholder to its text and the arguments that text states.
    """

    values: dict[str, Value] = field(default_factory=dict)
    slots: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    def arg(self, name: str, value: Value, text: str | None = None, slot: str | None = None) -> "Draw":
        self.values[name] = value
        if text is not None:
            self.slots[slot or name] = (text, (name,))
        return self

    def say(self, slot: str, text: str, *states: str) -> "Draw":
        self.slots[slot] = (text, states)
        return self


@dataclass(frozen=True)
class Template:
    text: str
    fixed: dict[str, Value] = field(default_factory=dict)
    held_out: bool = False


def T(text: str, held_out: bool = False, **fixed: Any) -> Template:
    """A template; keyword arguments are values its wording states (a list = acceptable values)."""
    values = {k: (Value(v, v[0]) if isinstance(v, list) else val(v)) for k, v in fixed.items()}
    return Template(text, values, held_out)


def held(*texts: str | Template) -> list[Template]:
    return [Template(t.text, t.fixed, True) if isinstance(t, Template) else T(t, True) for t in texts]


def plain(*texts: str | Template) -> list[Template]:
    return [t if isinstance(t, Template) else T(t) for t in texts]


@dataclass(frozen=True)
class Intent:
    name: str
    tool: str
    sample: Callable[..., Draw]
    templates: tuple[Template, ...]
    parallel: tuple[Template, ...] = ()
    #: what the tool does, for no-call replies when it is not offered ("check the weather")
    capability: str = ""
    #: arguments naming what a call acts on; two calls in one request must differ in them
    #: (locking and unlocking the same door in one message would be a contradiction, not a test)
    identity: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return FAMILY_OF[self.tool]

    def template_id(self, template: Template) -> str:
        if template in self.templates:
            return f"{self.name}/{self.templates.index(template)}"
        return f"{self.name}/p{self.parallel.index(template)}"


@dataclass(frozen=True)
class Realised:
    text: str
    expected: list[dict]       # [{tool: {arg: [acceptable...]}}]
    calls: list[dict]          # [{"name": tool, "arguments": {...}}]


def fields_of(text: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(text) if name]


def call_count(template: Template) -> int:
    indices = [int(m.group(2)) for m in map(SUFFIX.match, fields_of(template.text)) if m]
    return max(indices, default=1)


def realise(intent: Intent, template: Template, draws: list[Draw]) -> Realised:
    """Fill `template` from `draws` (one per call: a `_2` placeholder reads draw 2; a bare one, draw 1)."""
    n_calls = call_count(template)
    texts: dict[str, str] = {}
    stated: list[dict[str, Value]] = [dict(template.fixed) for _ in range(n_calls)]
    for name in fields_of(template.text):
        match = SUFFIX.match(name)
        base, index = (match.group(1), int(match.group(2)) - 1) if match else (name, None)
        draw = draws[index or 0]
        text, states = draw.slots[base]
        texts[name] = text
        for call in range(n_calls) if index is None else [index]:
            for argument in states:
                stated[call][argument] = draw.values[argument]
    text = template.text.format(**texts)
    expected, calls = [], []
    for values in stated:
        answer, arguments = _call_for(intent.tool, values, template)
        expected.append({intent.tool: answer})
        calls.append({"name": intent.tool, "arguments": arguments})
    return Realised(text, expected, calls)


def _call_for(tool: str, values: dict[str, Value], template: Template) -> tuple[dict, dict]:
    schema = schema_of(tool)
    answer: dict[str, list] = {}
    arguments: dict[str, Any] = {}
    for argument, prop in schema["properties"].items():
        if argument in values:
            value = values[argument]
            accept = list(value.accept)
            if "default" in prop and value.call == prop["default"] and "" not in accept:
                accept.append("")  # stating the default or leaving it out does the same thing
            answer[argument] = accept
            arguments[argument] = value.call
        elif argument in schema["required"]:
            raise ValueError(f"template {template.text!r} does not state required argument {argument!r}")
        else:
            answer[argument] = [prop["default"], ""] if "default" in prop else [""]
    return answer, arguments


def calls_key(realised: Realised) -> list[str]:
    return [json.dumps(c, sort_keys=True, ensure_ascii=False) for c in realised.calls]
