"""The data model every stage shares: tools offered, calls made, calls expected, test cases.

Plain frozen dataclasses with `to_json` / `from_json`, so suites, results and caches agree on one shape.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: BFCL convention: this value in an acceptable-value list means "the argument may be omitted".
OMITTABLE = ""
#: `case.meta` key naming why a case's ground truth can never pass; such cases load, score and are reported apart.
GROUND_TRUTH_DEFECT_KEY = "ground_truth_defect"


@dataclass(frozen=True)
class Tool:
    """A function the model may call; `parameters` is standard JSON Schema (draft 2020-12).

    BFCL-only types are normalised at load time; the original BFCL type survives as the
    annotation keyword `x-bfcl-type`, so the `bfcl` scoring mode can reproduce BFCL's checks.
    """

    name: str
    description: str
    parameters: Mapping[str, Any] = field(hash=False, compare=True)

    def to_json(self) -> dict:
        """OpenAI `tools` entry, the shape chat templates and HTTP endpoints take."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("required", ()))

    @property
    def properties(self) -> Mapping[str, Any]:
        return self.parameters.get("properties", {})


@dataclass(frozen=True)
class ToolCall:
    """One call a model produced: a function name and its arguments (already-parsed JSON-like data)."""

    name: str
    arguments: Mapping[str, Any] = field(hash=False)

    def to_json(self) -> dict:
        return {"name": self.name, "arguments": dict(self.arguments)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ToolCall":
        return cls(name=data["name"], arguments=dict(data.get("arguments") or {}))


@dataclass(frozen=True)
class ExpectedCall:
    """One call a case expects: per argument, the list of acceptable values (`""` = may be omitted)."""

    name: str
    arguments: Mapping[str, tuple[Any, ...]] = field(hash=False)

    def is_omittable(self, argument: str) -> bool:
        return any(_is_omittable_marker(value) for value in self.arguments.get(argument, ()))

    @property
    def mandatory_arguments(self) -> tuple[str, ...]:
        """Arguments the answer must contain (those whose acceptable list lacks `""`)."""
        return tuple(name for name in self.arguments if not self.is_omittable(name))

    def to_json(self) -> dict:
        """BFCL ground-truth form: `{name: {argument: [acceptable, ...]}}`."""
        return {self.name: {arg: list(values) for arg, values in self.arguments.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ExpectedCall":
        (name, arguments), = data.items()
        return cls(name=name, arguments={arg: tuple(values) for arg, values in arguments.items()})


def _is_omittable_marker(value: Any) -> bool:
    return isinstance(value, str) and value == OMITTABLE


@dataclass(frozen=True)
class Case:
    """A test case: chat history ending with the user turn, tools offered, calls expected.

    An empty `expected` means the right answer is no call at all (irrelevance).
    """

    id: str
    category: str
    messages: tuple[Mapping[str, Any], ...] = field(hash=False)
    tools: tuple[Tool, ...] = field(hash=False)
    expected: tuple[ExpectedCall, ...] = field(hash=False)
    #: Free-form annotations carried into results (e.g. a known ground-truth defect).
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def expects_call(self) -> bool:
        return bool(self.expected)

    def tool(self, name: str) -> Tool | None:
        for tool in self.tools:
            if tool.name == name:
                return tool
        return None

    def to_json(self) -> dict:
        data = {
            "id": self.id,
            "category": self.category,
            "messages": [dict(m) for m in self.messages],
            "tools": [tool.to_json() for tool in self.tools],
            "expected": [call.to_json() for call in self.expected],
        }
        if self.meta:
            data["meta"] = dict(self.meta)
        return data
