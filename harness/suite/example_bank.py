"""Load and validate a suite's example bank (solved chat examples for few-shot and RAG prompting).

Each line is `{"messages": [user..., assistant], "tools": [names or definitions]}`; a bad line is a one-line error.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from harness.errors import HarnessInputError
from harness.suite.case_loader import check_message_shapes, read_jsonl, resolve_tools
from harness.suite.cases import Tool
from harness.suite.message_calls import decoded_arguments

if TYPE_CHECKING:
    from harness.suite.candidate import CandidateSpec
    from harness.suite.load import Suite

KNOWN_FIELDS = frozenset({"id", "messages", "tools", "meta"})


@dataclass(frozen=True)
class Example:
    """One solved example: the chat (ending with the assistant's answer) and the tools it was solved with.

    `messages` are normalised: an answer with calls is an OpenAI-style assistant message whose `arguments`
    are JSON objects (the form chat templates and `harness.backends.prompt_format` render).
    """

    line: int
    messages: tuple[Mapping[str, Any], ...] = field(hash=False)
    tools: tuple[Tool, ...] = field(hash=False)

    @property
    def user_text(self) -> str:
        """The last user message: what retrieval compares with a case's request."""
        return last_user_text(self.messages)


def last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return ""


def request_key(text: str) -> str:
    """A request up to case and whitespace: an example with a case's key would hand over the case's answer."""
    return " ".join(text.split()).casefold()


def load_example_bank(path: Path, library: Mapping[str, Tool] | None = None) -> tuple[Example, ...]:
    """Every example in `path`, validated against its tools; an empty bank is an error."""
    examples = tuple(example_from_line(data, path, number, library or {}) for number, data in read_jsonl(path))
    if not examples:
        raise HarnessInputError("no examples: the file is empty", path=path)
    return examples


def example_from_line(data: Mapping[str, Any], path: Path, line: int, library: Mapping[str, Tool]) -> Example:
    def fail(field: str, message: str, hint: str | None = None) -> HarnessInputError:
        return HarnessInputError(message, path=path, line=line, field=field, hint=hint)

    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        raise fail(unknown[0], "unknown field", hint=f"known fields: {', '.join(sorted(KNOWN_FIELDS))}")
    tools = resolve_tools(data.get("tools"), library, fail, owner="an example")
    messages = _messages(data.get("messages"), fail)
    answer = _answer(messages[-1], len(messages) - 1, {tool.name: tool for tool in tools}, fail)
    return Example(line=line, messages=(*messages[:-1], answer), tools=tools)


def _messages(raw: Any, fail) -> list[dict]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise fail("messages", "an example needs a list of chat messages: user turn(s), then the assistant's answer")
    check_message_shapes(raw, fail)
    if raw[-1]["role"] != "assistant":
        raise fail(f"messages[{len(raw) - 1}].role", "an example must end with the assistant's answer")
    if not any(message["role"] == "user" for message in raw[:-1]):
        raise fail("messages", "an example needs a user turn before the answer")
    return [dict(message) for message in raw]


def _answer(message: dict, index: int, offered: Mapping[str, Tool], fail) -> dict:
    """The assistant's answer, normalised; calls must name an offered tool and fit its schema."""
    where = f"messages[{index}]"
    calls = message.get("tool_calls")
    if not calls:
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise fail(where, "the answer needs `tool_calls` or a plain-text `content`")
        return {"role": "assistant", "content": content}
    if not isinstance(calls, list):
        raise fail(f"{where}.tool_calls", "tool_calls must be a list")
    normalised = [_call(call, f"{where}.tool_calls[{j}]", offered, fail) for j, call in enumerate(calls)]
    return {"role": "assistant", "content": message.get("content") or None, "tool_calls": normalised}


def _call(call: Any, where: str, offered: Mapping[str, Tool], fail) -> dict:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict):
        raise fail(where, 'each call is {"type": "function", "function": {"name": ..., "arguments": {...}}}')
    name = function.get("name")
    if name not in offered:
        raise fail(f"{where}.function.name", f"the example calls {name!r}, which it does not offer",
                   hint=f"offered: {', '.join(offered) or 'none'}")
    arguments = decoded_arguments(function.get("arguments", {}))
    if not isinstance(arguments, dict):
        raise fail(f"{where}.function.arguments", "arguments is a string but not JSON" if isinstance(arguments, str)
                   else "arguments must be a JSON object")
    # A wrong example teaches a wrong call: check it as strictly as a model's output would be.
    error = best_match(Draft202012Validator(offered[name].parameters).iter_errors(arguments))
    if error is not None:
        inner = "".join(f".{part}" if isinstance(part, str) else f"[{part}]" for part in error.path)
        raise fail(f"{where}.function.arguments{inner}", f"does not fit {name!r}: {error.message}")
    return {"type": "function", "function": {"name": name, "arguments": arguments}}


def suite_example_bank(suite: Suite, candidate: CandidateSpec, k: int, purpose: str) -> tuple[Example, ...]:
    """The suite's example bank (parsed once per suite), checked to hold at least `k` examples."""
    if suite.spec.data.examples is None:
        raise suite.field_error(("data", "examples"), f"{purpose} needs an example bank, and none is declared",
                                hint="add `examples: path/to/examples.jsonl` under data")
    bank = suite.example_bank
    if k > len(bank):
        raise suite.field_error(suite.candidate_location(candidate, "k"),
                                f"k={k} examples asked for, but {Path(suite.spec.data.examples).name} holds only "
                                f"{len(bank)}", hint="lower k or add examples to the bank")
    return bank
