"""The report's figures as PNG bytes: cost vs accuracy with its Pareto front, and fine-tune loss curves.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot), so no display and no global state is touched.
"""
from __future__ import annotations

import io
from typing import Sequence

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: A log cost axis once costs span more than this ratio (a tiny local model next to a hosted one).
_LOG_SCALE_SPAN = 50
_FRONT_COLOUR, _OTHER_COLOUR = "#1f6fb2", "#9a9a9a"


def pareto_front(costs: Sequence[float], accuracies: Sequence[float]) -> list[int]:
    """Indices of the points no other point dominates (lower or equal cost and higher or equal accuracy, one strictly).

    Identical points do not dominate each other, so both stay on the front.
    """
    points = list(zip(costs, accuracies, strict=True))
    return [i for i, (cost, accuracy) in enumerate(points)
            if not any(c <= cost and a >= accuracy and (c < cost or a > accuracy) for c, a in points)]


def priced(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard rows that have a cost per call, with an `on_front` column marking the Pareto front."""
    rows = board[board["cost_per_1k_calls_usd"].notna()].reset_index(drop=True)
    front = set(pareto_front(rows["cost_per_1k_calls_usd"].tolist(), rows["tool_call_accuracy"].tolist()))
    return rows.assign(on_front=[i in front for i in range(len(rows))])


def cost_accuracy_png(board: pd.DataFrame) -> bytes | None:
    """Tool-call accuracy (with 95% CI bars) against cost per 1,000 calls; None when no candidate is priced."""
    rows = priced(board)
    if rows.empty:
        return None
    figure = Figure(figsize=(7.5, 4.5), dpi=100)
    axes = figure.add_subplot()
    for on_front, colour, label in ((True, _FRONT_COLOUR, "Pareto front"), (False, _OTHER_COLOUR, "dominated")):
        group = rows[rows["on_front"] == on_front]
        if group.empty:
            continue
        accuracy = 100 * group["tool_call_accuracy"]
        errors = [accuracy - 100 * group["tool_call_accuracy_low"], 100 * group["tool_call_accuracy_high"] - accuracy]
        axes.errorbar(group["cost_per_1k_calls_usd"], accuracy, yerr=errors, fmt="o", color=colour, capsize=4,
                      label=label)
    front = rows[rows["on_front"]].sort_values("cost_per_1k_calls_usd")
    axes.plot(front["cost_per_1k_calls_usd"], 100 * front["tool_call_accuracy"], color=_FRONT_COLOUR, alpha=0.5)
    for _, row in rows.iterrows():
        axes.annotate(row["candidate"], (row["cost_per_1k_calls_usd"], 100 * row["tool_call_accuracy"]),
                      textcoords="offset points", xytext=(6, 6), fontsize=8)
    costs = rows["cost_per_1k_calls_usd"]
    if costs.min() > 0 and costs.max() / costs.min() > _LOG_SCALE_SPAN:
        axes.set_xscale("log")
    else:
        # A linear axis from zero, so close costs are not drawn as if one were several times the other.
        axes.set_xlim(left=0, right=1.15 * costs.max() if costs.max() > 0 else 1)
    axes.set_xlabel("cost per 1,000 calls (USD)")
    axes.set_ylabel("tool-call accuracy (%, 95% CI)")
    axes.set_ylim(-2, 102)
    axes.grid(alpha=0.3)
    axes.legend(loc="best", fontsize=8)
    axes.set_title("Cost vs accuracy (up and to the left is better)")
    return _png(figure)


def loss_curve_png(curves: pd.DataFrame) -> bytes | None:
    """Train (solid) and validation (dashed) loss per step for each fine-tune; None when no curve was recorded."""
    if curves.empty:
        return None
    figure = Figure(figsize=(7.5, 4), dpi=100)
    axes = figure.add_subplot()
    for index, (name, curve) in enumerate(curves.groupby("candidate", sort=False)):
        colour = f"C{index}"
        train = curve.dropna(subset=["train_loss"])
        if not train.empty:
            axes.plot(train["step"], train["train_loss"], color=colour, label=f"{name} train")
        evaluated = curve.dropna(subset=["eval_loss"])
        if not evaluated.empty:
            axes.plot(evaluated["step"], evaluated["eval_loss"], color=colour, linestyle="--", marker="o",
                      label=f"{name} validation")
    axes.set_xlabel("training step")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    axes.set_title("Fine-tuning loss")
    return _png(figure)


def learning_curve_png(curves: pd.DataFrame, baselines: dict[str, float]) -> bytes | None:
    """Dev-split tool-call accuracy against examples seen for each fine-tune, with each baseline's test accuracy
    as a horizontal line; None when no learning curve was recorded."""
    if curves.empty:
        return None
    figure = Figure(figsize=(7.5, 4), dpi=100)
    axes = figure.add_subplot()
    for index, (name, curve) in enumerate(curves.groupby("candidate", sort=False)):
        axes.plot(curve["examples_seen"], 100 * curve["tool_call_accuracy"], color=f"C{index}", marker="o",
                  label=f"{name} (dev split)")
    for index, (name, accuracy) in enumerate(baselines.items()):
        axes.axhline(100 * accuracy, color=f"C{index + 5}", linestyle=":", label=f"{name} (test)")
    axes.set_xscale("log")
    axes.set_xlabel("training examples seen (log scale)")
    axes.set_ylabel("tool-call accuracy (%)")
    axes.set_ylim(-2, 102)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    axes.set_title("Learning curve")
    return _png(figure)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    # No Software/date metadata: the same results give the same bytes.
    figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()
