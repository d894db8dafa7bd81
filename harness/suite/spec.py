"""What to run, as frozen data: the suite spec and each candidate's spec, validated from YAML.

Specs say *what* (cases, candidates, scoring); the runner decides *how*. Unknown keys are errors,
so a typo in a suite never silently falls back to a default.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.io.hashing import json_sha256

SCORING_MODES = ("strict", "bfcl")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DataFiles(_Frozen):
    """Data files, each relative to the suite YAML."""

    test: str = Field(description="JSONL test cases (required)")
    train: Optional[str] = Field(None, description="JSONL chat-format training examples (fine-tuning)")
    examples: Optional[str] = Field(None, description="JSONL example bank for few-shot and RAG")
    tools: Optional[str] = Field(None, description="JSON/JSONL tool library; cases may name tools from it")


NameMapping = Literal["exact", "underscore_to_dot"]


def _known_decoder(value: str | None) -> str | None:
    from harness.parsing import decoder_names

    if value is not None and value not in decoder_names():
        raise ValueError(f"unknown decoder {value!r} (known: {', '.join(decoder_names())})")
    return value


class ScoringSpec(_Frozen):
    """How outputs are read and judged; a candidate may override `decoder` and `names`."""

    mode: Literal["strict", "bfcl"] = "strict"
    #: How raw output becomes calls: "auto" detects the format per output; `harness.parsing.decoder_names()`
    #: lists the rest. `parser:` is the older spelling.
    decoder: str = Field("auto", validation_alias=AliasChoices("decoder", "parser"))
    #: `underscore_to_dot`: score function names as an API that forbids `.` shows them (harness.scoring.names).
    names: NameMapping = "exact"

    _check_decoder = field_validator("decoder")(classmethod(lambda cls, value: _known_decoder(value)))


class GenerationSpec(_Frozen):
    """How a local or remote model generates: greedy decoding, bounded length, batching for latency."""

    max_new_tokens: int = Field(160, ge=1, le=8192)
    #: `batched`: throughput (latency per case = its batch's wall time / batch size, marked as such);
    #: `per_request`: batch 1, honest per-call latency.
    latency_mode: Literal["batched", "per_request"] = "batched"
    batch_size: int = Field(8, ge=1, le=1024)


class EndpointSpec(_Frozen):
    """An OpenAI-compatible chat-completions endpoint (vLLM, TGI, llama.cpp server, hosted APIs)."""

    base_url: str = Field(min_length=1, description="e.g. http://localhost:8000/v1")
    #: Name of the environment variable holding the API key; the key itself never appears in a suite or result.
    api_key_env: Optional[str] = "OPENAI_API_KEY"
    tool_mode: Literal["native", "prompt"] = "native"
    concurrency: int = Field(4, ge=1, le=256)
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0, le=20)


class LoraSpec(_Frozen):
    """A LoRA fine-tune on the suite's train split, run before the candidate is evaluated."""

    r: int = Field(16, ge=1)
    alpha: float = Field(32, gt=0)
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: str | tuple[str, ...] = "all-linear"
    epochs: Optional[float] = Field(None, gt=0)
    max_steps: Optional[int] = Field(None, ge=1)
    learning_rate: float = Field(2e-4, gt=0)
    lr_scheduler: Literal["linear", "cosine", "constant"] = "cosine"
    warmup_ratio: float = Field(0.1, ge=0, lt=1)
    batch_size: int = Field(8, ge=1)
    grad_accum: int = Field(1, ge=1)
    max_length: int = Field(384, ge=16)
    #: Fraction of the train split held out for evaluation during training (0: none).
    validation_fraction: float = Field(0.05, ge=0, lt=0.5)
    #: Training examples used (first N after a seeded shuffle); None: all.
    max_examples: Optional[int] = Field(None, ge=1)
    seed: Optional[int] = None
    merge: bool = Field(False, description="merge the adapter into the base weights for serving")

    @model_validator(mode="after")
    def _has_length(self) -> "LoraSpec":
        if self.epochs is None and self.max_steps is None:
            raise ValueError("a lora block needs `epochs` or `max_steps`")
        return self


class CandidateSpec(_Frozen):
    """One candidate = backend + model (+ optional LoRA fine-tune) + prompting strategy."""

    name: str = Field(min_length=1)
    backend: Optional[str] = Field(None, description="replay | hf | openai; default: replay when `outputs` is "
                                                     "set, openai when `endpoint` is set, else hf")
    model: Optional[str] = Field(None, description="tiny | smollm2-135m-instruct | a hub id or local path "
                                                   "(hf); the served model name (openai)")
    strategy: str = "zero_shot"
    #: few_shot / rag: how many examples (or tools) to put in the prompt.
    k: int = Field(3, ge=0, le=64)
    #: few_shot: which examples: the first k (`fixed`), a seeded random k per case, or the k most similar.
    select: Literal["fixed", "random", "similar"] = "fixed"
    #: rag: how similarity is measured.
    retriever: Literal["bm25", "minilm"] = "bm25"
    #: rag: retrieve solved examples, the relevant tools from the suite's tool library, or both.
    retrieve: Literal["examples", "tools", "both"] = "examples"
    outputs: Optional[str] = Field(None, description="replay backend: JSONL of recorded outputs, relative to the suite")
    endpoint: Optional[EndpointSpec] = None
    adapter: Optional[str] = Field(None, description="hf: an existing PEFT adapter folder, relative to the suite")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    generation: GenerationSpec = GenerationSpec()
    lora: Optional[LoraSpec] = None
    #: How this candidate's outputs become calls, and how its API spells function names (default: the suite's
    #: `scoring:`), e.g. `decoder: bfcl_hermes` for a Hermes-style model, `names: underscore_to_dot` for an API
    #: that forbids `.` in function names.
    decoder: Optional[str] = None
    names: Optional[NameMapping] = None

    _check_decoder = field_validator("decoder")(classmethod(lambda cls, value: _known_decoder(value)))

    @field_validator("name")
    @classmethod
    def _name_is_filename_safe(cls, value: str) -> str:
        if any(ch in value for ch in "/\\\n\t") or value.strip() != value:
            raise ValueError("candidate names may not contain slashes, tabs, newlines or edge spaces")
        return value

    @model_validator(mode="after")
    def _backend_inputs(self) -> "CandidateSpec":
        backend = self.resolved_backend
        if backend == "replay" and not self.outputs:
            raise ValueError("a replay candidate needs `outputs: path/to/outputs.jsonl`")
        if backend == "openai" and self.endpoint is None:
            raise ValueError("an openai candidate needs `endpoint: {base_url: ...}`")
        if backend in ("hf", "openai") and not self.model:
            raise ValueError(f"a {backend} candidate needs `model:`")
        if self.lora is not None and backend != "hf":
            raise ValueError("a `lora:` block needs the hf backend (a local model to train)")
        if self.lora is not None and self.adapter is not None:
            raise ValueError("give either `lora:` (train an adapter) or `adapter:` (use one), not both")
        return self

    def scoring(self, suite_scoring: ScoringSpec) -> ScoringSpec:
        """The suite's scoring with this candidate's `decoder` and `names` where it sets them."""
        overrides = {key: value for key, value in (("decoder", self.decoder), ("names", self.names)) if value}
        return suite_scoring.model_copy(update=overrides) if overrides else suite_scoring

    @property
    def resolved_backend(self) -> str:
        if self.backend:
            return self.backend
        if self.outputs:
            return "replay"
        return "openai" if self.endpoint is not None else "hf"

    def spec_hash(self, extra: dict[str, Any] | None = None) -> str:
        """Content hash of the resolved spec (plus e.g. the bytes hash of replay outputs)."""
        payload = self.model_dump(mode="json") | {"backend": self.resolved_backend} | (extra or {})
        return json_sha256(payload)[:16]


class TokenPrice(_Frozen):
    """A hosted model's list price in USD per million tokens."""

    input_per_1m_usd: float = Field(ge=0)
    output_per_1m_usd: float = Field(ge=0)


class PricesSpec(_Frozen):
    """A suite's `prices:` block: overrides merged over the shipped table (`harness/data/prices.yaml`).

    `models`: {model name: {input_per_1m_usd, output_per_1m_usd}} for token-priced (hosted) models;
    `devices`: {cpu | cuda | ...: USD per device-hour} for local models. The short form
    `local_<device>_hour_usd: 0.10` (e.g. `local_cpu_hour_usd`) means `devices: {<device>: 0.10}`.
    """

    models: dict[str, TokenPrice] = Field(default_factory=dict)
    devices: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _fold_short_device_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        devices = dict(data.get("devices") or {})
        for key in [k for k in data if isinstance(k, str) and k.startswith("local_") and k.endswith("_hour_usd")]:
            devices[key.removeprefix("local_").removesuffix("_hour_usd")] = data.pop(key)
        if devices:
            data["devices"] = devices
        return data

    @field_validator("devices")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for device, price in value.items():
            if price < 0:
                raise ValueError(f"device price for {device!r} must be >= 0")
        return value


class SuiteSpec(_Frozen):
    """A suite YAML, validated. Paths stay as written; `harness.suite.load.load_suite` resolves them."""

    name: str = Field(min_length=1)
    version: int | str = 1
    description: str = ""
    data: DataFiles
    scoring: ScoringSpec = ScoringSpec()
    prices: PricesSpec = PricesSpec()
    seed: int = 0
    candidates: tuple[CandidateSpec, ...] = ()
    gate: Optional[dict[str, Any]] = None

    @field_validator("candidates")
    @classmethod
    def _unique_candidate_names(cls, value: tuple[CandidateSpec, ...]) -> tuple[CandidateSpec, ...]:
        seen: set[str] = set()
        for candidate in value:
            if candidate.name in seen:
                raise ValueError(f"duplicate candidate name {candidate.name!r}")
            seen.add(candidate.name)
        return value
