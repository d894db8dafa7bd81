"""BFCL entries (and their possible answers) in, `Case` out, so BFCL data runs through the harness unchanged.

Covers BFCL's single-turn Python AST categories; the BFCL category name stays in `case.meta["bfcl_category"]`.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Sequence

from harness.bfcl.wheel import bfcl_wheel_path, read_bfcl_jsonl
from harness.cases import GROUND_TRUTH_DEFECT_KEY, Case, ExpectedCall, Tool
from harness.tools import parse_tool

#: BFCL category -> ours. Only single-turn Python categories: Java/JavaScript use other type systems,
#: relevance expects "any call" (no answer to compare), and multi-turn / agentic ones are not AST-checked.
CATEGORY_BY_BFCL_CATEGORY: dict[str, str] = {
    "simple_python": "simple", "simple": "simple", "live_simple": "simple",
    "multiple": "multiple", "live_multiple": "multiple",
    "parallel": "parallel", "live_parallel": "parallel",
    "parallel_multiple": "parallel_multiple", "live_parallel_multiple": "parallel_multiple",
    "irrelevance": "irrelevance", "live_irrelevance": "irrelevance",
}
BFCL_DATA_PREFIX = "BFCL_v4_"
#: `case.meta` key holding the BFCL category an imported case came from.
BFCL_CATEGORY_KEY = "bfcl_category"

def bfcl_case(entry: Mapping[str, Any], answer: Mapping[str, Any] | None, category: str) -> Case:
    """A `Case` from one BFCL entry and its possible-answer row (`None` for irrelevance categories)."""
    if category not in CATEGORY_BY_BFCL_CATEGORY:
        known = ", ".join(sorted(CATEGORY_BY_BFCL_CATEGORY))
        raise ValueError(f"BFCL category {category!r} is not supported (supported: {known})")
    entry_id = entry.get("id")
    ours = CATEGORY_BY_BFCL_CATEGORY[category]
    if ours == "irrelevance":
        expected: tuple[ExpectedCall, ...] = ()
    elif answer is None:
        raise ValueError(f"BFCL entry {entry_id!r}: category {category!r} needs its possible answer")
    elif answer.get("id", entry_id) != entry_id:
        raise ValueError(f"BFCL entry {entry_id!r} paired with the answer for {answer.get('id')!r}")
    else:
        ground_truth = answer["ground_truth"]
        if isinstance(ground_truth, Mapping):  # older BFCL files hold one call as a bare dict
            ground_truth = [ground_truth]
        expected = tuple(ExpectedCall.from_json(call) for call in ground_truth)
    functions = entry.get("function", [])
    if isinstance(functions, Mapping):
        functions = [functions]
    meta: dict[str, Any] = {BFCL_CATEGORY_KEY: category}
    tools = tuple(_parse_bfcl_function(function) for function in functions)
    expected = tuple(_without_omittable_unknowns(call, tools) for call in expected)
    defect = ground_truth_defect(expected, tools)
    if defect is not None:
        meta[GROUND_TRUTH_DEFECT_KEY] = defect
    return Case(
        id=str(entry_id),
        category=ours,
        messages=tuple(_flatten_turns(entry.get("question", []))),
        tools=tools,
        expected=expected,
        meta=meta,
    )


def ground_truth_defect(expected: Sequence[ExpectedCall], tools: Sequence[Tool]) -> str | None:
    """Why no answer can ever pass this ground truth, or None when some answer can.

    BFCL v4 has a handful of such entries (e.g. live_simple_106-63-0: a required argument with an empty
    acceptable list); they are flagged so reports name them instead of counting them as model failures.
    """
    for call in expected:
        tool = next((tool for tool in tools if tool.name == call.name), None)
        if tool is None:
            continue
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


def load_bfcl_cases(category: str, wheel: Path | None = None) -> list[Case]:
    """Every case of one BFCL category, read from the (cached) BFCL wheel."""
    wheel = wheel if wheel is not None else bfcl_wheel_path()
    if category not in CATEGORY_BY_BFCL_CATEGORY:
        bfcl_case({}, None, category)  # raises the error naming the supported categories
    entries = read_bfcl_jsonl(wheel, f"{BFCL_DATA_PREFIX}{category}.json")
    if CATEGORY_BY_BFCL_CATEGORY[category] == "irrelevance":
        return [bfcl_case(entry, None, category) for entry in entries]
    answers = {row["id"]: row for row in read_bfcl_jsonl(wheel, f"possible_answer/{BFCL_DATA_PREFIX}{category}.json")}
    return [bfcl_case(entry, answers.get(entry["id"]), category) for entry in entries]


def _parse_bfcl_function(function: Any) -> Tool:
    # BFCL repeats the same function documents across many entries (live_multiple: 4,178 uses of 1,073),
    # and validating a schema costs milliseconds, so each distinct document is parsed once.
    try:
        key = json.dumps(function, sort_keys=True)
    except (TypeError, ValueError):
        return parse_tool(function)
    return _parse_tool_once(key)


@functools.lru_cache(maxsize=8192)
def _parse_tool_once(function_json: str) -> Tool:
    return parse_tool(json.loads(function_json))


def _flatten_turns(question: Any) -> list[dict]:
    """BFCL's `question` is a list of turns, each a list of messages; older files hold bare messages."""
    messages = []
    for turn in question:
        for message in ([turn] if isinstance(turn, Mapping) else turn):
            messages.append(dict(message))
    return messages
