"""What to run, as frozen data: the suite spec and each candidate's spec, validated from YAML.

Specs say *what* (cases, candidates, scoring); the runner decides *how*. Unknown keys are errors,
so a typo in a suite never silently falls back to a default.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCORING_MODES = ("strict", "bfcl")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DataFiles(_Frozen):
    """Data files, each relative to the suite YAML."""

    test: str = Field(description="JSONL test cases (required)")
    train: Optional[str] = Field(None, description="JSONL chat-format training examples (fine-tuning)")
    examples: Optional[str] = Field(None, description="JSONL example bank for few-shot and RAG")
    tools: Optional[str] = Field(None, description="JSON/JSONL tool library; cases may name tools from it")


class ScoringSpec(_Frozen):
    mode: Literal["strict", "bfcl"] = "strict"
    #: Output format to parse; "auto" detects it per output.
    parser: str = "auto"


class CandidateSpec(_Frozen):
    """One candidate: a backend (+ model) under a prompting strategy; later fields add fine-tuning."""

    name: str = Field(min_length=1)
    backend: Optional[str] = Field(None, description="replay | hf | openai; default: replay when `outputs` is set")
    model: Optional[str] = None
    strategy: str = "zero_shot"
    outputs: Optional[str] = Field(None, description="replay backend: JSONL of recorded outputs, relative to the suite")

    @field_validator("name")
    @classmethod
    def _name_is_filename_safe(cls, value: str) -> str:
        if any(ch in value for ch in "/\\\n\t") or value.strip() != value:
            raise ValueError("candidate names may not contain slashes, tabs, newlines or edge spaces")
        return value

    @model_validator(mode="after")
    def _backend_inputs(self) -> "CandidateSpec":
        if self.resolved_backend == "replay" and not self.outputs:
            raise ValueError("a replay candidate needs `outputs: path/to/outputs.jsonl`")
        return self

    @property
    def resolved_backend(self) -> str:
        return self.backend or ("replay" if self.outputs else "hf")

    def spec_hash(self, extra: dict[str, Any] | None = None) -> str:
        """Content hash of the resolved spec (plus e.g. the bytes hash of replay outputs)."""
        payload = self.model_dump(mode="json") | {"backend": self.resolved_backend} | (extra or {})
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


class SuiteSpec(_Frozen):
    """A suite YAML, validated. Paths stay as written; `harness.suite.load_suite` resolves them."""

    name: str = Field(min_length=1)
    version: int | str = 1
    description: str = ""
    data: DataFiles
    scoring: ScoringSpec = ScoringSpec()
    prices: dict[str, float] = Field(default_factory=dict)
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
