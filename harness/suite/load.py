"""Load a suite: YAML spec + data files -> a validated `Suite` with resolved paths and a content hash.

All checking happens here, before any model runs or any output is written: the spec, every data file, and
(`harness.suite.checks`) everything the run will need of each candidate's backend, strategy and fine-tune.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from harness.errors import HarnessInputError
from harness.io.yaml_lines import Location, dotted, line_of, load_yaml_with_lines
from harness.suite.candidate import CandidateSpec
from harness.suite.case_loader import load_cases, load_tool_library, read_jsonl
from harness.suite.cases import Case, Tool
from harness.suite.checks import check_suite
from harness.suite.spec import SuiteSpec


@dataclass(frozen=True)
class Suite:
    """A loaded suite. `hash` covers the YAML bytes and every data file's bytes.

    `cases` are single-turn cases, `multi_turn_cases` conversations (`harness.multiturn`); ids are unique across
    both, since results, reports and gates key records by case id.
    """

    spec: SuiteSpec
    path: Path
    cases: tuple[Case, ...] = field(repr=False)
    tool_library: dict[str, Tool] = field(repr=False, hash=False)
    hash: str = ""
    #: Hash of the files that decide the cases (test split and tool library) only: editing a candidate or a
    #: gate threshold in the YAML changes `hash` but not this, so such runs stay comparable.
    cases_hash: str = ""
    #: The line of every key of the YAML, so later checks can point at it.
    lines: dict[Location, int] = field(default_factory=dict, repr=False, hash=False, compare=False)
    multi_turn_cases: tuple[Any, ...] = field(default=(), repr=False, hash=False)

    @property
    def root(self) -> Path:
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        """A path from the suite YAML, resolved against the YAML's folder."""
        return (self.root / relative).resolve()

    def candidate(self, name: str) -> CandidateSpec:
        for candidate in self.spec.candidates:
            if candidate.name == name:
                return candidate
        known = ", ".join(c.name for c in self.spec.candidates) or "none"
        raise HarnessInputError(f"no candidate named {name!r} (candidates: {known})", path=self.path)

    def field_error(self, location: Location, message: str, hint: str | None = None) -> HarnessInputError:
        """An error pointing at a key of the suite YAML (e.g. `("candidates", 2, "k")`), with its line."""
        return HarnessInputError(message, path=self.path, line=line_of(self.lines, location),
                                 field=dotted(location), hint=hint)

    def candidate_location(self, candidate: CandidateSpec, key: str) -> Location:
        """Where a candidate's key sits in the suite YAML (just the key for a candidate built in code)."""
        for index, declared in enumerate(self.spec.candidates):
            if declared.name == candidate.name:
                return ("candidates", index, key)
        return (key,)

    @contextlib.contextmanager
    def errors_at(self, candidate: CandidateSpec) -> Iterator[None]:
        """Input errors raised inside (loading a model, reading training data) that name no file are pointed at
        the candidate's entry in the suite YAML (its `field`, else `model`)."""
        try:
            yield
        except HarnessInputError as exc:
            if exc.path is not None:
                raise
            location = self.candidate_location(candidate, exc.field or "model")
            raise self.field_error(location, f"{candidate.name}: {exc.message}", hint=exc.hint) from None

    @functools.cached_property
    def example_bank(self) -> tuple[Any, ...]:
        """The example bank, parsed and checked against its tools (a suite without one has none)."""
        from harness.suite.example_bank import load_example_bank

        if self.spec.data.examples is None:
            return ()
        return load_example_bank(self.resolve(self.spec.data.examples), self.tool_library)

    @functools.cached_property
    def train_examples(self) -> tuple[Any, ...]:
        """The train split, parsed and checked against its tools (a suite without one has none)."""
        from harness.training.data import load_training_examples

        return tuple(example for relative in self.spec.data.train_files
                     for example in load_training_examples(self.resolve(relative), "auto", self.tool_library))


def load_suite(path: str | Path) -> Suite:
    """Read and validate the suite at `path` (a YAML file, or a folder holding `suite.yaml`)."""
    path = Path(path)
    if path.is_dir():
        path = path / "suite.yaml"
    raw, lines = load_yaml_with_lines(path)
    if not isinstance(raw, dict):
        raise HarnessInputError("a suite must be a YAML mapping (name, data, candidates, ...)", path=path)
    spec = _validate_spec(raw, lines, path)
    data_paths = _data_files(spec, path, lines)
    library = load_tool_library(data_paths["tools"]) if "tools" in data_paths else {}
    cases = load_cases(data_paths["test"], library) if "test" in data_paths else ()
    conversations = _multi_turn_cases(data_paths.get("multi_turn"), cases)
    environments = _environment_files(conversations, data_paths.get("multi_turn"))
    suite = Suite(spec=spec, path=path.resolve(), cases=cases, tool_library=library,
                  hash=content_hash([path, *(data_paths[role] for role in sorted(data_paths)), *environments]),
                  cases_hash=content_hash([*(data_paths[role] for role in ("test", "multi_turn", "tools")
                                             if role in data_paths), *environments]),
                  lines=lines, multi_turn_cases=conversations)
    check_suite(suite)
    return suite


def _data_files(spec: SuiteSpec, path: Path, lines) -> dict[str, Path]:
    """Every data file by role (`test`, `tools`, ...; the train split's as `train[0]`, `train[1]`, ...), each
    checked to exist: a missing one names its key and line in the suite YAML."""
    train = spec.data.train
    located = [(("data", role), rel) for role, rel in spec.data.model_dump().items() if rel and role != "train"]
    located += [(("data", "train") if isinstance(train, str) else ("data", "train", index), rel)
                for index, rel in enumerate(spec.data.train_files)]
    files: dict[str, Path] = {}
    for location, relative in located:
        data_path = path.parent / relative
        if not data_path.is_file():
            raise HarnessInputError(f"data file not found: {data_path}", path=path,
                                    line=line_of(lines, location), field=dotted(location))
        files[dotted(location[1:]) if location[1] == "train" else location[1]] = data_path
    return files


def _multi_turn_cases(path: Path | None, cases: tuple[Case, ...]) -> tuple[Any, ...]:
    """The conversations of `data.multi_turn` (none without it); an id a single-turn case has is an error."""
    if path is None:
        return ()
    from harness.multiturn.cases_file import load_multi_turn_file

    conversations = load_multi_turn_file(path)
    shared = {case.id for case in cases} & {conversation.id for conversation in conversations}
    if shared:  # read the file again only to name the line of the first clash
        line, data = next((line, data) for line, data in read_jsonl(path) if data.get("id") in shared)
        raise HarnessInputError(f"case id {data['id']!r} is also a single-turn case's id", path=path,
                                line=line, field="id", hint="ids must be unique across data.test and "
                                                            "data.multi_turn")
    return conversations


def _environment_files(conversations: tuple[Any, ...], path: Path | None) -> list[Path]:
    """The simulator and recording files the conversations run on: they decide the verdicts as much as the
    cases do, so they are hashed with them."""
    if path is None:
        return []
    files = {(path.parent / relative).resolve() for case in conversations
             if isinstance(relative := getattr(case.environment, "path", None), str)}
    return sorted(files)


def _validate_spec(raw: dict, lines, path: Path) -> SuiteSpec:
    try:
        return SuiteSpec.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also shows up as a missing one; the spelling is the thing to fix.
        error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        location = tuple(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        elif error["type"] == "missing":
            message = "required field is missing"
        raise HarnessInputError(message, path=path, line=line_of(lines, location), field=dotted(location)) from None


def content_hash(paths: list[Path]) -> str:
    """sha256 over files, each framed by its name, so renames and edits both show."""
    digest = hashlib.sha256()
    for file in paths:
        digest.update(file.name.encode() + b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
