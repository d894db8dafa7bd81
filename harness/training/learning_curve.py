"""The learning curve: at every evaluation during training, greedy answers on a small held-out dev split scored
with the test run's scorers (tool-call accuracy, relevance F1), so a report can show accuracy against examples
seen and say where the trend would meet the best baseline.

The dev split is the first `lora.dev_examples` validation examples (held out from training already). Only the
main process generates; the others wait at the next collective step, as for any evaluation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from harness.training.examples import TrainingExample

#: The dev answers are short tool calls; this many new tokens holds the longest parallel call of the default
#: suite and keeps an evaluation of 16 examples near 20 s on 2 CPU cores.
DEV_MAX_NEW_TOKENS = 96
#: z for the 95% interval of the extrapolation's slope.
_Z95 = 1.959963984540054


def learning_curve_callback(examples: Sequence[TrainingExample], tokenizer: Any, train_examples: int,
                            points: list[dict]) -> Any:
    """A TrainerCallback appending {step, examples_seen, tool_call_accuracy, relevance_f1, ...} to `points` after
    every evaluation."""
    from transformers import TrainerCallback

    from harness.training.metrics import generate_answers, score_outputs

    class LearningCurve(TrainerCallback):
        def on_evaluate(self, args, state, control, model=None, **kwargs):
            if not examples or not state.is_world_process_zero or model is None:
                return
            answers = generate_answers(model, tokenizer, examples, DEV_MAX_NEW_TOKENS, batch_size=len(examples))
            points.append({"step": state.global_step, "examples_seen": round(state.epoch * train_examples),
                           **score_outputs(examples, answers)})

    return LearningCurve()


@dataclass(frozen=True)
class Extrapolation:
    """Where a least-squares line through accuracy against log(examples seen) meets `target`.

    `examples` is None when the trend does not reach it ("not on this trend": flat or falling, or already past
    the last point is not claimed); `low`/`high` come from the slope's 95% interval (`high` None: unbounded,
    the slope could be zero)."""

    target: float
    slope_per_doubling: float | None
    examples: int | None
    low: int | None
    high: int | None
    reached: bool                # the curve's last point is already at or above the target
    points: int

    @property
    def on_trend(self) -> bool:
        return self.examples is not None


def extrapolate(points: Sequence[Mapping[str, Any]], target: float, metric: str = "tool_call_accuracy",
                last: int = 4) -> Extrapolation:
    """Fit `metric` = a + b ln(examples_seen) over the last `last` points (at least 3 with examples > 0) and solve
    for `target`. Accuracy curves of fine-tunes rise roughly linearly in log data until they saturate, so this
    is a forecast for the next doubling or two, not a promise; its interval says how sure the fit is."""
    usable = [(float(p["examples_seen"]), float(p[metric])) for p in points
              if p.get("examples_seen") and p.get(metric) is not None][-last:]
    reached = bool(usable) and usable[-1][1] >= target
    if len(usable) < 3:
        return Extrapolation(target, None, None, None, None, reached, len(usable))
    x = np.log([seen for seen, _ in usable])
    y = np.array([value for _, value in usable])
    slope, intercept = np.polyfit(x, y, 1)
    residuals = y - (slope * x + intercept)
    spread = float(np.sum((x - x.mean()) ** 2))
    slope_se = math.sqrt(float(np.sum(residuals ** 2)) / (len(x) - 2) / spread) if spread > 0 else math.inf
    per_doubling = float(slope * math.log(2))
    if reached or slope <= 0:
        return Extrapolation(target, per_doubling, None, None, None, reached, len(usable))

    def solve(b: float) -> int | None:
        return None if b <= 0 else int(math.ceil(math.exp((target - intercept_for(b)) / b)))

    def intercept_for(b: float) -> float:  # the line through the points' centre with slope b
        return float(y.mean() - b * x.mean())

    central = solve(float(slope))
    steep, shallow = slope + _Z95 * slope_se, slope - _Z95 * slope_se
    return Extrapolation(target, per_doubling, central, solve(float(steep)), solve(float(shallow)), reached,
                         len(usable))
