"""Multi-turn cases: user turns, the tools offered, the environment the calls run in and the per-turn ground truth,
read from JSONL with every field checked, and the maker of fresh environments for one case.

A case line (paths are relative to the case file's folder):
`{"id", "category", "turns": [[message, ...], ...], "tools": [...], "environment": {"simulator": "sim.py",
"classes": [...], "initial_config": {...}, "long_context": false} | {"recorded": "responses.jsonl"},
"expected": [[{"name", "arguments"}, ...], ...], "held_out_tools": {"2": ["tool"]}, "meta": {...}}`.
BFCL's `question` is accepted for `turns`.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence

from harness.errors import HarnessInputError
from harness.multiturn.environment import (
    ClassEnvironment, EnvironmentFactory, RecordedEnvironment, ToolResult, tool_signatures,
)
from harness.multiturn.recorded_file import load_recorded_responses
from harness.multiturn.simulator_file import load_simulator_classes
from harness.suite.case_loader import case_header, check_message_shapes, read_cases, resolve_tools
from harness.suite.cases import Tool, ToolCall

_FIELDS = ("id", "category", "turns", "question", "tools", "environment", "expected", "held_out_tools", "meta")
_SIMULATOR_FIELDS = ("simulator", "classes", "initial_config", "long_context")


@dataclass(frozen=True)
class SimulatorSpec:
    """Simulator classes from a Python file (`path` relative to the case file's folder), one instance each per
    conversation, set up from `initial_config[class name]`."""

    path: str
    classes: tuple[str, ...]
    initial_config: Mapping[str, Any] = field(default_factory=dict, hash=False)
    long_context: bool = False

    def to_json(self) -> dict:
        return {"simulator": self.path, "classes": list(self.classes), "initial_config": dict(self.initial_config),
                "long_context": self.long_context}


@dataclass(frozen=True)
class RecordedSpec:
    """Recorded responses from a JSONL file (`path` relative to the case file's folder)."""

    path: str

    def to_json(self) -> dict:
        return {"recorded": self.path}


class EnvironmentSpec(Protocol):
    """A case's environment description: `SimulatorSpec`, `RecordedSpec`, or BFCL's simulated APIs
    (`harness.multiturn.bfcl_cases.BfclEnvironmentSpec`); each writes itself back as the case file's JSON."""

    def to_json(self) -> dict: ...


@dataclass(frozen=True)
class MultiTurnCase:
    """One conversation to run: per user turn the messages appended before the model answers, and per turn the
    ground-truth calls (an empty tuple: nothing judged that turn, BFCL's held-out turns).

    `held_out_tools` maps a tool name to the first turn it is offered in (BFCL miss_func); every other tool is
    offered from turn 0.
    """

    id: str
    category: str
    turns: tuple[tuple[Mapping[str, Any], ...], ...] = field(hash=False)
    tools: tuple[Tool, ...] = field(hash=False)
    environment: EnvironmentSpec = field(hash=False)
    expected: tuple[tuple[ToolCall, ...], ...] = field(hash=False)
    held_out_tools: Mapping[str, int] = field(default_factory=dict, hash=False)
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def tools_for_turn(self, turn: int) -> tuple[Tool, ...]:
        """The tools offered while the model answers user turn `turn` (held-out ones from their turn on)."""
        return tuple(tool for tool in self.tools if self.held_out_tools.get(tool.name, 0) <= turn)

    def to_json(self) -> dict:
        held_out: dict[str, list[str]] = {}
        for name, turn in self.held_out_tools.items():
            held_out.setdefault(str(turn), []).append(name)
        data = {"id": self.id, "category": self.category,
                "turns": [[dict(message) for message in turn] for turn in self.turns],
                "tools": [tool.to_json() for tool in self.tools], "environment": self.environment.to_json(),
                "expected": [[call.to_json() for call in turn] for turn in self.expected]}
        if held_out:
            data["held_out_tools"] = held_out
        if self.meta:
            data["meta"] = dict(self.meta)
        return data


def load_multi_turn_cases(path: str | Path) -> tuple[MultiTurnCase, ...]:
    """Every case in the JSONL file `path`, validated, environment files included (a simulator file is imported
    and each case's initial state is set up once, so a bad case fails here and not mid-run)."""
    path = Path(path)
    return read_cases(path, lambda data, number: multi_turn_case_from_line(data, path, number))


def multi_turn_case_from_line(data: Mapping[str, Any], path: Path, line: int) -> MultiTurnCase:
    """Validate one JSONL object into a `MultiTurnCase` (files named in it are resolved against `path`'s folder)."""
    def fail(field: str, message: str, hint: str | None = None) -> HarnessInputError:
        return HarnessInputError(message, path=path, line=line, field=field, hint=hint)

    case_id, category, meta = case_header(data, set(_FIELDS), fail, "multi_turn_base")
    turns = parse_turns(data, fail)
    tools = resolve_tools(data.get("tools"), {}, fail, owner="a multi-turn case")
    held_out = parse_held_out(data.get("held_out_tools"), tools, len(turns), fail)
    environment, signatures = _environment(data.get("environment"), tools, path.parent, fail)
    expected = parse_expected(data.get("expected"), tools, held_out, len(turns), signatures, fail)
    case = MultiTurnCase(id=case_id, category=category, turns=turns, tools=tools, environment=environment,
                         expected=expected, held_out_tools=held_out, meta=meta)
    if isinstance(environment, SimulatorSpec):
        try:  # the initial state must fit the classes; found now rather than on the first prompt
            environment_factory(case, path.parent)()
        except HarnessInputError as exc:
            raise fail(f"environment.{exc.field or 'initial_config'}", exc.message) from None
    else:  # a ground-truth call without a recording could only be matched by the model's identical error
        recorded = environment_factory(case, path.parent)()
        for turn, calls in enumerate(expected):
            for index, call in enumerate(calls):
                if recorded.execute(call.name, call.arguments).error == _not_recorded(call.name):
                    raise fail(f"expected[{turn}][{index}]", f"no recorded response for this {call.name} call",
                               hint=f"record it in {environment.path}")
    return case


def environment_factory(case: MultiTurnCase, base_dir: str | Path) -> EnvironmentFactory:
    """A zero-argument maker of fresh environments in the case's initial state (files resolved against
    `base_dir`, the case file's folder). Classes and recorded files are read once per file, not per case."""
    spec = case.environment
    if isinstance(spec, SimulatorSpec):
        classes = _simulator_classes(*_file_key(Path(base_dir) / spec.path), spec.classes)
        config, long_context = spec.initial_config, spec.long_context
        return lambda: ClassEnvironment(classes, config, long_context=long_context)
    recorded = _recorded(*_file_key(Path(base_dir) / spec.path))
    offered = tuple(tool.name for tool in case.tools)
    return lambda: OfferedRecordedEnvironment(recorded, offered)


class OfferedRecordedEnvironment:
    """Recorded responses for a case: a call to an offered tool with no recording is "no recorded response"
    (the tool exists; these arguments were never recorded), not "unknown tool"."""

    def __init__(self, recorded: RecordedEnvironment, offered: Sequence[str]) -> None:
        self._recorded = recorded
        self._tools = tuple(dict.fromkeys([*recorded.tool_names, *offered]))

    @property
    def tool_names(self) -> tuple[str, ...]:
        return self._tools

    def execute(self, name: str, arguments: Mapping[str, Any]) -> ToolResult:
        if name in self._tools and name not in self._recorded.tool_names:
            return ToolResult.failure(_not_recorded(name))
        return self._recorded.execute(name, arguments)

    def state(self, *, copy: bool = True) -> dict[str, dict[str, Any]]:
        return {}

    def fingerprint(self, name: str) -> bytes | None:
        return b""


def _not_recorded(name: str) -> str:
    """The error a recorded environment gives for a call it has no recording of (RecordedEnvironment's words)."""
    return f"no recorded response for {name} with these arguments"


def _file_key(path: Path) -> tuple[Path, int, int]:
    """A file's resolved path with its mtime and size: an edited file is read again."""
    path = path.resolve()
    try:
        stat = path.stat()
    except OSError:
        return path, 0, 0  # the loader below words the error
    return path, stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=256)
def _simulator_classes(path: Path, mtime_ns: int, size: int, names: tuple[str, ...]) -> tuple[type, ...]:
    return load_simulator_classes(path, names)


@functools.lru_cache(maxsize=256)
def _recorded(path: Path, mtime_ns: int, size: int) -> RecordedEnvironment:
    return load_recorded_responses(path)  # stateless, so one instance serves every conversation


def parse_turns(data: Mapping[str, Any], fail) -> tuple[tuple[dict, ...], ...]:
    if "turns" in data and "question" in data:
        raise fail("question", "give the turns once: 'turns' or BFCL's 'question', not both")
    key = "question" if "question" in data else "turns"
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise fail(key, "a multi-turn case needs a non-empty list of turns, each a list of messages")
    turns = []
    for index, turn in enumerate(raw):
        where = f"{key}[{index}]"
        if isinstance(turn, str):
            turn = [{"role": "user", "content": turn}]
        if not isinstance(turn, list) or not turn:
            raise fail(where, "a turn must be a non-empty list of messages (or one user message as a string)",
                       hint="a turn that only releases held-out tools still needs a user message")
        check_message_shapes(turn, lambda field, message: fail(where + field.removeprefix("messages"), message))
        if turn[-1]["role"] != "user":
            raise fail(f"{where}[{len(turn) - 1}].role", "a turn must end with a user message")
        turns.append(tuple(dict(message) for message in turn))
    return tuple(turns)


def parse_held_out(raw: Any, tools: tuple[Tool, ...], turns: int, fail) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("held_out_tools", "held_out_tools must map a turn index to the tools first offered there",
                   hint='e.g. {"2": ["sort"]}')
    offered = {tool.name for tool in tools}
    first_turn: dict[str, int] = {}
    for key, names in raw.items():
        where = f"held_out_tools.{key}"
        if not (isinstance(key, str) and key.isdigit() and 0 < int(key) < turns):
            raise fail(where, f"the turn a tool is released in must be 1 to {turns - 1}")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise fail(where, "held-out tools must be a list of tool names")
        for name in names:
            if name not in offered:
                raise fail(where, f"unknown tool {name!r}", hint="a held-out tool must be defined in tools")
            if name in first_turn:
                raise fail(where, f"tool {name!r} is held out twice")
            first_turn[name] = int(key)
    return first_turn


def parse_class_setup(raw: Mapping[str, Any], classes_key: str, fail) -> tuple[list[str], dict, bool]:
    """The classes (under `classes_key`), `initial_config` and `long_context` of an environment made of classes:
    a non-empty list without repeats, a config naming only listed classes, a boolean."""
    classes = raw.get(classes_key)
    if not isinstance(classes, list) or not classes or not all(isinstance(name, str) and name for name in classes):
        raise fail(f"environment.{classes_key}", f"{classes_key} must be a non-empty list of class names")
    if len(set(classes)) != len(classes):
        raise fail(f"environment.{classes_key}", "a class is listed twice")
    config = raw.get("initial_config", {})
    if not isinstance(config, dict):
        raise fail("environment.initial_config", "initial_config must be an object: class name -> initial state")
    for name in config:
        if name not in classes:
            raise fail(f"environment.initial_config.{name}", f"{name!r} is not one of the listed classes ({classes_key})")
    long_context = raw.get("long_context", False)
    if not isinstance(long_context, bool):
        raise fail("environment.long_context", "long_context must be true or false")
    return classes, config, long_context


def _environment(raw: Any, tools: tuple[Tool, ...], base_dir: Path,
                 fail) -> tuple[EnvironmentSpec, Mapping[str, inspect.Signature]]:
    """The environment description, its files checked, and the signatures of its tools (none for recordings)."""
    if not isinstance(raw, dict) or ("simulator" in raw) == ("recorded" in raw):
        raise fail("environment", "environment must be an object with either 'simulator' (a .py file) or "
                   "'recorded' (a .jsonl file)")
    if "recorded" in raw:
        if set(raw) != {"recorded"}:
            raise fail(f"environment.{sorted(set(raw) - {'recorded'})[0]}", "unknown field for a recorded environment")
        relative = _relative_file(raw["recorded"], "environment.recorded", base_dir, fail)
        _recorded(*_file_key(base_dir / relative))  # a bad recording names its own file and line
        return RecordedSpec(relative), {}
    unknown = sorted(set(raw) - set(_SIMULATOR_FIELDS))
    if unknown:
        raise fail(f"environment.{unknown[0]}", "unknown field",
                   hint=f"known fields: {', '.join(_SIMULATOR_FIELDS)}")
    relative = _relative_file(raw["simulator"], "environment.simulator", base_dir, fail)
    classes, config, long_context = parse_class_setup(raw, "classes", fail)
    try:
        loaded = _simulator_classes(*_file_key(base_dir / relative), tuple(classes))
    except HarnessInputError as exc:
        if exc.field != "classes":  # the file itself does not import: the error names it and its line
            raise
        raise fail("environment.classes", exc.message, hint=exc.hint) from None
    signatures = tool_signatures(loaded)
    for index, tool in enumerate(tools):
        if tool.name not in signatures:
            raise fail(f"tools[{index}]", f"tool {tool.name!r} is no method of the simulator classes",
                       hint=f"methods: {', '.join(signatures) or 'none'}")
    return SimulatorSpec(relative, tuple(classes), config, long_context), signatures


def _relative_file(raw: Any, where: str, base_dir: Path, fail) -> str:
    if not isinstance(raw, str) or not raw:
        raise fail(where, "must be a file path relative to the case file's folder")
    if not (base_dir / raw).is_file():
        raise fail(where, f"file not found: {(base_dir / raw).resolve()}",
                   hint="paths are relative to the case file's folder")
    return raw


def parse_expected(raw: Any, tools: tuple[Tool, ...], held_out: Mapping[str, int], turns: int,
              signatures: Mapping[str, inspect.Signature], fail) -> tuple[tuple[ToolCall, ...], ...]:
    if not isinstance(raw, list):
        raise fail("expected", "expected must be a list with, per turn, a list of calls {name, arguments}")
    if len(raw) != turns:
        raise fail("expected", f"{len(raw)} turns of expected calls for {turns} user turns",
                   hint="give one list per turn, [] for a turn that is not judged")
    offered = {tool.name for tool in tools}
    expected = []
    for turn, calls in enumerate(raw):
        if not isinstance(calls, list):
            raise fail(f"expected[{turn}]", "each turn's expected calls must be a list")
        parsed = []
        for index, call in enumerate(calls):
            where = f"expected[{turn}][{index}]"
            if not isinstance(call, dict) or set(call) - {"name", "arguments"}:
                raise fail(where, "an expected call is {\"name\": ..., \"arguments\": {...}}")
            name, arguments = call.get("name"), call.get("arguments", {})
            if name not in offered:
                raise fail(f"{where}.name", f"unknown tool {name!r}", hint=f"offered: {', '.join(offered) or 'none'}")
            if held_out.get(name, 0) > turn:
                raise fail(f"{where}.name", f"tool {name!r} is held out until turn {held_out[name]}")
            if not isinstance(arguments, dict):
                raise fail(f"{where}.arguments", "arguments must be an object")
            signature = signatures.get(name)
            if signature is not None:
                try:
                    signature.bind(**arguments)
                except TypeError as exc:
                    raise fail(f"{where}.arguments", f"arguments do not fit {name}{signature}: {exc}") from None
            parsed.append(ToolCall(name=name, arguments=arguments))
        expected.append(tuple(parsed))
    return tuple(expected)


#: Given a case, the maker of its fresh environments: what `run_conversations` takes
#: (`functools.partial(environment_factory, base_dir=folder)` is one).
CaseEnvironments = Callable[[MultiTurnCase], EnvironmentFactory]

__all__ = ["CaseEnvironments", "EnvironmentSpec", "MultiTurnCase", "OfferedRecordedEnvironment", "RecordedSpec",
           "SimulatorSpec", "environment_factory", "load_multi_turn_cases",
           "multi_turn_case_from_line"]
