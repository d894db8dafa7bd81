"""Display versions of the report's frames (percentages, intervals, money as text) shared by markdown and HTML.

Formatting only: every number shown here is a column of the frames in `harness.report.leaderboard`.
"""
from __future__ import annotations

import math

import pandas as pd

from harness.report.leaderboard import CI_METRICS, STAGES
from harness.scoring.metric import metrics

MISSING = "–"


def percent(value, digits: int = 1) -> str:
    return MISSING if _missing(value) else f"{100 * value:.{digits}f}"


def usd(value) -> str:
    """Dollars with cents, or three significant digits for the sub-cent figures of small local models."""
    if _missing(value):
        return MISSING
    if value == 0 or abs(value) >= 0.01:
        return f"${value:,.2f}"
    digits = 2 - math.floor(math.log10(abs(value)))
    return f"${value:.{digits}f}"


def points(difference: float) -> str:
    """A difference of rates in percentage points, signed: +31.5, −4.0 (a true minus sign)."""
    value = round(100 * difference, 1)
    return f"+{value:.1f}" if value >= 0 else f"\u2212{abs(value):.1f}"


def p_text(p_value: float) -> str:
    return "p<0.001" if p_value < 0.001 else f"p={p_value:.2g}"


def with_ci(value, low, high) -> str:
    return MISSING if _missing(value) else f"{percent(value)} [{percent(low)}, {percent(high)}]"


def number(value, digits: int = 0) -> str:
    return MISSING if _missing(value) else f"{value:,.{digits}f}"


def leaderboard_table(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard as text: rates in %, CIs in brackets, latency in ms, mean tokens per case, costs in USD."""
    return pd.DataFrame({
        "candidate": board["candidate"],
        "kind": board["fine_tune"].map({True: "fine-tune", False: "baseline"}),
        "group": board["group"],
        "tool-call acc % [95% CI]": [with_ci(*row) for row in zip(board["tool_call_accuracy"],
                                                                   board["tool_call_accuracy_low"],
                                                                   board["tool_call_accuracy_high"])],
        "schema valid % [95% CI]": [with_ci(*row) for row in zip(board["schema_validity"], board["schema_validity_low"],
                                                                  board["schema_validity_high"])],
        **{f"{metric.title} %": board[metric.name].map(percent) for metric in leaderboard_metrics()},
        "p50 ms": board["latency_p50_ms"].map(number),
        "p95 ms": board["latency_p95_ms"].map(number),
        "tokens in": board["input_tokens_mean"].map(lambda v: number(v, 1)),
        "tokens out": board["output_tokens_mean"].map(lambda v: number(v, 1)),
        "$ / 1k calls": board["cost_per_1k_calls_usd"].map(usd),
        "training $": board["training_cost_usd"].map(usd),
        "peak MiB": board["generation_peak_rss_mib"].map(number),
        "training peak MiB": board["training_peak_rss_mib"].map(number),
    })


def leaderboard_metrics() -> list:
    """The metrics shown in their own leaderboard column (those with a CI are shown beside it)."""
    return [metric for metric in metrics() if metric.name not in CI_METRICS and metric.name not in _FUNNEL_METRICS]


#: Shown in the stage funnel instead.
_FUNNEL_METRICS = ("parse_rate", "right_tools_rate")


def per_category_table(table: pd.DataFrame) -> pd.DataFrame:
    candidates = [column for column in table.columns if column not in ("category", "cases")]
    return pd.DataFrame({"category": table["category"], "cases": table["cases"].map(number),
                         **{name: table[name].map(percent) for name in candidates}})


def funnel_table(funnel: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"candidate": funnel["candidate"],
                         **{f"{title} %": funnel[column].map(percent) for column, title in STAGES}})


def multi_turn_table(summary: pd.DataFrame, turn_columns: list[str]) -> pd.DataFrame:
    """The multi-turn section's display table: passed, per-turn funnel, then what a conversation costs."""
    return pd.DataFrame({
        "candidate": summary["candidate"], "conversations": summary["conversations"].map(number),
        "passed %": summary["accuracy"].map(percent), "turn acc %": summary["turn_accuracy"].map(percent),
        **{f"turns 1-{column[5:]} %" if column != "turn_1" else "turn 1 %": summary[column].map(percent)
           for column in turn_columns},
        "calls / turn": summary["calls_per_turn"].map(lambda v: number(v, 2)),
        "wasted / conv": summary["wasted_calls_per_conversation"].map(lambda v: number(v, 2)),
        "steps / conv": summary["steps_per_conversation"].map(lambda v: number(v, 1)),
        "cut off": summary["step_limit_turns"].map(number),
        "s / conv": summary["latency_ms_mean"].map(lambda v: number(v / 1000 if not _missing(v) else v, 2)),
        "tokens in / conv": summary["input_tokens_mean"].map(number),
        "$ / 1k conv": summary["cost_per_1k_conversations_usd"].map(usd),
        "first failing turn": summary["first_failure"].replace("", MISSING),
    })


def errors_table(errors: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"candidate": errors["candidate"], "error": errors["error_type"],
                         "cases": errors["count"].map(number), "% of cases": errors["share"].map(percent),
                         "examples": errors["examples"].map(", ".join)}, columns=[
                             "candidate", "error", "cases", "% of cases", "examples"])


def training_table(training: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "candidate": training["candidate"], "wall time s": training["wall_time_s"].map(lambda v: number(v, 1)),
        "device": training["device"].fillna(MISSING), "cost": training["cost_usd"].map(usd),
        "steps": training["steps"].map(number), "train examples": training["train_examples"].map(number),
        "tokens trained": training["tokens_trained"].map(number),
        "final train loss": training["final_train_loss"].map(lambda v: number(v, 3)),
        "eval loss": training["eval_loss"].map(lambda v: number(v, 3)),
        "trained in this run": training["trained_now"].map({True: "yes", False: "no (cached adapter)"}).fillna(MISSING),
    })


def loss_points_table(sample: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"candidate": sample["candidate"], "step": sample["step"].map(number),
                         "train loss": sample["train_loss"].map(lambda v: number(v, 3)),
                         "eval loss": sample["eval_loss"].map(lambda v: number(v, 3))})


def detectable_note(detectable: dict) -> str:
    cases = f"With {detectable['cases']} cases"
    if detectable.get("cluster"):
        cases += (f" in {detectable['clusters']} clusters of {detectable['cluster']} (design effect "
                  f"{detectable['design_effect']:.2f}: {detectable['effective_cases']:.0f} effective cases)")
    return (f"{cases}, a paired accuracy difference smaller than "
            f"{100 * detectable['difference']:.1f} points is unlikely to be detected (two-sided α={detectable['alpha']:g}, "
            f"power {detectable['power']:.0%}, at the worst-case {detectable['base_rate']:.0%} base rate).")


def resampled_unit(detectable: dict) -> str:
    """What the bootstrap resamples, in words: cases, or the suite's clusters."""
    if detectable.get("cluster"):
        return f"clusters of {detectable['cluster']} ({detectable['clusters']} clusters of {detectable['cases']} cases)"
    return "cases"


def groups_note(alpha: float, detectable: dict | None = None) -> str:
    return ("Candidates that share a group letter are not significantly different in tool-call accuracy "
            f"(exact McNemar test against the group's leader, α={alpha:g}). CIs: 95% bootstrap over "
            f"{resampled_unit(detectable or {})} (seeded).")


MULTI_TURN_NOTE = ("A conversation passes when every judged turn does: the environment's state equals the ground "
                   "truth's after the turn, and every ground-truth result is among the model's results (BFCL's "
                   "multi-turn checker). 'turns 1-k': share of the conversations with k or more turns whose first "
                   "k turns all passed. Wasted: calls that changed nothing and whose result no ground-truth result "
                   "needed. Cut off: turns ended by the step limit while still calling; such a turn fails, as BFCL "
                   "fails a conversation it force-terminates. First failing turn: the "
                   "error kind of each failed conversation's first failing turn.")
FUNNEL_NOTE = "Each stage is the share of all cases that pass it: parsed -> schema-valid -> right tools -> right arguments."


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def bfcl_table(board: pd.DataFrame) -> pd.DataFrame:
    """BFCL's leaderboard layout as text: rates in %, mean latency in seconds."""
    shown = board.copy()
    for column in shown.columns:
        if column == "latency mean s":
            shown[column] = shown[column].map(lambda value: number(value, 2))
        elif column not in ("candidate", "release"):
            shown[column] = shown[column].map(percent)
    return shown


DIAGNOSIS_NOTE = ("Categories compare pass rates on each category's cases; stages are the funnel's (share of all "
                  "cases). Each difference is paired (the cases both ran) with an exact McNemar test; the loser's "
                  "dominant failure is the most frequent first thing that went wrong.")


def diagnosis_frame(diagnosis) -> pd.DataFrame:
    """The diagnosis's contrasts as data: one row per category or stage."""
    return pd.DataFrame([{"scope": c.scope, "name": c.name, "cases": c.cases, "fine_tune_rate": c.fine_tune_rate,
                          "baseline_rate": c.baseline_rate, "difference": c.difference, "p_value": c.p_value,
                          "leader": c.leader} for c in diagnosis.contrasts],
                        columns=["scope", "name", "cases", "fine_tune_rate", "baseline_rate", "difference",
                                 "p_value", "leader"])


def diagnosis_table(diagnosis) -> pd.DataFrame:
    frame = diagnosis_frame(diagnosis)
    return pd.DataFrame({"": frame["scope"] + ": " + frame["name"], "cases": frame["cases"].map(number),
                         f"{diagnosis.fine_tune} %": frame["fine_tune_rate"].map(percent),
                         f"{diagnosis.baseline} %": frame["baseline_rate"].map(percent),
                         "difference (points)": frame["difference"].map(points),
                         "McNemar p": frame["p_value"].map(p_text), "ahead": frame["leader"]})


LEARNING_CURVE_NOTE = ("The dev split is the first `dev_examples` validation examples, answered greedily at each "
                       "evaluation and scored like the test run; the forecast fits accuracy against log(examples "
                       "seen) over the last four evaluations and is a guide for the next doubling or two.")


def learning_curve_table(curves: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"candidate": curves["candidate"], "step": curves["step"].map(number),
                         "examples seen": curves["examples_seen"].map(number),
                         "tool-call acc %": curves["tool_call_accuracy"].map(percent),
                         "relevance F1 %": curves["relevance_f1"].map(percent)})
