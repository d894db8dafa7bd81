"""The one interface every model backend implements, the capabilities it declares, and lookup by name.

A backend turns prompts into generations; caching, scoring and timing stay outside it. Backends are plugins
(entry-point group `fc_harness.backends`), the built-in hf, openai and replay ones included.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, Mapping, Protocol, Sequence

from pydantic import BaseModel, ConfigDict, Field

from harness.plugins import BACKENDS, registry
from harness.suite.cases import Tool


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

    #: What a generation's `latency_ms` means: `batched` (its share of a batch's wall time), `per_request`
    #: (a batch of one), or `recorded` (whatever a replayed file says).
    latency_mode: str

    def identity(self) -> Mapping[str, Any]: ...

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]: ...


class GenerationSpec(BaseModel):
    """How a local or remote model generates: greedy decoding, bounded length, batching for latency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_new_tokens: int = Field(160, ge=1, le=8192)
    #: `batched`: throughput (latency per case = its batch's wall time / batch size, marked as such);
    #: `per_request`: batch 1, honest per-call latency.
    latency_mode: Literal["batched", "per_request"] = "batched"
    batch_size: int = Field(8, ge=1, le=1024)


@dataclass(frozen=True)
class Capabilities:
    """What the runner may do with a backend, declared by the backend instead of checked by name.

    `cacheable`: its outputs are worth keeping in the generation cache (a replayed file is not);
    `local_model`: it runs a local model, so it can train and serve LoRA adapters and is priced per device-hour;
    `needs_model`: a candidate must name `model:`.
    """

    cacheable: bool = True
    local_model: bool = False
    needs_model: bool = True


class NoOptions(BaseModel):
    """A plugin that reads no candidate keys of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class BackendPlugin(Protocol):
    """What a backend plugin (an entry point in group `fc_harness.backends`) provides.

    `Options`: the pydantic model of the candidate keys it reads (`endpoint:`, `outputs:`, ...); `claims`: keys
    whose presence selects it when a candidate names no `backend:`; `from_candidate` builds the backend. An
    optional `check(suite, candidate, options)` raises `suite.field_error(...)` for a candidate it cannot serve;
    it runs when the suite loads, so it must be cheap (no model loads, no network). An optional
    `input_hashes(suite, options)` names the hashes of files it reads (they join the candidate's spec hash).
    """

    Options: type[BaseModel]
    capabilities: Capabilities
    claims: tuple[str, ...]

    @classmethod
    def from_candidate(cls, candidate: Any, suite: Any, options: Any, adapter_path: Any = None) -> ModelBackend: ...


#: The backend of a candidate that names none and whose keys no backend claims: a local transformers model.
DEFAULT_BACKEND = "hf"


def backend_plugin(name: str) -> BackendPlugin:
    """The backend registered as `name` (an unknown name is bad input naming the known ones)."""
    return registry(BACKENDS).get(name)


def backend_names() -> tuple[str, ...]:
    return registry(BACKENDS).names()
