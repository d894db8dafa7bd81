"""The multi-turn section's figures: per candidate, how its conversations went turn by turn, from the
`multi_turn` aggregates the runner stored (`harness.scoring.aggregates.conversation_aggregates`)."""
from __future__ import annotations

from typing import Mapping, Sequence

import pandas as pd

#: The per-conversation figures, in column order.
FIGURES = ("conversations", "accuracy", "turn_accuracy", "calls_per_turn", "wasted_calls_per_conversation",
           "steps_per_conversation", "step_limit_turns", "latency_ms_mean", "input_tokens_mean",
           "output_tokens_mean", "cost_per_1k_conversations_usd")


def conversation_summary(candidates: Sequence[Mapping], order: Sequence[str]) -> pd.DataFrame:
    """One row per candidate that ran conversations, in `order`: `FIGURES`, the turn funnel as `turn_<k>`
    columns (turns 1..k all passed), and the first failures as `first_failure` ("kind n, kind n")."""
    entries = {candidate["name"]: (candidate.get("aggregates") or {}).get("multi_turn") for candidate in candidates}
    rows = []
    for name in order:
        figures = entries.get(name)
        if not figures:
            continue
        row = {"candidate": name, **{key: figures.get(key) for key in FIGURES}}
        for index, share in enumerate(figures.get("turn_funnel") or ()):
            row[f"turn_{index + 1}"] = share
        row["first_failure"] = ", ".join(f"{kind} {count}" for kind, count in
                                         sorted((figures.get("first_failure") or {}).items(),
                                                key=lambda item: (-item[1], item[0])))
        rows.append(row)
    return pd.DataFrame(rows)


def funnel_columns(summary: pd.DataFrame) -> list[str]:
    """The `turn_<k>` columns, in turn order."""
    return sorted((column for column in summary.columns if column.startswith("turn_") and column[5:].isdigit()),
                  key=lambda column: int(column[5:]))


__all__ = ["FIGURES", "conversation_summary", "funnel_columns"]
