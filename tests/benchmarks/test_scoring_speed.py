"""Scoring throughput: our `check_case` against BFCL's own ast_checker on the same 500 BFCL entries.

Ground-truth outputs of 125 entries each from simple_python, multiple, parallel and parallel_multiple;
one benchmark group, so pytest-benchmark prints the two side by side (`--benchmark-enable` to time them).
"""
from __future__ import annotations

import functools

import pytest

from harness.bfcl import bfcl_case
from harness.cases import Case, ToolCall
from harness.scoring.tool_call_accuracy import check_case
from tests.bfcl_reference import BfclReference, bfcl_reference, ground_truth_output

pytestmark = pytest.mark.network_wheel

CATEGORIES = ("simple_python", "multiple", "parallel", "parallel_multiple")
PER_CATEGORY = 125


@functools.cache
def _inputs() -> tuple[BfclReference, list[tuple[Case, list[ToolCall]]], list[tuple]]:
    reference = bfcl_reference()
    ours, theirs = [], []
    for category in CATEGORIES:
        entries = reference.read(f"BFCL_v4_{category}.json")[:PER_CATEGORY]
        answers = {row["id"]: row for row in reference.read(f"possible_answer/BFCL_v4_{category}.json")}
        for entry in entries:
            ground_truth = answers[entry["id"]]["ground_truth"]
            output = ground_truth_output(ground_truth)
            ours.append((bfcl_case(entry, answers[entry["id"]], category),
                         [ToolCall(name, arguments) for name, arguments in output]))
            decoded = [{name: arguments} for name, arguments in output]
            theirs.append((entry["function"], decoded, ground_truth, category))
    return reference, ours, theirs


def _score_ours(inputs: list[tuple[Case, list[ToolCall]]], mode: str) -> list[bool]:
    return [check_case(case, calls, mode).passed for case, calls in inputs]


def _score_bfcl(reference: BfclReference, inputs: list[tuple]) -> list[bool]:
    return [reference.verdict(*arguments)["valid"] for arguments in inputs]


@pytest.mark.benchmark(group="score 500 BFCL cases")
def test_speed_ours_bfcl_mode(benchmark):
    reference, ours, theirs = _inputs()
    verdicts = benchmark(_score_ours, ours, "bfcl")
    assert verdicts == _score_bfcl(reference, theirs)  # same answers, or the timing compares nothing
    benchmark.extra_info["cases"] = len(ours)


@pytest.mark.benchmark(group="score 500 BFCL cases")
def test_speed_ours_strict_mode(benchmark):
    _, ours, _ = _inputs()
    benchmark(_score_ours, ours, "strict")
    benchmark.extra_info["cases"] = len(ours)


@pytest.mark.benchmark(group="score 500 BFCL cases")
def test_speed_bfcl_ast_checker(benchmark):
    reference, _, theirs = _inputs()
    benchmark(_score_bfcl, reference, theirs)
    benchmark.extra_info["cases"] = len(theirs)
