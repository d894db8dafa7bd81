"""Real published BFCL outputs, re-scored: our decoders and bfcl-mode checks agree with BFCL's own handler
decoding and ast_checker, entry by entry.

The outputs are the leaderboard's own result files (tests/data/bfcl/results/, see SOURCES.md there): models of
the 2024-07 (v1) and 2024-12 (v3) releases, prompt and function-calling, one or more per decoder style. They
are scored against BFCL v3's data (bfcl-eval 2025.6.8), which holds v1's questions in v1's order; the
reference decodes each output with the BFCL handler our decoder reproduces (tests/bfcl_handler_reference.py)
and judges it as BFCL's eval runner does. Run with `-s` to see the agreement per style.
"""
from __future__ import annotations

import copy
from collections import defaultdict

import pytest

from harness.backends.base import Generation
from harness.scoring.record import score_case
from harness.suite.spec import ScoringSpec
from tests.bfcl_real_outputs import Entry, real_entries, v3_data
from tests.bfcl_reference import REFERENCE_HANDLERS, bfcl_decode, bfcl_reference

pytestmark = pytest.mark.network_wheel


@pytest.fixture(scope="module")
def v3():
    data = v3_data()
    return data.cases, data.raw


@pytest.fixture(scope="module")
def entries() -> tuple[Entry, ...]:
    return real_entries()


def _reference_handler(entry: Entry) -> tuple[str, str]:
    handler, version = REFERENCE_HANDLERS[entry.decoder]
    if handler == "openai_fc" and isinstance(entry.output, list) and any(
            isinstance(item, dict) and any(isinstance(value, dict) for value in item.values()) for item in entry.output):
        return "gemini_fc", version  # arguments recorded as objects: Gemini's and Cohere's handlers read those
    return handler, version


@pytest.fixture(scope="module")
def verdicts(v3, entries):
    """(entry, ours, theirs) for every real output."""
    cases, raw = v3
    by_handler: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_handler[_reference_handler(entry)].append(entry)
    reference = bfcl_reference()
    outcomes = []
    for (handler, version), group in sorted(by_handler.items()):
        decoded = bfcl_decode(handler, [copy.deepcopy(entry.output) for entry in group], version)
        for entry, their_decoding in zip(group, decoded):
            category, raw_entry, answer = raw[entry.case_id]
            theirs = reference.entry_passes(their_decoding, copy.deepcopy(raw_entry["function"]),
                                            answer["ground_truth"] if answer else None, category,
                                            underscore_to_dot=entry.names == "underscore_to_dot")
            scoring = ScoringSpec(mode="bfcl", decoder=entry.decoder, names=entry.names)
            ours = score_case(cases[entry.case_id], Generation(output=entry.output), entry.model, scoring).passed
            lenient = score_case(cases[entry.case_id], Generation(output=entry.output), entry.model,
                                 ScoringSpec(mode="bfcl")).passed
            outcomes.append((entry, ours, theirs, lenient))
    return outcomes


def test_real_outputs_cover_every_decoder_style_the_data_has(entries):
    styles = {entry.decoder for entry in entries}
    assert {"bfcl_prompt", "bfcl_fc", "bfcl_hermes", "bfcl_mistral", "bfcl_gemma", "bfcl_glm", "bfcl_deepseek",
            "bfcl_raven", "bfcl_functionary", "bfcl_gorilla"} <= styles
    assert len(entries) > 2500


def test_verdicts_on_real_outputs_agree_with_bfcls_own_decoding_and_checker(verdicts):
    per_style: dict[str, list[bool]] = defaultdict(list)
    disagreements = []
    for entry, ours, theirs, _ in verdicts:
        per_style[entry.decoder].append(ours == theirs)
        if ours != theirs:
            disagreements.append((entry.model, entry.case_id, ours, theirs, repr(entry.output)[:160]))
    print("\nagreement with BFCL on real outputs, per decoder style:")
    for style, agreed in sorted(per_style.items()):
        print(f"  {style:17} {sum(agreed):5}/{len(agreed):<5} {100 * sum(agreed) / len(agreed):6.2f}%")
    total = [flag for flags in per_style.values() for flag in flags]
    print(f"  {'all':17} {sum(total):5}/{len(total):<5} {100 * sum(total) / len(total):6.2f}%")
    for disagreement in disagreements[:20]:
        print("  differs:", disagreement)
    assert disagreements == []


def test_the_comparison_is_not_vacuous(verdicts):
    """Both sides pass and fail entries in every style with enough data: agreement is not all-fail."""
    passed: dict[str, list[bool]] = defaultdict(list)
    for entry, ours, _, _ in verdicts:
        passed[entry.decoder].append(ours)
    print("\npass rate per style (ours = BFCL's):", {style: f"{sum(v)}/{len(v)}" for style, v in sorted(passed.items())})
    for style, flags in passed.items():
        if len(flags) >= 50:
            assert 0 < sum(flags) < len(flags), style


def test_one_lenient_decoder_with_exact_names_cannot_reproduce_bfcl(verdicts):
    """What a re-score with the default `auto` decoder and exact names gives: the styles are what agree."""
    per_style: dict[str, list[bool]] = defaultdict(list)
    for entry, _, theirs, lenient in verdicts:
        per_style[entry.decoder].append(lenient == theirs)
    print("\nagreement with `decoder: auto`, `names: exact` instead:")
    for style, agreed in sorted(per_style.items()):
        print(f"  {style:17} {sum(agreed):5}/{len(agreed):<5} {100 * sum(agreed) / len(agreed):6.2f}%")
    total = [flag for flags in per_style.values() for flag in flags]
    print(f"  {'all':17} {sum(total):5}/{len(total):<5} {100 * sum(total) / len(total):6.2f}%")
    assert sum(total) < len(total)
    assert sum(per_style["bfcl_fc"]) < len(per_style["bfcl_fc"])  # dotted names need underscore_to_dot
