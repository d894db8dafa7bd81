"""Read JSONL test cases into `Case` objects, checking every line and naming file, line and field on error.

Tools in a case are full definitions (OpenAI or BFCL style) or names from the suite's tool library.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from harness.errors import HarnessInputError
from harness.io import json_input
from harness.suite.cases import GROUND_TRUTH_DEFECT_KEY, Case, ExpectedCall, Tool
from harness.suite.tools import ToolDefinitionError, parse_tool

ROLES = frozenset({"system", "user", "assistant", "tool"})
IRRELEVANCE = "irrelevance"


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield `(line_number, object)` for each non-blank line; a bad line is a one-line input error (bounds:
    `harness.io.json_input`)."""
    for number, data in json_input.read_jsonl(path):
        if not isinstance(data, dict):
            raise HarnessInputError(f"each line must be a JSON object, got {type(data).__name__}",
                                    path=path, line=number)
        yield number, data


def load_tool_library(path: Path) -> dict[str, Tool]:
    """A JSON list or JSONL file of tool definitions, keyed by name."""
    if path.suffix == ".jsonl":
        entries = list(read_jsonl(path))
    else:
        raw = json_input.read_json(path)
        if not isinstance(raw, list):
            raise HarnessInputError("a tool library must be a JSON list of tool definitions", path=path)
        entries = [(None, item) for item in raw]
    library: dict[str, Tool] = {}
    for index, (line, definition) in enumerate(entries):
        where = "" if line else f"[{index}]"
        tool = _tool_or_error(definition, path, line, where)
        if tool.name in library:
            raise HarnessInputError(f"duplicate tool name {tool.name!r}", path=path, line=line, field=where + "name")
        library[tool.name] = tool
    return library


def load_cases(path: Path, tool_library: Mapping[str, Tool] | None = None) -> tuple[Case, ...]:
    """Every case in `path`, validated; duplicate ids are an error naming both lines."""
    return read_cases(path, lambda data, number: case_from_line(data, path, number, tool_library or {}))


def read_cases(path: Path, parse_line: Callable[[Mapping[str, Any], int], Any]) -> tuple[Any, ...]:
    """`parse_line(object, line number)` for every line of the JSONL file `path`; any kind of case with an `id`.
    A duplicate id is an error naming both lines, an empty file an error too."""
    cases: list[Any] = []
    first_line: dict[str, int] = {}
    for number, data in read_jsonl(path):
        case = parse_line(data, number)
        if case.id in first_line:
            raise HarnessInputError(f"duplicate case id {case.id!r} (first on line {first_line[case.id]})",
                                    path=path, line=number, field="id")
        first_line[case.id] = number
        cases.append(case)
    if not cases:
        raise HarnessInputError("no cases: the file is empty", path=path)
    return tuple(cases)


#: The keys of one single-turn case line.
CASE_FIELDS = frozenset({"id", "category", "messages", "question", "tools", "expected", "meta"})


def case_header(data: Mapping[str, Any], known: frozenset[str] | set[str], fail: Callable[..., HarnessInputError],
                categories: str) -> tuple[str, str, dict]:
    """What every kind of case line starts with: no unknown key, a non-empty id and category, a `meta` object.
    `categories` names examples for the error message; `fail(field, message, hint=None)` builds the error."""
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise fail(unknown[0], "unknown field", hint=f"known fields: {', '.join(sorted(known))}")
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise fail("id", "a case needs a non-empty string id")
    category = data.get("category")
    if not isinstance(category, str) or not category:
        raise fail("category", f"a case needs a category (e.g. {categories})")
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise fail("meta", "meta must be an object")
    return case_id, category, meta


def case_from_line(data: Mapping[str, Any], path: Path, line: int, library: Mapping[str, Tool]) -> Case:
    """Validate one JSONL object into a `Case`."""
    def fail(field: str, message: str, hint: str | None = None) -> HarnessInputError:
        return HarnessInputError(message, path=path, line=line, field=field, hint=hint)

    case_id, category, meta = case_header(data, CASE_FIELDS, fail, "simple, multiple, parallel, irrelevance")
    messages = _messages(data, fail)
    tools = resolve_tools(data.get("tools"), library, fail)
    expected = _expected(data.get("expected"), tools, fail, allow_defects=bool(meta.get(GROUND_TRUTH_DEFECT_KEY)))
    if category == IRRELEVANCE and expected:
        raise fail("expected", "an irrelevance case must expect no call ([])")
    return Case(id=case_id, category=category, messages=messages, tools=tools, expected=expected, meta=meta)


def check_message_shapes(messages: list, fail: Callable[..., HarnessInputError]) -> None:
    """Every message is an object with a known role and string (or absent) content."""
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise fail(f"messages[{index}].role", f"role must be one of {sorted(ROLES)}")
        if not isinstance(message.get("content", ""), (str, list, type(None))):
            raise fail(f"messages[{index}].content", "content must be a string")


def _messages(data: Mapping[str, Any], fail) -> tuple[dict, ...]:
    if "messages" not in data and isinstance(data.get("question"), str):
        return ({"role": "user", "content": data["question"]},)
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        raise fail("messages", "a case needs a non-empty list of chat messages (or a 'question' string)")
    check_message_shapes(messages, fail)
    if messages[-1]["role"] != "user":
        raise fail(f"messages[{len(messages) - 1}].role", "the chat history must end with a user turn")
    return tuple(dict(m) for m in messages)


def resolve_tools(raw: Any, library: Mapping[str, Tool], fail: Callable[..., HarnessInputError],
                  owner: str = "a case") -> tuple[Tool, ...]:
    """The tools a case, example or training record offers: names from the suite's tool library, or full
    definitions (OpenAI or BFCL style). `fail(field, message, hint=None)` builds the one-line error."""
    if not isinstance(raw, list):
        raise fail("tools", f"{owner} needs a list of tools (definitions or names from the tool library)")
    tools: list[Tool] = []
    for index, item in enumerate(raw):
        if isinstance(item, str):
            if item not in library:
                hint = "add it to the suite's data.tools library" if library else "no data.tools library is declared"
                raise fail(f"tools[{index}]", f"unknown tool {item!r}", hint=hint)
            tools.append(library[item])
            continue
        try:
            tools.append(parse_tool(item))
        except ToolDefinitionError as exc:
            raise fail(".".join(part for part in (f"tools[{index}]", exc.field) if part), exc.message) from None
    names = [tool.name for tool in tools]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise fail("tools", f"tool {duplicates[0]!r} is offered twice")
    return tuple(tools)


def _tool_or_error(definition: Any, path: Path, line: int | None, where: str) -> Tool:
    try:
        return parse_tool(definition)
    except ToolDefinitionError as exc:
        field = ".".join(part for part in (where, exc.field) if part)
        raise HarnessInputError(exc.message, path=path, line=line, field=field) from None


def _expected(raw: Any, tools: tuple[Tool, ...], fail, allow_defects: bool) -> tuple[ExpectedCall, ...]:
    if raw is None:
        raise fail("expected", "a case needs 'expected': a list of calls, or [] when no call is right")
    if not isinstance(raw, list):
        raise fail("expected", "expected must be a list of {tool_name: {argument: [acceptable values]}}")
    offered = {tool.name: tool for tool in tools}
    calls: list[ExpectedCall] = []
    for index, item in enumerate(raw):
        where = f"expected[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            raise fail(where, "each expected call is one {tool_name: {argument: [acceptable values]}}")
        (name, arguments), = item.items()
        if name not in offered and not allow_defects:
            raise fail(f"{where}.{name}", f"unknown tool {name!r}", hint=f"offered: {', '.join(offered) or 'none'}")
        if not isinstance(arguments, dict):
            raise fail(f"{where}.{name}", "arguments must be an object of argument -> [acceptable values]")
        properties = offered[name].properties if name in offered else {}
        for argument, values in arguments.items():
            field = f"{where}.{name}.{argument}"
            if not isinstance(values, list):
                raise fail(field, "acceptable values must be a list", hint=f'e.g. [{json.dumps(values)}]')
            if not allow_defects and argument not in properties:
                raise fail(field, f"{argument!r} is not a parameter of tool {name!r}")
            if not allow_defects and not values:
                raise fail(field, "the list of acceptable values is empty", hint='use [""] for "may be omitted"')
        if not allow_defects:
            for required in offered[name].required:
                if required not in arguments:
                    raise fail(f"{where}.{name}", f"required argument {required!r} has no acceptable values")
        calls.append(ExpectedCall(name=name, arguments={a: tuple(v) for a, v in arguments.items()}))
    return tuple(calls)
