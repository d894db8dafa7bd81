"""Recorded tool responses shipped with a suite: a JSONL file, one recorded call a line.

Each line is `{"name": ..., "arguments": {...}, "response": <any JSON>}`, or `"error": "<message>"` in place of
`response` for a recorded failure; the same call recorded twice is refused rather than silently overwritten.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import HarnessInputError
from harness.io.json_input import read_jsonl
from harness.multiturn.environment import RecordedEnvironment, ToolResult, canonical_arguments, render_result

_FIELDS = {"name", "arguments", "response", "error"}


def load_recorded_responses(path: str | Path) -> RecordedEnvironment:
    """The recorded environment in the JSONL file `path`; a bad line is a HarnessInputError naming its line."""
    responses: dict[tuple[str, str], ToolResult] = {}
    first_line: dict[tuple[str, str], int] = {}
    for number, record in read_jsonl(path):
        name, arguments, result = _record(record, path, number)
        key = (name, canonical_arguments(arguments))
        if key in responses:
            raise HarnessInputError(f"{name} with these arguments is already recorded on line {first_line[key]}",
                                    path=path, line=number, hint="keep one response per call")
        responses[key] = result
        first_line[key] = number
    return RecordedEnvironment(responses)


def _record(record: Any, path: str | Path, line: int) -> tuple[str, dict, ToolResult]:
    if not isinstance(record, dict):
        raise HarnessInputError("a recorded call must be a JSON object", path=path, line=line)
    unknown = sorted(set(record) - _FIELDS)
    if unknown:
        raise HarnessInputError(f"unknown field {unknown[0]!r}", path=path, line=line, field=unknown[0],
                                hint="use name, arguments and response (or error)")
    name = record.get("name")
    if not isinstance(name, str) or not name:
        raise HarnessInputError("the tool name must be a non-empty string", path=path, line=line, field="name")
    arguments = record.get("arguments", {})
    if not isinstance(arguments, dict):
        raise HarnessInputError("arguments must be an object", path=path, line=line, field="arguments")
    if ("response" in record) == ("error" in record):
        raise HarnessInputError("give exactly one of response and error", path=path, line=line, field="response")
    if "error" in record:
        if not isinstance(record["error"], str):
            raise HarnessInputError("error must be a string", path=path, line=line, field="error")
        return name, arguments, ToolResult.failure(record["error"])
    return name, arguments, ToolResult(render_result(record["response"]))
