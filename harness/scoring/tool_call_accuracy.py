"""Tool-call accuracy (AST): do a case's parsed calls match its expected calls? One typed verdict per case.

`bfcl` mode reproduces BFCL's ast_checker verdicts (language=python); `strict` (default) is the same but
matches parallel calls optimally, fails unparseable output on irrelevance cases, and tells bools from numbers.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from harness.errors import ErrorKind
from harness.scoring.call_matching import greedy_matching, maximum_matching
from harness.scoring.value_match import argument_rules, check_argument
from harness.suite.cases import Case, ExpectedCall, Tool, ToolCall

SCORING_MODES = ("strict", "bfcl")


#: The pipeline's one error-kind enum, under the name scoring code has always used.
ErrorType = ErrorKind


# How far a failing call got through the checks; for a parallel failure the deepest one is the most
# informative, since it is the produced call the model most plausibly meant for the expected one.
_DEPTH = {ErrorType.WRONG_NAME: 0, ErrorType.MISSING_REQUIRED: 1, ErrorType.UNEXPECTED_ARG: 2,
          ErrorType.TYPE_ERROR: 3, ErrorType.VALUE_ERROR: 4}


@dataclass(frozen=True)
class CallVerdict:
    """One produced call against one expected call."""

    passed: bool
    error_type: ErrorType | None
    detail: str  # one human line, e.g. "argument 'unit': 'kelvin' not in ['celsius', 'fahrenheit']"

    def to_json(self) -> dict:
        return {"passed": self.passed, "error_type": _error_value(self.error_type), "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict) -> "CallVerdict":
        return cls(data["passed"], _error_type(data.get("error_type")), data.get("detail", ""))


@dataclass(frozen=True)
class CaseVerdict:
    """All of a case's produced calls against its expected calls.

    `right_tools`: the produced function names equal the expected ones as a multiset (irrelevance: no call).
    """

    passed: bool
    right_tools: bool
    error_type: ErrorType | None
    detail: str

    def to_json(self) -> dict:
        return {"passed": self.passed, "right_tools": self.right_tools,
                "error_type": _error_value(self.error_type), "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict) -> "CaseVerdict":
        return cls(data["passed"], data["right_tools"], _error_type(data.get("error_type")), data.get("detail", ""))


def _error_value(error_type: ErrorType | None) -> str | None:
    return error_type.value if error_type is not None else None


def _error_type(value: str | None) -> ErrorType | None:
    return ErrorType(value) if value is not None else None


_CALL_PASSED = CallVerdict(True, None, "")


def check_call(call: ToolCall, expected: ExpectedCall, tool: Tool | None, mode: str = "strict") -> CallVerdict:
    """Judge one call: name, required arguments, each argument (known, typed, acceptable), omissions.

    Checks run in BFCL's order, so the first failure reported is the one BFCL would report. An expected call
    whose function the case does not offer (a ground-truth defect) can never pass: BFCL compares a simple
    entry's call with the entry's own function and crashes looking the function up in the other categories.
    """
    require_scoring_mode(mode)
    if call.name != expected.name:
        return CallVerdict(False, ErrorType.WRONG_NAME, f"called {call.name!r}, expected {expected.name!r}")
    if tool is None:
        return CallVerdict(False, ErrorType.WRONG_NAME, f"{call.name!r} is not one of the case's tools")
    rules = argument_rules(tool)
    for required in tool.required:
        if required not in call.arguments:
            return CallVerdict(False, ErrorType.MISSING_REQUIRED, f"required argument {required!r} is missing")
    for argument, value in call.arguments.items():
        if argument not in expected.arguments or argument not in rules:
            where = "the expected call" if argument in rules else "the schema"
            return CallVerdict(False, ErrorType.UNEXPECTED_ARG, f"argument {argument!r} is not in {where}")
        issue = check_argument(argument, value, rules[argument], expected.arguments[argument],
                               strict=mode == "strict")
        if issue is not None:
            kind = ErrorType.TYPE_ERROR if issue.kind == "type" else ErrorType.VALUE_ERROR
            return CallVerdict(False, kind, issue.detail)
    for argument in expected.arguments:
        if argument not in call.arguments and not expected.is_omittable(argument):
            return CallVerdict(False, ErrorType.MISSING_REQUIRED,
                               f"argument {argument!r} is missing (the expected call requires it)")
    return _CALL_PASSED


def check_case(case: Case, calls: Sequence[ToolCall] | None, mode: str = "strict") -> CaseVerdict:
    """Judge a case's parsed calls (`None`: the output could not be parsed).

    Several expected calls are matched order-free (BFCL's parallel checker); one expected call needs exactly
    one produced call that matches it. That is BFCL's category dispatch without reading the category: its
    simple and multiple checkers compare the single produced call with the single expected call, which is what
    its parallel checker does when one call is expected (BFCL data never has a simple or multiple entry with
    more expected calls). It also gives user-defined categories the sensible behaviour.
    """
    require_scoring_mode(mode)
    if not case.expected:
        return _check_irrelevance(calls, mode)
    if calls is None:
        return CaseVerdict(False, False, ErrorType.PARSE_ERROR, "the output could not be parsed into calls")
    right_tools = _same_names(calls, case.expected)
    if len(case.expected) > 1:
        verdict = _check_parallel(case, calls, mode)
    elif len(calls) != 1:
        verdict = CallVerdict(False, ErrorType.WRONG_COUNT, f"expected 1 call, got {len(calls)}")
    else:
        expected = case.expected[0]
        verdict = check_call(calls[0], expected, case.tool(expected.name), mode)
    return CaseVerdict(verdict.passed, right_tools, verdict.error_type, verdict.detail)


def _same_names(calls: Sequence[ToolCall], expected: Sequence[ExpectedCall]) -> bool:
    if len(calls) != len(expected):
        return False
    if len(calls) == 1:
        return calls[0].name == expected[0].name
    return Counter(call.name for call in calls) == Counter(call.name for call in expected)


def _check_irrelevance(calls: Sequence[ToolCall] | None, mode: str) -> CaseVerdict:
    if calls is None:
        if mode == "bfcl":  # BFCL counts an output it cannot decode as "no function call": a pass here
            return CaseVerdict(True, True, None, "the output could not be parsed: no call, as BFCL counts it")
        return CaseVerdict(False, False, ErrorType.PARSE_ERROR, "the output could not be parsed into calls")
    if calls:
        names = ", ".join(repr(call.name) for call in calls)
        return CaseVerdict(False, False, ErrorType.UNEXPECTED_CALL, f"expected no call, got {len(calls)}: {names}")
    return CaseVerdict(True, True, None, "")


def _check_parallel(case: Case, calls: Sequence[ToolCall], mode: str) -> CallVerdict:
    expected_calls = case.expected
    if len(calls) != len(expected_calls):
        return CallVerdict(False, ErrorType.WRONG_COUNT, f"expected {len(expected_calls)} calls, got {len(calls)}")
    tools = [case.tool(expected.name) for expected in expected_calls]
    verdicts: dict[tuple[int, int], CallVerdict] = {}

    def verdict(expected: int, produced: int) -> CallVerdict:
        key = (expected, produced)
        if key not in verdicts:
            verdicts[key] = check_call(calls[produced], expected_calls[expected], tools[expected], mode)
        return verdicts[key]

    def compatible(expected: int, produced: int) -> bool:
        return verdict(expected, produced).passed

    if mode == "bfcl":
        matching, unmatched = greedy_matching(len(expected_calls), len(calls), compatible)
        if unmatched is None:
            return _CALL_PASSED
    else:
        matching = maximum_matching(len(expected_calls), len(calls), compatible)
        if len(matching) == len(expected_calls):
            return _CALL_PASSED
        unmatched = min(set(range(len(expected_calls))) - matching.keys())
    # The calls left over hold the one the model meant for this expected call; none of them fits it
    # (greedy tried them all; a maximum matching would otherwise grow), and as counts are equal, one is left.
    leftovers = [produced for produced in range(len(calls)) if produced not in matching.values()]
    closest = max((verdict(unmatched, produced) for produced in leftovers),
                  key=lambda failure: _DEPTH.get(failure.error_type, -1))
    expected = expected_calls[unmatched]
    return CallVerdict(False, closest.error_type,
                       f"no call matches expected call {unmatched + 1} ({expected.name!r}); closest: {closest.detail}")


def require_scoring_mode(mode: str) -> None:
    """Raise ValueError naming the known modes unless `mode` is one of them."""
    if mode not in SCORING_MODES:
        raise ValueError(f"unknown scoring mode {mode!r}; use one of {', '.join(SCORING_MODES)}")
