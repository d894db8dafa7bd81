"""The built-in training-data formats (suite JSONL, Hermes ShareGPT, xLAM), each a reader giving a `TrainingExample`.

A format is a plugin (entry-point group `fc_harness.training_formats`): a `TrainingFormat` naming the keys that
identify its records (for `format: auto`) and its reader. Readers check every field they use and raise
HarnessInputError at the record's file, line and field.
"""
from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.backends.prompt_format import text_chat
from harness.parsing import ParseError, parse_tool_calls
from harness.suite.case_loader import resolve_tools
from harness.suite.cases import Tool
from harness.suite.message_calls import call_function, decoded_arguments
from harness.suite.tools import ToolDefinitionError, parse_tool
from harness.training.examples import Location, TrainingExample

ROLES = frozenset({"system", "user", "assistant", "tool"})
#: ShareGPT speaker names -> chat roles (Hermes uses system / human / gpt / tool).
SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant",
                  "assistant": "assistant", "tool": "tool", "observation": "tool", "function_response": "tool"}
#: xLAM parameter types (Python-style names) -> JSON Schema types; unknown names get no type constraint.
XLAM_TYPES = {"str": "string", "string": "string", "int": "integer", "integer": "integer", "float": "number",
              "number": "number", "bool": "boolean", "boolean": "boolean", "list": "array", "tuple": "array",
              "set": "array", "array": "array", "dict": "object", "object": "object"}

_TOOLS_BLOCK = re.compile(r"<tools>(.*?)</tools>", re.DOTALL)
_TOOL_CALL_BLOCK = re.compile(r"<tool_call>.*?(?:</tool_call>|$)", re.DOTALL)
_TOOL_RESPONSE_TAGS = re.compile(r"^\s*<tool_response>\s*|\s*</tool_response>\s*$")


def from_harness(record: Mapping[str, Any], where: Location, library: Mapping[str, Tool]) -> TrainingExample:
    """`{"messages": [...], "tools": [names or definitions]}`: the suite's own chat format."""
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        raise where.error("messages", "a training example needs a non-empty list of chat messages")
    tools = _tools(record.get("tools", []), where, library)
    offered = {tool.name for tool in tools}
    for index, message in enumerate(messages):
        _check_message(message, index, where, offered)
    if messages[-1].get("role") != "assistant":
        raise where.error(f"messages[{len(messages) - 1}].role", "a training example must end with an assistant turn")
    return TrainingExample(tuple(text_chat(messages, tools)), tools, where.source)


def from_sharegpt(record: Mapping[str, Any], where: Location, library: Mapping[str, Tool]) -> TrainingExample:
    """Hermes ShareGPT: `conversations` of `{from, value}`; calls as `<tool_call>` in gpt turns; tools in a
    `tools` field or in a system turn's `<tools>` block (that system turn is Hermes' own instructions, so it
    is replaced by the harness's tool prompt)."""
    turns = record.get("conversations")
    if not isinstance(turns, list) or not turns:
        raise where.error("conversations", "a ShareGPT example needs a non-empty list of {from, value} turns")
    tools = _tools(_json_field(record["tools"], where, "tools"), where, library) if "tools" in record else None
    messages: list[dict[str, Any]] = []
    for index, turn in enumerate(turns):
        field = f"conversations[{index}]"
        if not isinstance(turn, dict) or SHAREGPT_ROLES.get(turn.get("from")) is None:
            raise where.error(f"{field}.from", f"`from` must be one of {sorted(SHAREGPT_ROLES)}")
        if not isinstance(turn.get("value"), str):
            raise where.error(f"{field}.value", "`value` must be a string")
        role, value = SHAREGPT_ROLES[turn["from"]], turn["value"]
        if role == "system" and "<tools>" in value:
            block_tools = _tools_from_system(value, where, f"{field}.value", library)
            if block_tools is not None:
                tools = tools if tools is not None else block_tools
                continue
        messages.append(_sharegpt_message(role, value, where, f"{field}.value"))
    while messages and messages[-1]["role"] != "assistant":
        messages.pop()  # turns after the last answer teach nothing
    if not messages:
        raise where.error("conversations", "the conversation has no gpt (assistant) turn to train on")
    return TrainingExample(tuple(text_chat(messages, tools or ())), tuple(tools or ()), where.source)


def from_xlam(record: Mapping[str, Any], where: Location, library: Mapping[str, Tool]) -> TrainingExample:
    """xLAM: `query`, `tools` (JSON string or list, xLAM parameter style) and `answers` (JSON string list of
    `{name, arguments}`)."""
    query = record.get("query")
    if not isinstance(query, str) or not query.strip():
        raise where.error("query", "an xLAM example needs a non-empty `query` string")
    raw_tools = _json_field(record.get("tools", []), where, "tools")
    if not isinstance(raw_tools, list):
        raise where.error("tools", "`tools` must be a list (or a JSON string holding one)")
    tools = tuple(_tool(_xlam_tool(item), where, f"tools[{i}]") if isinstance(item, dict) else
                  _tools([item], where, library)[0] for i, item in enumerate(raw_tools))
    answers = _json_field(record.get("answers"), where, "answers")
    if not isinstance(answers, list) or not answers:
        raise where.error("answers", "`answers` must be a non-empty list of {name, arguments}",
                          hint="xLAM examples with no call carry no answer text to train on")
    calls = [_call(answer, where, f"answers[{i}]", {t.name for t in tools}) for i, answer in enumerate(answers)]
    messages = [{"role": "user", "content": query}, {"role": "assistant", "tool_calls": calls}]
    return TrainingExample(tuple(text_chat(messages, tools)), tools, where.source)


@dataclass(frozen=True)
class TrainingFormat:
    """A training-data format: records holding all of `keys` are in it; `read` turns one record (with its
    location, and the suite's tool library for tools named rather than defined) into a `TrainingExample`.
    `auto` tries formats by `order`."""

    name: str
    keys: tuple[str, ...]
    read: Callable[[Mapping[str, Any], Location, Mapping[str, Tool]], TrainingExample]
    order: int = 100


HARNESS = TrainingFormat("harness", ("messages",), from_harness, order=10)
SHAREGPT = TrainingFormat("sharegpt", ("conversations",), from_sharegpt, order=20)
XLAM = TrainingFormat("xlam", ("query", "answers"), from_xlam, order=30)


def _check_message(message: Any, index: int, where: Location, offered: set[str]) -> None:
    field = f"messages[{index}]"
    if not isinstance(message, dict) or message.get("role") not in ROLES:
        raise where.error(f"{field}.role", f"role must be one of {sorted(ROLES)}")
    content = message.get("content")
    if content is not None and not isinstance(content, str):
        raise where.error(f"{field}.content", "content must be a string")
    tool_calls = message.get("tool_calls")
    if tool_calls is None:
        if message["role"] == "assistant" and not content:
            raise where.error(field, "an assistant turn needs `content` or `tool_calls`")
        return
    if message["role"] != "assistant" or not isinstance(tool_calls, list) or not tool_calls:
        raise where.error(f"{field}.tool_calls", "tool_calls must be a non-empty list on an assistant turn")
    for number, call in enumerate(tool_calls):
        _call(call, where, f"{field}.tool_calls[{number}]", offered)


def _call(call: Any, where: Location, field: str, offered: set[str]) -> dict[str, Any]:
    """A checked `{name, arguments}` from `{name, arguments}` or OpenAI `{"function": {...}}`."""
    if isinstance(call, dict) and call_function(call) is not call:
        call, field = call_function(call), f"{field}.function"
    if not isinstance(call, dict) or not isinstance(call.get("name"), str) or not call["name"]:
        raise where.error(f"{field}.name", "a call needs a non-empty string `name`")
    if offered and call["name"] not in offered:
        raise where.error(f"{field}.name", f"calls tool {call['name']!r}, which the example does not offer",
                          hint=f"offered: {', '.join(sorted(offered))}")
    arguments = decoded_arguments(call.get("arguments", {}))
    if not isinstance(arguments, dict):
        raise where.error(f"{field}.arguments", "arguments must be an object (or a JSON string holding one)")
    return {"name": call["name"], "arguments": arguments}


def _tools(raw: Any, where: Location, library: Mapping[str, Tool]) -> tuple[Tool, ...]:
    return resolve_tools(raw, library, where.error, owner="a training example")


def _tool(definition: Any, where: Location, field: str) -> Tool:
    try:
        return parse_tool(definition)
    except ToolDefinitionError as exc:
        raise where.error(".".join(p for p in (field, exc.field) if p), exc.message) from None


def _json_field(value: Any, where: Location, field: str) -> Any:
    """A value that datasets often store as a JSON string (xLAM `tools`/`answers`, ShareGPT `tools`)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise where.error(field, f"invalid JSON inside the string: {exc.msg} (column {exc.colno})") from None


def _tools_from_system(text: str, where: Location, field: str, library: Mapping[str, Tool]) -> tuple[Tool, ...] | None:
    """The tools in a system turn's `<tools>` blocks; None when no block holds any (e.g. only the phrase
    "within <tools> </tools> XML tags", which Hermes prompts contain before the real block)."""
    for block in _TOOLS_BLOCK.findall(text):
        definitions = _literal_list(block)
        if definitions:
            return _tools(definitions, where, library)
    return None


def _literal_list(text: str) -> list | None:
    """A JSON list, one or more JSON objects, or a Python literal (Hermes writes tools as Python reprs)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = _json_objects(text)
        if value is None:
            try:
                value = ast.literal_eval(text)  # literals only: never evaluates code
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return None
    if isinstance(value, dict):
        value = [value]
    return list(value) if isinstance(value, (list, tuple)) else None


def _json_objects(text: str) -> list | None:
    decoder, objects, position = json.JSONDecoder(), [], 0
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return None
        objects.append(value)
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
    return objects


def _sharegpt_message(role: str, value: str, where: Location, field: str) -> dict[str, Any]:
    if role == "tool":
        return {"role": "tool", "content": _TOOL_RESPONSE_TAGS.sub("", value)}
    if role != "assistant" or "<tool_call>" not in value:
        return {"role": role, "content": value.strip() if role == "assistant" else value}
    try:
        calls = parse_tool_calls(value, decoder="hermes")
    except ParseError as exc:
        raise where.error(field, f"unreadable <tool_call>: {exc}") from None
    text = _TOOL_CALL_BLOCK.sub("", value).strip()
    return {"role": "assistant", "content": text,
            "tool_calls": [{"name": call.name, "arguments": dict(call.arguments)} for call in calls]}


def _xlam_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """An xLAM tool (`parameters` maps argument -> {type: "str, optional", description, default}) as a
    standard definition; one that already has a JSON Schema passes through."""
    parameters = tool.get("parameters", {})
    if not isinstance(parameters, dict) or "properties" in parameters or parameters.get("type") == "object":
        return dict(tool)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, spec in parameters.items():
        spec = spec if isinstance(spec, dict) else {}
        type_text = str(spec.get("type", ""))
        kind = XLAM_TYPES.get(re.split(r"[\[,\s]", type_text.strip(), maxsplit=1)[0].lower())
        schema: dict[str, Any] = {"type": kind} if kind else {}
        if spec.get("description"):
            schema["description"] = str(spec["description"])
        properties[name] = schema
        if "optional" not in type_text.lower():
            required.append(name)
    return {**tool, "parameters": {"type": "object", "properties": properties, "required": required}}
