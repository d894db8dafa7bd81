"""A training example as the trainer sees it, and where it came from (for errors naming file, line and field).

Kept apart from the loaders so the per-format readers (`harness.training.formats`, and format plugins) and the
loader that picks among them both depend on it, and not on each other.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessInputError
from harness.suite.cases import Tool


@dataclass(frozen=True)
class TrainingExample:
    """One rendered chat: a system turn with the tool signatures, then user / assistant turns as plain text.

    `tools` are kept beside the text for generation metrics; the dataset holds only `messages`.
    """

    messages: tuple[Mapping[str, str], ...] = field(hash=False)
    tools: tuple[Tool, ...] = field(default=(), hash=False, compare=False)
    source: str = field(default="", compare=False)  # "file:line", for messages about this example

    def to_json(self) -> dict:
        return {"messages": [{"role": m["role"], "content": m["content"]} for m in self.messages]}

    @property
    def prompt_messages(self) -> tuple[Mapping[str, str], ...]:
        """Everything before the last assistant turn: what the model is given at inference."""
        return self.messages[:self._last_assistant]

    @property
    def answer(self) -> str:
        """The last assistant turn's text: what the model should produce."""
        return self.messages[self._last_assistant]["content"]

    @property
    def is_conversation(self) -> bool:
        """More than one assistant turn (calls, tool results fed back, answers): its last turn alone is not the
        task it teaches."""
        return len(self.assistant_answers) > 1

    @property
    def assistant_answers(self) -> tuple[str, ...]:
        """Every assistant turn's text, in order."""
        return tuple(m["content"] for m in self.messages if m["role"] == "assistant")

    @property
    def _last_assistant(self) -> int:
        return max(i for i, m in enumerate(self.messages) if m["role"] == "assistant")


@dataclass(frozen=True)
class Location:
    """Where a record came from, so every error names file, line and field."""

    path: Path
    line: int | None = None
    prefix: str = ""  # "[12]." for entry 12 of a JSON array file

    def error(self, field: str, message: str, hint: str | None = None) -> HarnessInputError:
        return HarnessInputError(message, path=self.path, line=self.line, field=self.prefix + field, hint=hint)

    @property
    def source(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return where + (f" {self.prefix.rstrip('.')}" if self.prefix else "")
