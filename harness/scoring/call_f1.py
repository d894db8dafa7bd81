"""Call-level and argument-level micro counts (true positives, predicted, gold) for one case.

Sum the `PRFCounts` over cases, then read precision / recall / F1 off the total (micro averaging).

Call level: predicted = calls produced (0 when the output could not be parsed); gold = calls expected;
true positives = the size of a largest one-to-one matching of produced to expected calls in which every
pair passes `check_call` (so order never matters and each call is credited at most once).

Argument level: produced calls are first aligned one-to-one with expected calls of the same name, choosing
the alignment with the most aligned pairs and, among those, the most acceptable arguments. Then
- predicted = all arguments of all produced calls (aligned or not);
- gold = the mandatory arguments (acceptable list without `""`) of every expected call, plus the omittable
  arguments a produced call did supply to the expected call it is aligned with;
- true positives = supplied arguments, in aligned pairs, that the schema and the expected call both know and
  whose value passes the same type and value rules as `check_call` (per scoring mode).
So an omitted optional argument is never a miss, a supplied one is judged, and an unneeded one costs precision.
"""
from __future__ import annotations

import functools
from typing import Sequence

from harness.scoring.call_matching import max_weight_assignment, maximum_matching
from harness.scoring.counts import PRFCounts
from harness.scoring.tool_call_accuracy import check_call, require_scoring_mode
from harness.scoring.value_match import UNTYPED, argument_rules, check_argument
from harness.suite.cases import Case, ExpectedCall, Tool, ToolCall


def call_counts(case: Case, calls: Sequence[ToolCall] | None, mode: str = "strict") -> PRFCounts:
    require_scoring_mode(mode)
    produced = list(calls or ())
    expected_calls = case.expected
    tools = [case.tool(expected.name) for expected in expected_calls]
    passes = functools.cache(lambda e, p: check_call(produced[p], expected_calls[e], tools[e], mode).passed)
    matching = maximum_matching(len(expected_calls), len(produced), passes)
    return PRFCounts(true_positives=len(matching), predicted=len(produced), gold=len(expected_calls))


def argument_counts(case: Case, calls: Sequence[ToolCall] | None, mode: str = "strict") -> PRFCounts:
    require_scoring_mode(mode)
    produced = list(calls or ())
    expected_calls = case.expected
    tools = [case.tool(expected.name) for expected in expected_calls]
    strict = mode == "strict"
    correct = [[_acceptable_arguments(call, expected, tool, strict) if call.name == expected.name else None
                for call in produced] for expected, tool in zip(expected_calls, tools)]
    # An aligned pair outweighs any number of correct arguments, so the alignment first pairs as many
    # same-name calls as it can and only then prefers the pairs with more acceptable arguments.
    pair_bonus = 1 + max((len(call.arguments) for call in produced), default=0)
    weights = [[0 if count is None else pair_bonus + count for count in row] for row in correct]
    alignment = max_weight_assignment(weights)

    true_positives = sum(correct[e][p] for e, p in alignment.items())
    gold = sum(len(expected.mandatory_arguments) for expected in expected_calls)
    for e, p in alignment.items():
        expected = expected_calls[e]
        gold += sum(1 for argument in produced[p].arguments
                    if argument in expected.arguments and expected.is_omittable(argument))
    predicted = sum(len(call.arguments) for call in produced)
    return PRFCounts(true_positives=true_positives, predicted=predicted, gold=gold)


def _acceptable_arguments(call: ToolCall, expected: ExpectedCall, tool: Tool | None, strict: bool) -> int:
    rules = argument_rules(tool) if tool is not None else None
    count = 0
    for argument, value in call.arguments.items():
        if argument not in expected.arguments or (rules is not None and argument not in rules):
            continue
        rule = rules[argument] if rules is not None else UNTYPED
        if check_argument(argument, value, rule, expected.arguments[argument], strict=strict) is None:
            count += 1
    return count
