"""Training data in: suite JSONL, Hermes ShareGPT or xLAM files -> `TrainingExample`s -> a `datasets.Dataset`.

Every example is rendered with `harness.backends.prompt_format.text_chat`, so a fine-tune sees exactly the text it is prompted with.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.suite.case_loader import read_jsonl
from harness.suite.cases import Tool
from harness.errors import HarnessInputError
from harness.io.hashing import json_sha256

if TYPE_CHECKING:  # importing datasets costs about a second; only `training_dataset` needs it
    from datasets import Dataset

    from harness.suite.load import Suite

#: Accepted by `format=`; `auto` decides per file from the first record's keys.
FORMATS = ("auto", "harness", "sharegpt", "xlam")
#: The keys that identify each format, checked in this order.
_FORMAT_KEYS = (("harness", ("messages",)), ("sharegpt", ("conversations",)), ("xlam", ("query", "answers")))


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


def load_training_examples(path: str | Path, format: str = "auto",
                           tool_library: Mapping[str, Tool] | None = None) -> list[TrainingExample]:
    """Every example in `path` (JSONL, or a JSON array), checked and rendered.

    Raises HarnessInputError naming file, line and field for a missing, empty or malformed file, before
    anything is trained. Tools may be named from `tool_library` (suite format) or given inline.
    """
    from harness.training.formats import (
        IMPORTERS,  # the per-format readers live beside this module
    )

    if format not in FORMATS:
        raise HarnessInputError(f"unknown training data format {format!r} (known: {', '.join(FORMATS)})",
                                path=path, field="format")
    path = Path(path)
    examples: list[TrainingExample] = []
    for location, record in _records(path):
        if format == "auto":
            format = detect_format(record, location)
        examples.append(IMPORTERS[format](record, location, tool_library or {}))
    if not examples:
        raise HarnessInputError("no training examples: the file is empty", path=path,
                                hint="a train split needs at least one example")
    return examples


def suite_train_examples(suite: Suite, format: str = "auto") -> list[TrainingExample]:
    """The suite's `data.train` split, with tool names resolved from its tool library."""
    if not suite.spec.data.train:
        raise HarnessInputError("a lora fine-tune needs a train split, and this suite has none",
                                path=suite.path, field="data.train", hint="add `data: {train: data/train.jsonl}`")
    return load_training_examples(suite.resolve(suite.spec.data.train), format, suite.tool_library)


def detect_format(record: Mapping[str, Any], location: Location) -> str:
    """The format whose identifying keys the record has."""
    for name, keys in _FORMAT_KEYS:
        if all(key in record for key in keys):
            return name
    raise location.error("messages", "cannot tell the training data format from this record",
                         hint="expected `messages` (suite), `conversations` (ShareGPT) or `query` + `answers` (xLAM)")


def training_dataset(examples: Sequence[TrainingExample]) -> Dataset:
    """A `datasets.Dataset` with one `messages` column of `{role, content}` strings, typed explicitly.

    Explicit all-string features mean `Dataset.from_list`'s merging of nested dict keys across rows (which
    would give every call's `arguments` every other tool's keys, set to null) cannot happen: arguments
    live inside the rendered content text, never as nested structs.
    """
    from datasets import Dataset, Features, List, Value

    features = Features({"messages": List({"role": Value("string"), "content": Value("string")})})
    return Dataset.from_dict({"messages": [example.to_json()["messages"] for example in examples]},
                             features=features)


def examples_sha256(examples: Sequence[TrainingExample]) -> str:
    """Hash of the rendered examples: changes when the data or its rendering changes."""
    return json_sha256([example.to_json() for example in examples])


def _records(path: Path) -> Iterator[tuple[Location, dict]]:
    """(location, record) for every record; a JSON array file gives its entries, a JSONL file its lines."""
    if not path.is_file():
        raise HarnessInputError("training data file not found", path=path)
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"["):
        yield from _array_records(path)
        return
    for line, record in read_jsonl(path):
        yield Location(path, line), record


def _array_records(path: Path) -> Iterator[tuple[Location, dict]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise HarnessInputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from None
    except UnicodeDecodeError:
        raise HarnessInputError("file is not UTF-8 text", path=path) from None
    for index, entry in enumerate(entries):
        location = Location(path, None, f"[{index}].")
        if not isinstance(entry, dict):
            raise HarnessInputError(f"each entry must be a JSON object, got {type(entry).__name__}",
                                    path=path, field=f"[{index}]")
        yield location, entry
