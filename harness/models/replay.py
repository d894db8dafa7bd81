"""The `replay` backend: answers with outputs recorded earlier, to re-score published outputs or to test.

Reads JSONL lines `{"case_id": ..., "output": ...}` (BFCL's `{"id": ..., "result": ...}` also works).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from harness.case_loader import read_jsonl
from harness.errors import HarnessInputError
from harness.hashing import file_sha256
from harness.models.base import Generation, Prompt, register_backend

MISSING_OUTPUT = "missing_output"
_METRIC_FIELDS = ("latency_ms", "ttft_ms", "input_tokens", "output_tokens")


class ReplayBackend:
    """Looks each prompt's case id up in a recorded-outputs file; a missing id is a per-case error."""

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
            for name in _METRIC_FIELDS:
                value = data.get(name)
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                    raise HarnessInputError("must be a non-negative number", path=self.path, line=line, field=name)
            self.recorded[case_id] = data

    def identity(self) -> dict:
        return {"backend": "replay", "outputs_sha256": file_sha256(self.path)}

    @classmethod
    def from_candidate(cls, candidate, suite) -> "ReplayBackend":
        return cls(suite.resolve(candidate.outputs))

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        for prompt in prompts:
            data = self.recorded.get(prompt.case_id)
            if data is None:
                yield Generation(error_type=MISSING_OUTPUT, error=f"no recorded output for case {prompt.case_id!r}")
                continue
            output = data["output"] if "output" in data else data["result"]
            yield Generation(output=_as_parseable(output), **{name: data.get(name) for name in _METRIC_FIELDS})


register_backend("replay")(ReplayBackend.from_candidate)


def _as_parseable(output: Any) -> Any:
    """BFCL stores decoded results as `[{name: {args}}]` (args sometimes a JSON string): make it a tool-calls message."""
    if isinstance(output, list) and all(isinstance(item, dict) and len(item) == 1 for item in output):
        return {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"type": "function", "function": {"name": name, "arguments": arguments}}
                           for item in output for name, arguments in item.items()],
        }
    return output
