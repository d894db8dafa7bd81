"""Function names as a candidate's API spells them: `names: exact | underscore_to_dot` in a suite or candidate.

Function-calling APIs (OpenAI, Gemini, Mistral, Claude, ...) forbid `.` in function names, so the tool
`math.factorial` is offered there as `math_factorial`, and that is the name the model answers with. Under
`underscore_to_dot` a case is scored as the API showed it: every `.` in a tool's name (and in its expected
calls) becomes `_`, exactly as BFCL's checker converts the expected name for such models. Consequences:
- a tool whose name has no `.` (`get_weather`) is unchanged, and only `get_weather` matches it;
- `math_factorial` matches the tool `math.factorial`, and the answer `math.factorial` does not (the API never
  offered that name);
- two tools that differ only by `.` against `_` (`a.b`, `a_b`) share one name; the first offered is the one
  whose schema checks the call.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Literal

from harness.suite.cases import Case, ExpectedCall, Tool

NameMapping = Literal["exact", "underscore_to_dot"]


def api_name(name: str, names: str) -> str:
    """The name under which a candidate using `names` sees the function `name`."""
    return name.replace(".", "_") if names == "underscore_to_dot" else name


def case_as_offered(case: Case, names: str) -> Case:
    """`case` with its tools and expected calls named as the candidate's API offered them."""
    if names == "exact" or not any("." in tool.name for tool in case.tools):
        return case
    return _underscored(case)


@functools.lru_cache(maxsize=16384)
def _underscored(case: Case) -> Case:
    tools = tuple(dataclasses.replace(tool, name=api_name(tool.name, "underscore_to_dot")) for tool in case.tools)
    expected = tuple(ExpectedCall(api_name(call.name, "underscore_to_dot"), call.arguments) for call in case.expected)
    return dataclasses.replace(case, tools=tools, expected=expected)


def tools_as_offered(tools: tuple[Tool, ...], names: str) -> tuple[Tool, ...]:
    """The tools a backend sends to an API that uses `names`."""
    if names == "exact":
        return tools
    return tuple(dataclasses.replace(tool, name=api_name(tool.name, names)) for tool in tools)
