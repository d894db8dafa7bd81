"""BFCL entries (and their possible answers) in, `Case` out, for every release's layout.

A case keeps its BFCL category as its category (`live_simple`, `parallel_function`, ...) and in
`case.meta["bfcl_category"]`, its release in `meta["bfcl_release"]`. A bad entry is a one-line error naming
file, line and field; an answer key no answer can pass is flagged in `meta["ground_truth_defect"]`.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Sequence

from harness.errors import HarnessInputError
from harness.integrations.bfcl.releases import IRRELEVANCE, V4, Release
from harness.integrations.bfcl.sources import BfclSource
from harness.suite.case_loader import ROLES
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY, Case, ExpectedCall, Tool
from harness.suite.tools import ToolDefinitionError, parse_tool

#: `case.meta` keys holding the BFCL category and release an imported case came from.
BFCL_CATEGORY_KEY = "bfcl_category"
BFCL_RELEASE_KEY = "bfcl_release"
#: v1 parallel answers key each call by its function name plus a counter: `spotify.play_1`, `calculate_bmi 2`.
_V1_KEY_COUNTER = re.compile(r"[_ ]\d+$")


def release_cases(source: BfclSource, release: Release, category: str) -> list[Case]:
    """Every case of one category of `release` in `source`, with its answers; errors name file and line."""
    data_file = release.data_file(category)
    entries = list(source.rows(data_file))
    answers = None if release.kinds[category] == IRRELEVANCE else list(source.rows(release.answer_file(category)))
    answer_of = _answer_lookup(source, release, category, answers)
    cases, seen = [], {}
    for index, (line, entry) in enumerate(entries):
        where = {"path": source.where(data_file), "line": line}
        if not isinstance(entry, Mapping):
            raise HarnessInputError("each entry must be a JSON object", **where)
        case_id = _case_id(entry, release, category, index, where)
        if case_id in seen:
            raise HarnessInputError(f"duplicate entry id {case_id!r} (first on line {seen[case_id]})", field="id",
                                    **where)
        seen[case_id] = line
        answer, answer_where = answer_of(case_id, index)
        try:
            cases.append(bfcl_case(entry, answer, category, release, case_id))
        except HarnessInputError as exc:
            located = answer_where if exc.field and exc.field.startswith("ground_truth") else where
            raise HarnessInputError(exc.message, field=exc.field, hint=exc.hint, **located) from None
    return cases


def bfcl_case(entry: Mapping[str, Any], answer: Any, category: str, release: Release = V4,
              case_id: str | None = None) -> Case:
    """A `Case` from one BFCL entry and its possible-answer row (`None` for irrelevance categories).

    Raises HarnessInputError with the field at fault (the caller adds file and line).
    """
    if category not in release.kinds:
        raise HarnessInputError(f"{release.label} has no importable category {category!r} "
                                f"(importable: {', '.join(release.categories)})", field="category")
    case_id = case_id if case_id is not None else str(entry.get("id"))
    tools = _tools(entry.get("function"))
    if release.kinds[category] == IRRELEVANCE:
        expected: tuple[ExpectedCall, ...] = ()
    elif answer is None:
        raise HarnessInputError(f"entry {case_id!r} has no possible answer", field="ground_truth")
    else:
        expected = tuple(_without_omittable_unknowns(call, tools) for call in _ground_truth(answer, case_id, tools))
    meta: dict[str, Any] = {BFCL_CATEGORY_KEY: category, BFCL_RELEASE_KEY: release.name}
    defect = ground_truth_defect(expected, tools)
    if defect is not None:
        meta[GROUND_TRUTH_DEFECT_KEY] = defect
    return Case(id=case_id, category=category, messages=tuple(_messages(entry.get("question"))), tools=tools,
                expected=expected, meta=meta)


def ground_truth_defect(expected: Sequence[ExpectedCall], tools: Sequence[Tool]) -> str | None:
    """Why no answer can ever pass this ground truth, or None when some answer can.

    BFCL v4 has a handful of such entries (e.g. live_simple_106-63-0: a required argument with an empty
    acceptable list); they are flagged so reports name them instead of counting them as model failures.
    """
    for call in expected:
        tool = next((tool for tool in tools if tool.name == call.name), None)
        if tool is None:
            return f"the answer calls {call.name!r}, which the entry does not offer"
        properties = tool.parameters.get("properties", {})
        for name, values in call.arguments.items():
            if not values:
                return f"argument {name!r} of {call.name!r} has an empty acceptable-value list"
            if name not in properties and not call.is_omittable(name):
                return f"answer argument {name!r} is not in the schema of {call.name!r}"
        for name in tool.required:
            if not any(value != "" for value in call.arguments.get(name, ())):
                return f"required argument {name!r} of {call.name!r} has no acceptable value"
    return None


def _answer_lookup(source: BfclSource, release: Release, category: str, answers: list | None):
    """`lookup(case_id, index) -> (answer row or None, where)`: by id from v2 on, by line in v1."""
    if answers is None:
        return lambda case_id, index: (None, {})
    answer_file = source.where(release.answer_file(category))
    if not release.has_ids:  # by line: v1 answers carry no id, or one that may not match the entry's
        return lambda case_id, index: ((_unkeyed(answers[index][1]), {"path": answer_file, "line": answers[index][0]})
                                       if index < len(answers) else (None, {"path": answer_file}))
    by_id: dict[str, tuple[int, Any]] = {}
    for line, row in answers:
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str):
            raise HarnessInputError("each possible answer needs a string id", path=answer_file, line=line, field="id")
        by_id[row["id"]] = (line, row)

    def lookup(case_id: str, index: int):
        if case_id not in by_id:
            return None, {"path": answer_file}
        line, row = by_id[case_id]
        return row, {"path": answer_file, "line": line}
    return lookup


def _unkeyed(row: Any) -> Any:
    """A v1 answer row without its own id (paired by line, it names the entry already)."""
    return {key: value for key, value in row.items() if key != "id"} if isinstance(row, Mapping) else row


def _case_id(entry: Mapping[str, Any], release: Release, category: str, index: int, where: dict) -> str:
    if not release.has_ids:
        # v1 files gained ids (`id`, or `index`) only late; its result files name entries by line: {"id": 0}.
        own = entry.get("id", entry.get("index"))
        return own if isinstance(own, str) and own else f"{category}_{index}"
    entry_id = entry.get("id")
    if not isinstance(entry_id, str) or not entry_id:
        raise HarnessInputError("each entry needs a string id", field="id", **where)
    return entry_id


def _ground_truth(answer: Any, case_id: str, tools: tuple[Tool, ...]) -> list[ExpectedCall]:
    """Expected calls from an answer row: `{"id", "ground_truth": [...]}` (v2 on; v1's bare `{name: args}`
    and `{name_1: args, name_2: args}` rows too)."""
    if not isinstance(answer, Mapping):
        raise HarnessInputError("a possible answer must be a JSON object", field="ground_truth")
    if "ground_truth" in answer:
        if answer.get("id", case_id) != case_id:
            raise HarnessInputError(f"answer for {answer.get('id')!r} paired with entry {case_id!r}", field="id")
        calls = answer["ground_truth"]
        if isinstance(calls, Mapping):  # some files hold one call as a bare object
            calls = [calls]
        if not isinstance(calls, list):
            raise HarnessInputError("ground_truth must be a list of {function: {argument: [values]}}",
                                    field="ground_truth")
        return [_expected_call(call, f"ground_truth[{index}]") for index, call in enumerate(calls)]
    names = [tool.name for tool in tools]
    return [_expected_call({_v1_function_name(key, names): arguments}, f"ground_truth.{key}")
            for key, arguments in answer.items()]


def _v1_function_name(key: str, offered: list[str]) -> str:
    """The function a v1 answer key names. v1's checker takes the entry's one function, or else the first
    offered function whose name occurs in the key (`math.factorial_1` -> `math.factorial`)."""
    if key in offered:
        return key
    if len(offered) == 1:
        return offered[0]
    stripped = _V1_KEY_COUNTER.sub("", key)
    if stripped in offered:
        return stripped
    for name in offered:
        if name in key:
            return name
    raise HarnessInputError(f"answer key {key!r} names none of the offered functions ({', '.join(offered)})",
                            field=f"ground_truth.{key}")


def _expected_call(call: Any, field: str) -> ExpectedCall:
    if not isinstance(call, Mapping) or len(call) != 1:
        raise HarnessInputError("each expected call is one {function: {argument: [values]}}", field=field)
    (name, arguments), = call.items()
    if not isinstance(arguments, Mapping):
        raise HarnessInputError(f"arguments of {name!r} must be an object of argument -> [values]",
                                field=f"{field}.{name}")
    for argument, values in arguments.items():
        if not isinstance(values, list):
            raise HarnessInputError("acceptable values must be a list", field=f"{field}.{name}.{argument}")
    return ExpectedCall(name=name, arguments={argument: tuple(values) for argument, values in arguments.items()})


def _without_omittable_unknowns(expected: ExpectedCall, tools: tuple[Tool, ...]) -> ExpectedCall:
    """Drop omittable answer arguments that the function's schema does not have.

    A few BFCL answers (e.g. parallel_multiple_12, _26) list such an argument with `""` among its values.
    Verdicts cannot change: supplying it fails as outside the schema either way, omitting it passes either
    way; but a suite file holding it would fail the loader's check that answers only name real parameters.
    """
    tool = next((tool for tool in tools if tool.name == expected.name), None)
    if tool is None:
        return expected
    properties = tool.parameters.get("properties", {})
    kept = {name: values for name, values in expected.arguments.items()
            if name in properties or not expected.is_omittable(name)}
    return expected if len(kept) == len(expected.arguments) else ExpectedCall(expected.name, kept)


def _tools(functions: Any) -> tuple[Tool, ...]:
    if isinstance(functions, Mapping):  # v1 simple and parallel entries hold one function as an object
        functions = [functions]
    if not isinstance(functions, list):
        raise HarnessInputError("`function` must be a function document or a list of them", field="function")
    tools = []
    for index, function in enumerate(functions):
        try:
            tools.append(_parse_bfcl_function(function))
        except ToolDefinitionError as exc:
            field = ".".join(part for part in (f"function[{index}]", exc.field) if part)
            raise HarnessInputError(exc.message, field=field) from None
    return tuple(tools)


def _parse_bfcl_function(function: Any) -> Tool:
    # BFCL repeats the same function documents across many entries (live_multiple: 4,178 uses of 1,073),
    # and validating a schema costs milliseconds, so each distinct document is parsed once. The key keeps the
    # document's key order: the tool is parsed back from it, and its parameters' order is the order a model
    # is shown them (a sorted key reordered 3,695 of 4,778 functions in parallel, simple_python, live_multiple).
    try:
        key = json.dumps(function)
    except (TypeError, ValueError):
        return parse_tool(function)
    return _parse_tool_once(key)


@functools.lru_cache(maxsize=8192)
def _parse_tool_once(function_json: str) -> Tool:
    return parse_tool(json.loads(function_json))


def _messages(question: Any) -> list[dict]:
    """BFCL's `question`: a list of turns, each a list of messages (v2 on); bare messages; or, in v1, the
    user's request as one string."""
    if isinstance(question, str):
        return [{"role": "user", "content": question}]
    if not isinstance(question, list) or not question:
        raise HarnessInputError("`question` must be the request text or a non-empty list of turns",
                                field="question")
    messages = []
    for turn_index, turn in enumerate(question):
        for message_index, message in enumerate([turn] if isinstance(turn, Mapping) else turn):
            if not isinstance(message, Mapping) or message.get("role") not in ROLES:
                raise HarnessInputError(f"each message needs a role ({', '.join(sorted(ROLES))})",
                                        field=f"question[{turn_index}][{message_index}].role")
            messages.append(dict(message))
    return messages


def load_bfcl_cases(category: str, wheel: Path | None = None, release: Release = V4) -> list[Case]:
    """Every case of one BFCL category, read from a bfcl-eval wheel (default: the cached v4 wheel)."""
    from harness.integrations.bfcl.wheel import bfcl_wheel_path

    source = BfclSource(Path(wheel) if wheel is not None else bfcl_wheel_path(), is_wheel=True)
    return release_cases(source, release, category)
