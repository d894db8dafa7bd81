"""A backend for the conversation-loop tests: predetermined outputs per (case id, step), every prompt and batch kept.

Outputs are written as models write them (`<tool_call>{...}</tool_call>` lines, plain text); a `Generation` in
the script is returned as it is (a backend failure), a callable is called with the prompt.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Mapping, Sequence

from harness.backends.base import Generation, Prompt


def call_text(name: str, **arguments: Any) -> str:
    """One call as a model writes it."""
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


class ScriptedBackend:
    """`script[case_id][n]` answers the n-th prompt of that case (counted over the whole conversation);
    past the end of a case's script, `default` answers."""

    latency_mode = "batched"

    def __init__(self, script: Mapping[str, Sequence[str | Generation | Callable[[Prompt], Any]]],
                 default: str | Generation = "Done.") -> None:
        self.script = {case_id: list(outputs) for case_id, outputs in script.items()}
        self.default = default
        self.prompts: dict[str, list[Prompt]] = {}
        self.batches: list[int] = []

    def identity(self) -> dict:
        return {"backend": "scripted"}

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        self.batches.append(len(prompts))
        for prompt in prompts:
            seen = self.prompts.setdefault(prompt.case_id, [])
            step = len(seen)
            seen.append(prompt)
            outputs = self.script.get(prompt.case_id, [])
            answer = outputs[step] if step < len(outputs) else self.default
            if callable(answer):
                answer = answer(prompt)
            if isinstance(answer, Generation):
                yield answer
                continue
            yield Generation(output=answer, latency_ms=2.5, input_tokens=10 * len(prompt.messages),
                             output_tokens=len(str(answer).split()))
