"""Scoring throughput: our `check_case` against BFCL's own ast_checker on the same 500 BFCL entries.

Ground-truth outputs of 125 entries each from simple_python, multiple, parallel and parallel_multiple;
one benchmark group, so pytest-benchmark prints the two side by side (`--benchmark-enable` to time them).
"""
from __future__ import annotations

import functools

import pytest

from harness.integrations.bfcl.convert import bfcl_case
from harness.scoring.tool_call_accuracy import check_case
from harness.suite.cases import Case, ToolCall
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


# ---- decode + score published outputs: ours against BFCL's handler decoding + ast_checker ----

def _prompt_outputs():
    """Published prompt-mode outputs (BFCL's default decoding), with what each side needs to judge them."""
    from tests.bfcl_real_outputs import real_entries, v3_data

    data = v3_data()
    entries = [entry for entry in real_entries() if entry.decoder == "bfcl_prompt"
               and data.raw[entry.case_id][2] is not None and isinstance(entry.output, str)
               and not entry.output.startswith("Error during inference")]
    return data, entries


def _score_ours_end_to_end(data, entries):
    from harness.backends.base import Generation
    from harness.scoring.record import score_case
    from harness.suite.spec import ScoringSpec

    scoring = ScoringSpec(mode="bfcl", decoder="bfcl_prompt")
    return [score_case(data.cases[e.case_id], Generation(output=e.output), e.model, scoring).passed for e in entries]


@pytest.mark.benchmark(group="decode + score published prompt outputs")
def test_speed_ours_decode_and_score_published_outputs(benchmark):
    """Ours times the whole record (decode, check, schema validity, F1 counts); BFCL's side is its handler's
    decoding (timed in the child process that runs its wheel) plus its ast_checker, in the same run."""
    import time

    from tests.bfcl_reference import bfcl_decode, bfcl_decode_seconds

    data, entries = _prompt_outputs()
    ours = benchmark(_score_ours_end_to_end, data, entries)
    reference = bfcl_reference()
    decoded = bfcl_decode("default", [e.output for e in entries], "2026.3.23")
    checks = [(data.raw[e.case_id], d) for e, d in zip(entries, decoded)]

    def bfcl_checks():
        return [reference.entry_passes(d, raw[1]["function"], raw[2]["ground_truth"], raw[0]) for raw, d in checks]
    check_seconds = min(_timed(bfcl_checks, time.perf_counter) for _ in range(5))
    decode_seconds = bfcl_decode_seconds("default", [e.output for e in entries], "2026.3.23")
    assert ours == bfcl_checks()  # same verdicts, or the timing compares nothing
    ours_seconds = benchmark.stats.stats.min if benchmark.stats else None
    benchmark.extra_info.update(cases=len(entries), bfcl_decode_s=decode_seconds, bfcl_check_s=check_seconds)
    if ours_seconds:
        benchmark.extra_info["bfcl_over_ours"] = (decode_seconds + check_seconds) / ours_seconds
        print(f"\n{len(entries)} outputs: ours {ours_seconds * 1000:.1f} ms (decode+check+schema+F1), BFCL "
              f"{(decode_seconds + check_seconds) * 1000:.1f} ms (decode {decode_seconds * 1000:.1f} + check "
              f"{check_seconds * 1000:.1f}): BFCL/ours = {(decode_seconds + check_seconds) / ours_seconds:.2f}")


def _timed(function, clock) -> float:
    started = clock()
    function()
    return clock() - started
