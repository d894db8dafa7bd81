"""BFCL v4's multi-turn entries as `MultiTurnCase`s (turns, the involved classes' function docs, held-out tools,
per-turn ground truth, BFCL's simulated APIs as the environment), and their JSONL file, written and read back.

Everything BFCL decides is read from the pinned wheel, never copied: the function docs
(`data/multi_turn_func_doc/*.json`, per class from `MULTI_TURN_FUNC_DOC_FILE_MAPPING`) and the user message
BFCL sends on a held-out turn (`DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_FC`).

A line of the JSONL file is `MultiTurnCase.to_json()` with `"environment": {"bfcl_classes": [...],
"initial_config": {...}, "long_context": false}`; the classes come from the wheel, so no simulator file travels
with it.
"""
from __future__ import annotations

import ast
import functools
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from harness.errors import HarnessInputError
from harness.integrations.bfcl.convert import BFCL_CATEGORY_KEY, BFCL_RELEASE_KEY
from harness.integrations.bfcl.releases import V4
from harness.integrations.bfcl.sources import BfclSource
from harness.integrations.bfcl.wheel import BfclWheelError, bfcl_wheel_path
from harness.io.atomic import atomic_write_text
from harness.multiturn.bfcl_env import (
    bfcl_environment_factory, bfcl_ground_truth, bfcl_simulator_classes, is_long_context,
)
# The turn, held-out and expected-call checks of the generic multi-turn loader, shared so both readers agree.
from harness.multiturn.case import MultiTurnCase, parse_class_setup, parse_expected, parse_held_out, parse_turns
from harness.multiturn.environment import EnvironmentFactory, tool_signatures
from harness.suite.case_loader import case_header, read_cases, resolve_tools
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY, Tool, ToolCall
from harness.suite.tools import ToolDefinitionError, parse_tool

#: BFCL v4's multi-turn categories (the composite one ships in `unused_datasets/` and is not scored by BFCL).
BFCL_MULTI_TURN_CATEGORIES = ("multi_turn_base", "multi_turn_miss_func", "multi_turn_miss_param",
                              "multi_turn_long_context")
#: Where BFCL keeps the class -> function-doc file mapping, and the held-out turn's user message.
_DOC_MAP = ("bfcl_eval/constants/executable_backend_config.py", "MULTI_TURN_FUNC_DOC_FILE_MAPPING")
_HELD_OUT_PROMPT = ("bfcl_eval/constants/default_prompts.py", "DEFAULT_USER_PROMPT_FOR_ADDITIONAL_FUNCTION_FC")
_DOC_DIR = "multi_turn_func_doc/"
_FIELDS = ("id", "category", "turns", "tools", "environment", "expected", "held_out_tools", "meta")
_ENVIRONMENT_FIELDS = ("bfcl_classes", "initial_config", "long_context")


@dataclass(frozen=True)
class BfclEnvironmentSpec:
    """BFCL's simulator classes `classes` (from the wheel), set up from `initial_config[class name]`, with their
    long-context extras when `long_context` (BFCL's rule: the long_context category)."""

    classes: tuple[str, ...]
    initial_config: Mapping[str, Any] = field(default_factory=dict, hash=False)
    long_context: bool = False

    def to_json(self) -> dict:
        return {"bfcl_classes": list(self.classes), "initial_config": dict(self.initial_config),
                "long_context": self.long_context}

    @classmethod
    def from_json(cls, data: Any, fail=None) -> "BfclEnvironmentSpec":
        """The spec from its `to_json` form; `fail(field, message, hint=None)` words the error (default: a
        HarnessInputError naming the field)."""
        fail = fail or (lambda where, message, hint=None: HarnessInputError(message, field=where, hint=hint))
        if not isinstance(data, dict) or "bfcl_classes" not in data:
            raise fail("environment", "a BFCL environment is an object {\"bfcl_classes\": [...], "
                       "\"initial_config\": {...}, \"long_context\": false}")
        unknown = sorted(set(data) - set(_ENVIRONMENT_FIELDS))
        if unknown:
            raise fail(f"environment.{unknown[0]}", "unknown field",
                       hint=f"known fields: {', '.join(_ENVIRONMENT_FIELDS)}")
        classes, config, long_context = parse_class_setup(data, "bfcl_classes", fail)
        return cls(tuple(classes), config, long_context)


def bfcl_multi_turn_cases(category: str, wheel: Path | None = None) -> tuple[MultiTurnCase, ...]:
    """Every entry of one BFCL v4 multi-turn category with its possible answer, as cases (default wheel: the
    pinned one). A bad entry is a HarnessInputError naming the wheel's file, line and field."""
    if category not in BFCL_MULTI_TURN_CATEGORIES:
        raise HarnessInputError(f"not a BFCL multi-turn category: {category!r}", field="category",
                                hint=f"one of {', '.join(BFCL_MULTI_TURN_CATEGORIES)}")
    wheel = Path(wheel) if wheel is not None else bfcl_wheel_path()
    source = BfclSource(wheel, is_wheel=True)
    data_file, answer_file = f"BFCL_v4_{category}.json", f"possible_answer/BFCL_v4_{category}.json"
    answers: dict[str, tuple[int, Any]] = {}
    for line, row in source.rows(answer_file):
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise HarnessInputError("each possible answer needs a string id", path=source.where(answer_file),
                                    line=line, field="id")
        answers[row["id"]] = (line, row)
    cases = []
    for line, entry in source.rows(data_file):
        where = {"path": source.where(data_file), "line": line}
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise HarnessInputError("each entry must be an object with a string id", field="id", **where)
        if entry["id"] not in answers:
            raise HarnessInputError(f"no possible answer for {entry['id']!r}", path=source.where(answer_file))
        answer_line, answer = answers[entry["id"]]
        try:
            cases.append(bfcl_multi_turn_case(entry, answer.get("ground_truth"), category, wheel))
        except HarnessInputError as exc:
            located = ({"path": source.where(answer_file), "line": answer_line}
                       if exc.field and exc.field.startswith("ground_truth") else where)
            raise HarnessInputError(exc.message, field=exc.field, hint=exc.hint, **located) from None
    return tuple(cases)


def bfcl_multi_turn_case(entry: Mapping[str, Any], ground_truth: Any, category: str,
                         wheel: Path | None = None) -> MultiTurnCase:
    """One BFCL multi-turn entry and its answer row's `ground_truth` as a case, with the tools in BFCL's order
    (held-out ones last, appended as their turns release them, in missed_function's order). Errors name the
    field; the caller adds file and line."""
    wheel = Path(wheel) if wheel is not None else bfcl_wheel_path()
    names = entry.get("involved_classes")
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        raise HarnessInputError("involved_classes must be a non-empty list of class names", field="involved_classes")
    classes = bfcl_simulator_classes(names, wheel)
    held_out = _missed_functions(entry.get("missed_function"))
    question = entry.get("question")
    if not isinstance(question, list) or not question:
        raise HarnessInputError("question must be a non-empty list of turns", field="question")
    turns = []
    for index, turn in enumerate(question):
        if not isinstance(turn, list):
            raise HarnessInputError("each turn must be a list of messages", field=f"question[{index}]")
        released = any(turn_index == index for turn_index in held_out.values())
        if released != (not turn):  # BFCL asserts a held-out turn has no message of its own and sends its prompt
            raise HarnessInputError("a turn is empty exactly when it releases held-out functions (missed_function)",
                                    field=f"question[{index}]")
        turns.append(tuple(dict(message) for message in turn) if turn
                      else ({"role": "user", "content": _held_out_prompt(str(wheel))},))
    tools = _tools(tuple(names), str(wheel))
    offered = {tool.name for tool in tools}
    for name, turn in held_out.items():
        if name not in offered:
            raise HarnessInputError(f"held-out function {name!r} is in none of the involved classes' docs",
                                    field=f"missed_function.{turn}")
    by_name = {tool.name: tool for tool in tools}
    tools = (tuple(tool for tool in tools if tool.name not in held_out)
             + tuple(by_name[name] for name in sorted(held_out, key=held_out.get)))
    if not isinstance(ground_truth, list) or len(ground_truth) != len(turns):
        raise HarnessInputError(f"ground_truth must hold one list of calls per turn ({len(turns)})",
                                field="ground_truth")
    expected = tuple(tuple(calls) for calls in bfcl_ground_truth(ground_truth, classes))
    config = entry.get("initial_config") or {}
    if not isinstance(config, dict):
        raise HarnessInputError("initial_config must map class names to initial states", field="initial_config")
    # BFCL sets up only the involved classes (multi_turn_utils reads `initial_config.get(class_name, {})` for
    # each); entry 96 of each category also configures TravelAPI, which it does not involve: dropped here.
    config = {name: state for name, state in config.items() if name in names}
    spec = BfclEnvironmentSpec(tuple(names), config, is_long_context(entry))
    meta = {BFCL_CATEGORY_KEY: category, BFCL_RELEASE_KEY: V4.name}
    defect = held_out_defect(expected, held_out)
    if defect is not None:
        meta[GROUND_TRUTH_DEFECT_KEY] = defect
    return MultiTurnCase(id=entry["id"], category=category, turns=tuple(turns), tools=tools, environment=spec,
                         expected=expected, held_out_tools=held_out, meta=meta)


def held_out_defect(expected: tuple[tuple[ToolCall, ...], ...], held_out: Mapping[str, int]) -> str | None:
    """Why the ground truth cannot be followed with the tools offered: a call to a function before the turn that
    releases it (bfcl-eval 2026.3.23: multi_turn_miss_func_49 calls `tail` in turn 1, held out until turn 3).
    BFCL keeps such calls and so does the case; `meta["ground_truth_defect"]` says so."""
    for turn, calls in enumerate(expected):
        for index, call in enumerate(calls):
            if held_out.get(call.name, 0) > turn:
                return (f"expected[{turn}][{index}] calls {call.name!r}, which is held out until turn "
                        f"{held_out[call.name]}")
    return None


def bfcl_case_environment(case: MultiTurnCase, wheel: Path | None = None) -> EnvironmentFactory:
    """The maker of fresh environments for a case with a `BfclEnvironmentSpec` (a `CaseEnvironments`)."""
    spec = case.environment
    if not isinstance(spec, BfclEnvironmentSpec):
        raise TypeError(f"case {case.id!r} has no BFCL environment")
    entry = {"id": case.id, "involved_classes": list(spec.classes), "initial_config": dict(spec.initial_config)}
    if is_long_context(entry) != spec.long_context:  # bfcl_environment_factory reads the flag from the id
        raise HarnessInputError(f"long_context must be {str(is_long_context(entry)).lower()} for id {case.id!r} "
                                "(BFCL sets it by the category in the id)", field="environment.long_context")
    return bfcl_environment_factory(entry, wheel)


def write_bfcl_multi_turn_jsonl(category: str, out_path: str | Path,
                                wheel: Path | None = None) -> tuple[MultiTurnCase, ...]:
    """Write one category's cases to `out_path` as JSONL (atomically), and return them."""
    cases = bfcl_multi_turn_cases(category, wheel)
    atomic_write_text(out_path, "".join(json.dumps(case.to_json(), ensure_ascii=False) + "\n" for case in cases))
    return cases


def read_bfcl_multi_turn_jsonl(path: str | Path, wheel: Path | None = None) -> tuple[MultiTurnCase, ...]:
    """Cases from a file `write_bfcl_multi_turn_jsonl` wrote, every field checked against BFCL's classes; the
    first problem is a HarnessInputError naming the file, line and field."""
    path = Path(path)
    wheel = Path(wheel) if wheel is not None else bfcl_wheel_path()
    return read_cases(path, lambda data, number: bfcl_case_from_line(data, path, number, wheel))


def bfcl_case_from_line(data: Mapping[str, Any], path: Path, line: int, wheel: Path) -> MultiTurnCase:
    """One line of a BFCL multi-turn case file, every field checked against BFCL's classes from `wheel`."""
    def fail(where: str, message: str, hint: str | None = None) -> HarnessInputError:
        return HarnessInputError(message, path=path, line=line, field=where, hint=hint)

    case_id, category, meta = case_header(data, set(_FIELDS), fail, ", ".join(BFCL_MULTI_TURN_CATEGORIES))
    if "turns" not in data:
        raise fail("turns", "a case needs its list of turns")
    turns = parse_turns(data, fail)
    tools = resolve_tools(data.get("tools"), {}, fail, owner="a BFCL multi-turn case")
    held_out = parse_held_out(data.get("held_out_tools"), tools, len(turns), fail)
    spec = BfclEnvironmentSpec.from_json(data.get("environment"), fail)
    try:
        classes = bfcl_simulator_classes(spec.classes, wheel)
    except HarnessInputError as exc:
        raise fail("environment.bfcl_classes", exc.message, hint=exc.hint) from None
    signatures = tool_signatures(classes)
    for index, tool in enumerate(tools):
        if tool.name not in signatures:
            raise fail(f"tools[{index}]", f"tool {tool.name!r} is no method of {', '.join(spec.classes)}")
    expected = parse_expected(data.get("expected"), tools, {}, len(turns), signatures, fail)
    defect = held_out_defect(expected, held_out)
    if defect != meta.get(GROUND_TRUTH_DEFECT_KEY):
        if defect is not None:  # not flagged: the generic check names the call at fault
            parse_expected(data.get("expected"), tools, held_out, len(turns), signatures, fail)
        raise fail(f"meta.{GROUND_TRUTH_DEFECT_KEY}", f"the ground truth has no such defect ({defect or 'none'})",
                   hint="remove the flag, or give the text the converter writes")
    case = MultiTurnCase(id=case_id, category=category, turns=turns, tools=tools, environment=spec,
                         expected=expected, held_out_tools=held_out, meta=meta)
    try:  # the initial state must set up; found now rather than on the first prompt
        bfcl_case_environment(case, wheel)()
    except HarnessInputError as exc:
        raise fail(exc.field if (exc.field or "").startswith("environment") else "environment.initial_config",
                   exc.message, hint=exc.hint) from None
    return case


def _missed_functions(raw: Any) -> dict[str, int]:
    """BFCL's `missed_function` (turn index -> names) as name -> the turn it is first offered in."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise HarnessInputError("missed_function must map a turn index to function names", field="missed_function")
    first_turn: dict[str, int] = {}
    for key, names in raw.items():
        if not (isinstance(key, str) and key.isdigit()) or not isinstance(names, list):
            raise HarnessInputError("missed_function must map a turn index to a list of function names",
                                    field=f"missed_function.{key}")
        for name in names:
            if not isinstance(name, str) or name in first_turn:
                raise HarnessInputError(f"held-out function {name!r} is not a name or is held out twice",
                                        field=f"missed_function.{key}")
            first_turn[name] = int(key)
    return first_turn


@functools.cache
def _tools(classes: tuple[str, ...], wheel: str) -> tuple[Tool, ...]:
    """The function docs of `classes`, in their order, normalised as single-turn BFCL functions are
    (`parse_tool`: BFCL's `dict`/`float` types to JSON Schema, the original kept in `x-bfcl-type`)."""
    tools: list[Tool] = []
    for name in classes:
        for tool in _class_tools(name, wheel):
            if all(tool.name != other.name for other in tools):  # the first class wins, as in ClassEnvironment
                tools.append(tool)
    return tuple(tools)


@functools.cache
def _class_tools(name: str, wheel: str) -> tuple[Tool, ...]:
    mapping = _wheel_literal(wheel, *_DOC_MAP)
    if name not in mapping:
        raise HarnessInputError(f"BFCL has no function docs for class {name!r}", field="involved_classes",
                                hint=f"documented: {', '.join(sorted(mapping))}")
    source = BfclSource(Path(wheel), is_wheel=True)
    doc_file = _DOC_DIR + mapping[name]
    tools = []
    for line, doc in source.rows(doc_file):
        try:
            tools.append(parse_tool(doc))
        except ToolDefinitionError as exc:
            raise HarnessInputError(exc.message, path=source.where(doc_file), line=line,
                                    field=exc.field or None) from None
    return tuple(tools)


@functools.cache
def _held_out_prompt(wheel: str) -> str:
    prompt = _wheel_literal(wheel, *_HELD_OUT_PROMPT)
    if not isinstance(prompt, str) or not prompt:
        raise BfclWheelError(f"{wheel}: {_HELD_OUT_PROMPT[1]} is not a string")
    return prompt


@functools.cache
def _wheel_literal(wheel: str, member: str, name: str) -> Any:
    """The literal value of the module-level assignment `name = ...` in the wheel's file `member`, read with
    `ast` (importing `bfcl_eval.constants.eval_config` would create result folders beside the wheel)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            text = archive.read(member).decode("utf-8")
    except KeyError:
        raise BfclWheelError(f"{wheel}: no {member} in the wheel") from None
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise BfclWheelError(f"{wheel}: cannot read {member} ({exc}); delete it to download it again") from None
    for node in ast.parse(text, member).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == name):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                raise BfclWheelError(f"{wheel}: {member}: {name} is not a literal") from None
    raise BfclWheelError(f"{wheel}: {member} defines no {name}")


__all__ = ["BFCL_MULTI_TURN_CATEGORIES", "BfclEnvironmentSpec", "bfcl_case_environment", "bfcl_case_from_line",
           "bfcl_multi_turn_case",
           "bfcl_multi_turn_cases", "held_out_defect", "read_bfcl_multi_turn_jsonl", "write_bfcl_multi_turn_jsonl"]
