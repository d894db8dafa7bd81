"""Training data in: suite JSONL, Hermes ShareGPT or xLAM files -> `TrainingExample`s -> a `datasets.Dataset`.

Every example is rendered with `harness.backends.prompt_format.text_chat`, so a fine-tune sees exactly the text it is prompted with.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessInputError
from harness.io.hashing import json_sha256
from harness.io.json_input import read_json
from harness.plugins import TRAINING_FORMATS, registry
from harness.suite.case_loader import read_jsonl
from harness.suite.cases import Tool
from harness.training.examples import Location, TrainingExample

if TYPE_CHECKING:  # importing datasets costs about a second; only `training_dataset` needs it
    from datasets import Dataset

#: `format=` value that decides per file from the first record's keys.
AUTO = "auto"


def training_formats() -> list:
    """Every registered training-data format (entry-point group `fc_harness.training_formats`), in the order
    `auto` tries them."""
    return sorted(registry(TRAINING_FORMATS).all().values(), key=lambda fmt: (fmt.order, fmt.name))


def load_training_examples(path: str | Path, format: str = "auto",
                           tool_library: Mapping[str, Tool] | None = None) -> list[TrainingExample]:
    """Every example in `path` (JSONL, or a JSON array), checked and rendered.

    Raises HarnessInputError naming file, line and field for a missing, empty or malformed file, before
    anything is trained. Tools may be named from `tool_library` (suite format) or given inline.
    """
    reader = None
    if format != AUTO:
        try:
            reader = registry(TRAINING_FORMATS).get(format)
        except HarnessInputError as exc:
            raise HarnessInputError(exc.message, path=path, field="format", hint=exc.hint) from None
    path = Path(path)
    examples: list[TrainingExample] = []
    for location, record in _records(path):
        if reader is None:
            reader = detect_format(record, location)
        examples.append(reader.read(record, location, tool_library or {}))
    if not examples:
        raise HarnessInputError("no training examples: the file is empty", path=path,
                                hint="a train split needs at least one example")
    return examples


def detect_format(record: Mapping[str, Any], location: Location):
    """The first format whose identifying keys the record has."""
    formats = training_formats()
    for fmt in formats:
        if all(key in record for key in fmt.keys):
            return fmt
    expected = "; ".join(f"{' + '.join(f'`{key}`' for key in fmt.keys)} ({fmt.name})" for fmt in formats)
    raise location.error("messages", "cannot tell the training data format from this record",
                         hint=f"expected {expected}")


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
    entries = read_json(path)
    if not isinstance(entries, list):
        raise HarnessInputError("a JSON training file must hold a list of examples", path=path)
    for index, entry in enumerate(entries):
        location = Location(path, None, f"[{index}].")
        if not isinstance(entry, dict):
            raise HarnessInputError(f"each entry must be a JSON object, got {type(entry).__name__}",
                                    path=path, field=f"[{index}]")
        yield location, entry
