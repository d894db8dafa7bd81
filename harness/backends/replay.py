"""The `replay` backend: answers with outputs recorded earlier, to re-score published outputs or to test.

Reads JSONL lines `{"case_id": ..., "output": ...}` with optional `latency_ms`, `ttft_ms`, `input_tokens`,
`output_tokens`. BFCL's result lines also work: `{"id": ..., "result": ...}` with `latency` in seconds and
`input_token_count` / `output_token_count`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from pydantic import BaseModel, ConfigDict, Field

from harness.backends.base import Capabilities, Generation, Prompt
from harness.errors import ErrorKind, HarnessInputError
from harness.io.hashing import file_sha256
from harness.suite.case_loader import read_jsonl

MISSING_OUTPUT = ErrorKind.MISSING_OUTPUT
_METRIC_FIELDS = ("latency_ms", "ttft_ms", "input_tokens", "output_tokens")
#: BFCL's names for the same facts, and the factor to our units (its latency is in seconds).
_BFCL_METRIC_FIELDS = {"latency": ("latency_ms", 1000.0), "input_token_count": ("input_tokens", 1),
                       "output_token_count": ("output_tokens", 1)}


class ReplayOptions(BaseModel):
    """The candidate keys the replay backend reads."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outputs: str = Field(min_length=1, description="JSONL of recorded outputs, relative to the suite")


class ReplayBackend:
    """Looks each prompt's case id up in a recorded-outputs file; a missing id is a per-case error."""

    Options = ReplayOptions
    #: Already on disk: nothing to cache, and no model to name.
    capabilities = Capabilities(cacheable=False, local_model=False, needs_model=False)
    claims = ("outputs",)
    latency_mode = "recorded"

    def __init__(self, outputs_path: str | Path):
        self.path = Path(outputs_path)
        self.recorded: dict[str, dict] = {}
        for line, data in read_jsonl(self.path):
            case_id = data.get("case_id", data.get("id"))
            if not isinstance(case_id, str) or not case_id:
                raise HarnessInputError("each recorded output needs a string case_id", path=self.path,
                                        line=line, field="case_id")
            if "output" not in data and "result" not in data:
                raise HarnessInputError("missing the recorded output", path=self.path, line=line, field="output")
            self.recorded[case_id] = {"output": data["output"] if "output" in data else data["result"],
                                      **_recorded_metrics(data, self.path, line)}

    def identity(self) -> dict:
        return {"backend": "replay", "outputs_sha256": file_sha256(self.path)}

    @classmethod
    def from_candidate(cls, candidate, suite, options: ReplayOptions | None = None,
                       adapter_path=None) -> "ReplayBackend":
        options = options or candidate.backend_options()
        return cls(suite.resolve(options.outputs) if suite is not None else options.outputs)

    @staticmethod
    def input_hashes(suite, options: ReplayOptions) -> dict[str, str]:
        """The recorded outputs are part of what a candidate is: a changed file is a changed candidate."""
        return {"outputs_sha256": file_sha256(suite.resolve(options.outputs))}

    @classmethod
    def check(cls, suite, candidate, options: ReplayOptions) -> None:
        """The outputs file exists and every line of it reads, before any candidate runs."""
        path = suite.resolve(options.outputs)
        if not path.is_file():
            raise suite.field_error(suite.candidate_location(candidate, "outputs"), f"outputs file not found: {path}")
        cls(path)

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        for prompt in prompts:
            data = self.recorded.get(prompt.case_id)
            if data is None:
                yield Generation(error_type=MISSING_OUTPUT, error=f"no recorded output for case {prompt.case_id!r}")
                continue
            yield Generation(**data)


def _recorded_metrics(data: dict, path: Path, line: int) -> dict[str, Any]:
    """Latency and tokens of one recorded line in our units; BFCL's spellings count when ours are absent."""
    metrics: dict[str, Any] = {}
    fields = [(name, name, 1) for name in _METRIC_FIELDS]
    fields += [(theirs, ours, factor) for theirs, (ours, factor) in _BFCL_METRIC_FIELDS.items()]
    for field, ours, factor in fields:
        value = data.get(field)
        if value is None or ours in metrics:
            continue
        if isinstance(value, list) and value and field in _BFCL_METRIC_FIELDS:
            value = _summed(value)  # BFCL records one number per step of a multi-step answer
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise HarnessInputError("must be a non-negative number", path=path, line=line, field=field)
        metrics[ours] = round(value * factor, 3) if factor != 1 else value
    return metrics


def _summed(values: list) -> Any:
    flat = [item for value in values for item in (value if isinstance(value, list) else [value])]
    if all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in flat):
        return sum(flat)
    return values  # reported as not a number by the caller
