"""Counts for the suite README: cases per category, split sizes, no-call share, phrasing templates, and the
multi-turn conversations (turns, calls, tool results)."""
from __future__ import annotations

from collections import Counter

from toolshop_gen import multiturn, nocall
from toolshop_gen import phrasing as ph
from toolshop_gen.compose import INTENTS
from toolshop_gen.phrasing import normalise_text


def template_counts() -> dict[str, int]:
    single = [t for i in INTENTS for t in i.templates]
    parallel = [t for i in INTENTS for t in i.parallel]
    distractors = [d for texts in ph.DISTRACTORS.values() for d in texts]
    return {
        "single-call templates": len(single),
        "parallel templates": len(parallel),
        "no-call templates": len(nocall.TEMPLATES),
        "held out for test (all three kinds)": sum(t.held_out for t in single + parallel + nocall.TEMPLATES),
        "distractor clauses": len(distractors),
        "connectors": len(ph.CONNECTORS) + len(ph.CONNECTORS_TEST),
    }


def summary(files: dict[str, list]) -> str:
    lines = []
    for name in ("test.jsonl", "test.tiny.jsonl"):
        counts = Counter(case["category"] for case in files[name])
        held = sum(case.get("meta", {}).get("held_out_template", False) for case in files[name])
        lines.append(f"{name}: {len(files[name])} cases {dict(sorted(counts.items()))}; "
                     f"{held} tool cases use a held-out template")
    for name in ("train.jsonl", "examples.jsonl", "train.tiny.jsonl"):
        rows = files[name]
        no_call = sum(not row["messages"][-1].get("tool_calls") for row in rows)
        multi = sum(len(row["messages"][-1].get("tool_calls", [])) > 1 for row in rows)
        lines.append(f"{name}: {len(rows)} examples, {no_call} no-call ({no_call / len(rows):.1%}), "
                     f"{multi} with several calls")
    lines += multi_turn_summary(files)
    texts = {normalise_text(m["content"]) for rows in files.values() for row in rows
             for m in user_messages(row)}
    lines.append(f"distinct user texts (all files): {len(texts)}")
    lines += [f"{key}: {value}" for key, value in template_counts().items()]
    return "\n".join(lines)


def user_messages(row: dict) -> list:
    """The user messages of a single-turn case, a chat example or a multi-turn case (`turns`)."""
    messages = row.get("messages") or [m for turn in row.get("turns", []) for m in turn]
    return [m for m in messages if m["role"] == "user"]


def multi_turn_summary(files: dict) -> list:
    lines = []
    for name in ("multi_turn.jsonl", "multi_turn.tiny.jsonl"):
        cases = files[name]
        turns = sum(len(case["turns"]) for case in cases)
        calls = sum(len(calls) for case in cases for calls in case["expected"])
        flows = Counter(case["meta"]["flow"] for case in cases)
        held = sum(case["meta"]["held_out_template"] for case in cases)
        lines.append(f"{name}: {len(cases)} conversations, {turns} user turns, {calls} expected calls, "
                     f"{held} use a held-out template; flows {dict(sorted(flows.items()))}")
    rows = files["train.multi_turn.jsonl"]
    turns = sum(m["role"] == "user" for row in rows for m in row["messages"])
    calls = sum(len(m.get("tool_calls", [])) for row in rows for m in row["messages"])
    refusals = sum('"error"' in m["content"] for row in rows for m in row["messages"] if m["role"] == "tool")
    lines.append(f"train.multi_turn.jsonl: {len(rows)} conversations, {turns} user turns, {calls} calls "
                 f"(each with its tool result, {refusals} of them refused)")
    indices = [index for texts in multiturn.PHRASES.values() for index in range(len(texts))]
    lines.append(f"multi-turn phrasings: {len(indices)} in {len(multiturn.PHRASES)} request kinds, "
                 f"{sum(map(multiturn.held_out, indices))} held out for test")
    return lines
