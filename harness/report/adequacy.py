"""Was the fine-tune trained enough to be judged? Epochs seen, the validation-loss trend at the end of training
against its own noise, the train/validation gap, and what more training would cost at the measured step time.

A verdict on a fine-tune whose validation loss is still falling is provisional: more steps would likely move it.
Computed from the training record in the results file (`TrainingRun.to_json`), never written by hand.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Mapping

import numpy as np

from harness.report.tables import usd
from harness.training.learning_curve import Extrapolation, extrapolate

#: The trend is fitted over the last this many validation losses (fewer when training logged fewer).
TREND_WINDOW = 3
#: Fewer validation losses than this give no trend: "cannot tell".
MIN_EVALUATIONS = 3
#: A validation loss has no sampling noise of its own (a fixed held-out set), so the noise is the scatter of the
#: fit's residuals, floored at this fraction of the mean loss (evaluation in another precision or batch shape
#: moves a loss by about that much).
NOISE_FLOOR = 0.005
#: Still falling: the fitted drop across the window exceeds this many noise units.
FALLING_SIGMAS = 2.0


@dataclass(frozen=True)
class Adequacy:
    """How far a fine-tune was trained; losses are the Trainer's (mean token cross-entropy)."""

    candidate: str
    epochs: float
    steps: int
    evaluations: int
    #: Validation loss per 1,000 steps over the last `window` evaluations (least squares; negative: falling).
    trend_per_1k_steps: float | None
    window: int
    noise: float | None
    #: True: still falling beyond its noise; False: flat or rising; None: too few evaluations to tell.
    still_falling: bool | None
    first_eval_loss: float | None
    last_eval_loss: float | None
    #: Last validation loss minus the last train loss (positive: worse on held-out examples).
    gap: float | None
    seconds_per_step: float | None
    #: Steps, seconds and USD (None: unpriced) for the extra training `remedy` names.
    extra_steps: int | None
    extra_seconds: float | None
    extra_cost_usd: float | None
    sentence: str

    @property
    def provisional(self) -> bool:
        return bool(self.still_falling)

    def to_json(self) -> dict:
        return asdict(self)


def training_adequacy(candidate: str, training: Mapping[str, Any] | None) -> Adequacy | None:
    """The adequacy of one fine-tune's training record; None when there is none (not fine-tuned)."""
    if not training:
        return None
    curve = [point for point in training.get("loss_curve") or () if point.get("eval_loss") is not None]
    steps = int(training.get("steps") or 0)
    epochs = float(training.get("epochs") or 0.0)
    trend, noise, falling = _trend([(p["step"], p["eval_loss"]) for p in curve])
    window = min(TREND_WINDOW, len(curve))
    last_train = next((p["train_loss"] for p in reversed(training.get("loss_curve") or ())
                       if p.get("train_loss") is not None), training.get("final_train_loss"))
    last_eval = curve[-1]["eval_loss"] if curve else training.get("eval_loss")
    gap = None if last_eval is None or last_train is None else float(last_eval) - float(last_train)
    wall = training.get("wall_time_s")
    per_step = float(wall) / steps if wall and steps else None
    train = training.get("train_examples")
    extra = more_training(training, train * (math.floor(epochs) + 1) if train else None)
    adequacy = Adequacy(candidate, epochs, steps, len(curve), trend, window, noise, falling,
                        curve[0]["eval_loss"] if curve else None, last_eval, gap, per_step, extra["steps"],
                        extra["seconds"], extra["cost_usd"], "")
    return Adequacy(**{**asdict(adequacy), "sentence": _sentence(adequacy)})


def _trend(points: list[tuple[int, float]]) -> tuple[float | None, float | None, bool | None]:
    """(slope per 1,000 steps, noise, still falling) over the last `TREND_WINDOW` points."""
    if len(points) < MIN_EVALUATIONS:
        return None, None, None
    steps, losses = (np.asarray(values, dtype=float) for values in zip(*points[-TREND_WINDOW:]))
    slope, intercept = np.polyfit(steps, losses, 1)
    residuals = losses - (slope * steps + intercept)
    dof = max(1, len(losses) - 2)
    noise = max(float(np.sqrt(np.sum(residuals ** 2) / dof)), NOISE_FLOOR * float(np.mean(losses)))
    drop = -slope * (steps[-1] - steps[0])
    return float(slope * 1000), noise, bool(drop > FALLING_SIGMAS * noise)


def more_training(training: Mapping[str, Any], examples: float | None) -> dict:
    """The steps, seconds and USD of training on until `examples` examples are seen, at the run's measured
    examples, seconds and cost per step (each None where the record lacks what it needs). The adequacy check asks
    for one epoch (or one more), the forecast for where the learning curve meets the best baseline."""
    steps, seen = training.get("steps") or 0, training.get("examples_seen") or 0
    if examples is None or not steps or not seen:
        return {"steps": None, "seconds": None, "cost_usd": None}
    more = max(0, math.ceil((examples - seen) / (seen / steps)))
    wall, cost = training.get("wall_time_s"), training.get("cost_usd")
    return {"steps": more, "seconds": more * float(wall) / steps if wall else None,
            "cost_usd": more * float(cost) / steps if cost is not None else None}


def _sentence(a: Adequacy) -> str:
    seen = f"{a.candidate} trained {a.steps} steps ({a.epochs:.2f} epochs)"
    if a.still_falling is None:
        trend = (f"with {a.evaluations} validation loss{'es' if a.evaluations != 1 else ''} there is no trend to "
                 f"judge (at least {MIN_EVALUATIONS} needed)")
    else:
        direction = "still falling" if a.still_falling else "flat"
        trend = (f"its validation loss went {a.first_eval_loss:.3f} -> {a.last_eval_loss:.3f} and is {direction} "
                 f"over the last {a.window} evaluations ({a.trend_per_1k_steps:+.3f} per 1,000 steps against noise "
                 f"{a.noise:.4f})")
    gap = "" if a.gap is None else f"; validation minus train loss {a.gap:+.3f}"
    sentence = f"{seen}; {trend}{gap}"
    if a.extra_steps is not None and a.extra_seconds is not None:
        target = "one epoch" if a.epochs < 1 else "one more epoch"
        cost = f", {usd(a.extra_cost_usd)}" if a.extra_cost_usd is not None else ""
        sentence += f". Training to {target} takes {a.extra_steps:,} more steps (~{_duration(a.extra_seconds)}{cost})"
    if a.still_falling:
        sentence = "Provisional, under-trained: " + sentence
    return sentence + "."


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"



def forecast(candidate: str, training: Mapping[str, Any] | None, baseline: str, baseline_accuracy: float) -> dict | None:
    """Where `candidate`'s learning curve (dev split) would reach `baseline_accuracy`, in examples, steps, time and
    USD at the run's measured rate (`harness.training.learning_curve.extrapolate`); None without a curve."""
    points = (training or {}).get("learning_curve") or ()
    if not points:
        return None
    found = extrapolate(points, baseline_accuracy)
    data = {"candidate": candidate, "baseline": baseline, "target": baseline_accuracy, **asdict(found),
            "more_training": more_training(training, found.examples)}
    data["sentence"] = _forecast_sentence(data, found)
    return data


def _forecast_sentence(data: dict, found: Extrapolation) -> str:
    head = f"{data['candidate']}'s learning curve (dev split)"
    target = f"{data['baseline']}'s {100 * data['target']:.1f}%"
    if found.reached:
        return f"{head} already reaches {target} at its last evaluation."
    if found.slope_per_doubling is None:
        return f"{head} has {found.points} usable points: too few to extrapolate (3 needed)."
    if not found.on_trend:
        return (f"{head} changes {100 * found.slope_per_doubling:+.1f} points per doubling of the examples: "
                f"{target} is not on this trend.")
    spend = data["more_training"]
    interval = f"{found.low:,}-{found.high:,}" if found.high is not None else f"at least {found.low:,}"
    cost = ""
    if spend["steps"] is not None and spend["seconds"] is not None:
        cost = f"; that is {spend['steps']:,} more steps, ~{_duration(spend['seconds'])}"
        cost += f", {usd(spend['cost_usd'])}" if spend["cost_usd"] is not None else ""
    return (f"{head} rises {100 * found.slope_per_doubling:+.1f} points per doubling of the examples and would "
            f"reach {target} at about {found.examples:,} examples seen (95% interval {interval}){cost}.")
