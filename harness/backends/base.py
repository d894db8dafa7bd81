"""The one interface every model backend implements, and the registry that finds backends by name.

A backend turns prompts into generations; caching, scoring and timing stay outside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

from harness.suite.cases import Tool
from harness.plugins import Registry


@dataclass(frozen=True)
class Prompt:
    """What a strategy asks the model: the chat so far and the tools it may call."""

    case_id: str
    messages: tuple[Mapping[str, Any], ...] = field(hash=False)
    tools: tuple[Tool, ...] = field(hash=False)

    def to_json(self) -> dict:
        """The prompt as data (messages + OpenAI-style tools): what a cache key or a log records."""
        return {"case_id": self.case_id, "messages": [dict(m) for m in self.messages],
                "tools": [tool.to_json() for tool in self.tools]}


@dataclass(frozen=True)
class Generation:
    """One model answer and what it cost. `error` set means the backend failed on this prompt."""

    output: Any = None               # text, or an OpenAI assistant message dict
    latency_ms: float | None = None
    ttft_ms: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    error_type: str | None = None
    error: str | None = None


class ModelBackend(Protocol):
    """Generates one `Generation` per prompt, in order. Failures on a prompt become `Generation(error=...)`.

    `identity()` names everything that decides the outputs (model and weights revision, chat template,
    adapter, generation settings) as JSON-able data; the generation cache keys on it with each prompt.
    Generations are yielded as they finish, so a caller can store each before the next is made.
    """

    def identity(self) -> Mapping[str, Any]: ...

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]: ...


BackendFactory = Callable[..., ModelBackend]
_BACKENDS: Registry[BackendFactory] = Registry("backend")


def register_backend(name: str) -> Callable[[BackendFactory], BackendFactory]:
    """Register `factory(candidate_spec, suite) -> ModelBackend` as `backend: <name>` in suites."""
    return _BACKENDS.register(name)


def backend_factory(name: str) -> BackendFactory:
    return _BACKENDS.get(name)


def known_backends() -> tuple[str, ...]:
    return _BACKENDS.names()
