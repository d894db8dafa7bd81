"""Call-level and argument-level micro counts, and the matching algorithms under them."""
from __future__ import annotations

import itertools
import random

import pytest

from harness.scoring.call_f1 import argument_counts, call_counts
from harness.scoring.call_matching import greedy_matching, max_weight_assignment, maximum_matching
from harness.scoring.counts import PRFCounts
from harness.suite.cases import Case, ExpectedCall, ToolCall
from harness.suite.tools import parse_tool

SEARCH = parse_tool({"name": "search", "description": "", "parameters": {"type": "dict", "required": ["q"],
                     "properties": {"q": {"type": "string"}, "limit": {"type": "integer"},
                                    "lang": {"type": "string"}, "safe": {"type": "boolean"}}}})
FETCH = parse_tool({"name": "fetch", "description": "", "parameters": {"type": "dict", "required": ["url"],
                    "properties": {"url": {"type": "string"}}}})
CATS = ExpectedCall("search", {"q": ("cats",), "limit": (5, ""), "lang": ("en",)})
DOGS = ExpectedCall("search", {"q": ("dogs",), "limit": (3,), "lang": ("en", "")})
PAGE = ExpectedCall("fetch", {"url": ("https://a.example",)})


def case(*expected: ExpectedCall) -> Case:
    return Case(id="c", category="parallel" if len(expected) > 1 else "simple", messages=(),
                tools=(SEARCH, FETCH), expected=expected)


def search(**arguments) -> ToolCall:
    return ToolCall("search", arguments)


# ---- call level ----

def test_call_counts_perfect_parallel_output_in_any_order():
    calls = [ToolCall("fetch", {"url": "https://a.example"}), search(q="dogs", limit=3), search(q="cats", lang="en")]
    assert call_counts(case(CATS, DOGS, PAGE), calls) == PRFCounts(3, 3, 3)


def test_call_counts_use_an_optimal_matching_not_bfcl_greedy():
    loose = ExpectedCall("search", {"q": ("cats", "dogs")})
    tight = ExpectedCall("search", {"q": ("cats",)})
    calls = [search(q="cats"), search(q="dogs")]
    for mode in ("strict", "bfcl"):
        assert call_counts(case(loose, tight), calls, mode) == PRFCounts(2, 2, 2)


def test_call_counts_with_wrong_extra_and_missing_calls():
    calls = [search(q="cats", lang="en"), search(q="birds", limit=3, lang="en"), search(q="cats", lang="en")]
    assert call_counts(case(CATS, DOGS, PAGE), calls) == PRFCounts(true_positives=1, predicted=3, gold=3)


def test_call_counts_for_unparseable_output_and_irrelevance():
    assert call_counts(case(CATS, PAGE), None) == PRFCounts(0, 0, 2)
    assert call_counts(case(), [search(q="cats")]) == PRFCounts(0, 1, 0)
    assert call_counts(case(), []) == PRFCounts(0, 0, 0)


def test_call_counts_respect_the_mode_value_rules():
    expected = ExpectedCall("search", {"q": ("cats",), "safe": ("", [1])})
    odd = search(q="cats", safe=[True])  # a bool list where the answer has [1]: BFCL's == lets it through
    assert call_counts(case(expected), [odd], "bfcl") == PRFCounts(1, 1, 1)
    assert call_counts(case(expected), [odd], "strict") == PRFCounts(0, 1, 1)


# ---- argument level ----

def test_argument_counts_perfect_call_with_an_omitted_optional():
    # gold = mandatory (q, lang) only: "limit" may be omitted, so leaving it out is no miss.
    assert argument_counts(case(CATS), [search(q="cats", lang="en")]) == PRFCounts(2, 2, 2)


def test_argument_counts_supplied_omittable_argument_joins_gold():
    assert argument_counts(case(CATS), [search(q="cats", lang="en", limit=5)]) == PRFCounts(3, 3, 3)
    assert argument_counts(case(CATS), [search(q="cats", lang="en", limit=9)]) == PRFCounts(2, 3, 3)


def test_argument_counts_wrong_type_unexpected_and_missing_arguments():
    # limit has the wrong type (FP and FN), safe is not in the answer (FP only), lang is missing (FN only).
    calls = [search(q="cats", limit="5", safe=True)]
    assert argument_counts(case(CATS), calls) == PRFCounts(true_positives=1, predicted=3, gold=3)


def test_argument_counts_align_same_name_calls_to_maximise_correct_arguments():
    calls = [search(q="dogs", limit=3, lang="en"), search(q="cats", lang="en")]
    assert argument_counts(case(CATS, DOGS), calls) == PRFCounts(5, 5, 5)


def test_argument_counts_never_credit_arguments_of_another_function():
    calls = [ToolCall("fetch", {"url": "https://a.example"}), ToolCall("fetch", {"q": "cats"})]
    assert argument_counts(case(CATS, PAGE), calls) == PRFCounts(true_positives=1, predicted=2, gold=3)


def test_argument_counts_for_unparseable_output_and_irrelevance():
    assert argument_counts(case(CATS, DOGS), None) == PRFCounts(0, 0, 4)
    assert argument_counts(case(), [search(q="cats", limit=2)]) == PRFCounts(0, 2, 0)


def test_counts_reject_an_unknown_mode():
    with pytest.raises(ValueError, match="unknown scoring mode"):
        call_counts(case(CATS), [], "fuzzy")
    with pytest.raises(ValueError, match="unknown scoring mode"):
        argument_counts(case(CATS), [], "fuzzy")


# ---- matching algorithms ----

def test_greedy_matching_stops_at_the_first_expected_call_left_unmatched():
    fits = {(0, 0), (0, 1), (1, 0)}
    assert greedy_matching(2, 2, lambda e, p: (e, p) in fits) == ({0: 0}, 1)
    assert maximum_matching(2, 2, lambda e, p: (e, p) in fits) == {0: 1, 1: 0}


def _best_total(weights: list[list[int]]) -> int:
    rows, cols = len(weights), len(weights[0]) if weights else 0
    best = 0
    for columns in itertools.permutations(range(max(rows, cols)), rows):
        best = max(best, sum(max(weights[r][c], 0) for r, c in enumerate(columns) if c < cols))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_max_weight_assignment_finds_the_best_total(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(0, 5), rng.randint(1, 5)
    weights = [[rng.choice([0, 0, 1, 2, 5, 7]) for _ in range(cols)] for _ in range(rows)]
    assignment = max_weight_assignment(weights)
    assert len(set(assignment.values())) == len(assignment)
    assert all(weights[r][c] > 0 for r, c in assignment.items())
    assert sum(weights[r][c] for r, c in assignment.items()) == _best_total(weights)


@pytest.mark.parametrize("seed", range(40))
def test_maximum_matching_is_as_large_as_possible(seed):
    rng = random.Random(seed)
    rows, cols = rng.randint(0, 5), rng.randint(0, 5)
    fits = {(r, c) for r in range(rows) for c in range(cols) if rng.random() < 0.4}
    matching = maximum_matching(rows, cols, lambda e, p: (e, p) in fits)
    assert all((e, p) in fits for e, p in matching.items()) and len(set(matching.values())) == len(matching)
    weights = [[1 if (r, c) in fits else 0 for c in range(max(cols, 1))] for r in range(rows)]
    assert len(matching) == _best_total(weights)
