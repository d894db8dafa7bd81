"""The report's tables as pandas frames: leaderboard, per-category accuracy, stage funnel, errors, training.

Each is a groupby over the per-case frame of `harness.results.frame.load_results`; rates are fractions (0..1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from harness.report.stats import (bootstrap_ci, case_clusters, clustering, minimum_detectable_difference,
                                  significance_groups)
from harness.results.frame import metric_column
from harness.scoring.metric import aggregate_metrics, metrics

#: The funnel's stages in order, as (frame column, title): each is the fraction of all cases passing it.
STAGES = (("parsed", "parsed"), ("schema_valid", "schema-valid"), ("right_tools", "right tools"),
          ("passed", "right arguments"))
#: Per-candidate figures only the recorded aggregates hold: cost needs the price table the run used.
_AGGREGATE_COLUMNS = ("cost_per_1k_calls_usd",)
#: Peak resident memory of generating the cases and of training the adapter (`harness.run.memory`), MiB.
MEMORY_COLUMNS = ("generation_peak_rss_mib", "training_peak_rss_mib")


@dataclass(frozen=True)
class CandidateFacts:
    """What the results file says about a candidate beyond its cases: spec, aggregates, training run."""

    name: str
    spec: Mapping[str, Any]
    aggregates: Mapping[str, Any]
    training: Mapping[str, Any] | None
    memory: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_fine_tune(self) -> bool:
        """A fine-tune is a candidate whose spec has a `lora` block; every other one is a baseline (docs/metrics.md)."""
        return bool(self.spec.get("lora"))

    @property
    def training_cost_usd(self) -> float | None:
        return (self.training or {}).get("cost_usd")


def candidate_facts(frame: pd.DataFrame) -> dict[str, CandidateFacts]:
    """The candidates recorded in `frame.attrs["candidates"]` (dicts, see `load_results`), by name, in file order."""
    return {item["name"]: CandidateFacts(name=item["name"], spec=item.get("spec") or {},
                                         aggregates=item.get("aggregates") or {}, training=item.get("training"),
                                         memory=item.get("memory") or {})
            for item in frame.attrs.get("candidates") or ()}


#: The metrics the leaderboard gives a bootstrap confidence interval, and ranks by (the first).
CI_METRICS = ("tool_call_accuracy", "schema_validity")


def leaderboard(frame: pd.DataFrame, alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """One row per candidate, best tool-call accuracy first; every metric's aggregates (`harness.scoring.metric`,
    from the case values in the frame), CIs for `CI_METRICS`, latency, tokens, cost; `group` letters share no
    significant difference."""
    by_candidate = frame.groupby("candidate", sort=False)
    board = pd.DataFrame({"cases": by_candidate["case_id"].nunique()})
    board = board.join(metric_table(frame))
    clusters = case_clusters(frame)
    for metric in CI_METRICS:
        column = metric_column(metric)
        intervals = {name: _interval(group, column, clusters, seed) for name, group in by_candidate}
        board[f"{metric}_low"] = [intervals[name][0] for name in board.index]
        board[f"{metric}_high"] = [intervals[name][1] for name in board.index]
    board["latency_p50_ms"] = by_candidate["latency_ms"].quantile(0.5)
    board["latency_p95_ms"] = by_candidate["latency_ms"].quantile(0.95)
    # Tokens are nullable integers in the frame; plain floats (NaN = not counted) format and serialise simply.
    board["input_tokens_mean"] = by_candidate["input_tokens"].mean().astype(float)
    board["output_tokens_mean"] = by_candidate["output_tokens"].mean().astype(float)
    board = board.join(_candidate_columns(frame, board.index))
    groups = significance_groups(frame, alpha=alpha)
    board["group"] = [groups.get(name, "") for name in board.index]
    board = board.rename_axis("candidate").reset_index()
    return board.sort_values(["tool_call_accuracy", "candidate"], ascending=[False, True], kind="stable",
                             ignore_index=True)


def _interval(group: pd.DataFrame, column: str, clusters: dict, seed: int) -> tuple[float, float]:
    """The bootstrap CI of one candidate's case values, resampling the suite's clusters where it names them."""
    rows = group[group[column].notna()]
    return bootstrap_ci(rows[column].to_numpy(dtype=float), seed=seed, clusters=rows["case_id"].map(clusters))


def metric_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per candidate (index), every metric's aggregates computed from the case values the frame holds."""
    columns = {metric.name: metric_column(metric.name) for metric in metrics()}
    rows = {}
    for candidate, group in frame.groupby("candidate", sort=False):
        rows[candidate] = aggregate_metrics({name: group[column].tolist() for name, column in columns.items()})
    return pd.DataFrame.from_dict(rows, orient="index").astype(float)


def _candidate_columns(frame: pd.DataFrame, names: pd.Index) -> pd.DataFrame:
    """Columns taken from the recorded aggregates and training runs, plus whether each candidate is a fine-tune."""
    facts = candidate_facts(frame)
    rows = {}
    for name in names:
        fact = facts.get(name)
        aggregates = fact.aggregates if fact else {}
        memory = fact.memory if fact else {}
        rows[name] = {**{key: aggregates.get(key) for key in _AGGREGATE_COLUMNS},
                      "fine_tune": bool(fact and fact.is_fine_tune),
                      "training_cost_usd": fact.training_cost_usd if fact else None,
                      **{key: memory.get(key) for key in MEMORY_COLUMNS}}
    floats = {key: float for key in (*_AGGREGATE_COLUMNS, "training_cost_usd", *MEMORY_COLUMNS)}
    return pd.DataFrame.from_dict(rows, orient="index").astype(floats)


def detectable_difference(frame: pd.DataFrame, alpha: float = 0.05, power: float = 0.8) -> dict:
    """The smallest accuracy difference this suite's size can reliably detect, at the worst-case 50% base rate.

    With clustered cases the suite holds fewer independent units than cases: the MDD is computed for the effective
    number of cases, cases / design effect (`harness.report.stats.clustering`; an effect below 1 is taken as 1, so
    clustering never makes the figure more optimistic)."""
    n_cases = int(frame["case_id"].nunique())
    unit = clustering(frame)
    effect = max(1.0, unit["design_effect"]) if unit["key"] else 1.0
    effective = n_cases / effect
    return {"cases": n_cases, "alpha": alpha, "power": power, "base_rate": 0.5, "cluster": unit["key"],
            "clusters": unit["clusters"], "design_effect": effect, "effective_cases": effective,
            "difference": minimum_detectable_difference(math.floor(effective), base_rate=0.5, alpha=alpha,
                                                        power=power)}


def per_category(frame: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Tool-call accuracy with one row per category (and its case count) and one column per candidate."""
    table = frame.pivot_table(index="category", columns="candidate", values="passed", aggfunc="mean")
    table = table[order] if order else table
    table.insert(0, "cases", frame.groupby("category")["case_id"].nunique())
    table.columns.name = None
    return table.reset_index()


def stage_funnel(frame: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Per candidate, the fraction of all cases passing each stage: parsed, schema-valid, right tools, arguments."""
    columns = [column for column, _ in STAGES]
    funnel = frame.groupby("candidate")[columns].mean()
    funnel = funnel.loc[order] if order else funnel
    return funnel.rename_axis("candidate").reset_index()


def common_errors(frame: pd.DataFrame, top: int = 3, examples: int = 2, order: list[str] | None = None) -> pd.DataFrame:
    """Each candidate's `top` most frequent error types, with their share of its cases and example case ids.

    Candidates come in `order` (default: by name), each one's errors most frequent first.
    """
    failed = frame[frame["error_type"].notna()]
    cases = frame.groupby("candidate")["case_id"].nunique()
    errors = (failed.groupby(["candidate", "error_type"])["case_id"]
              .agg(count="size", examples=lambda ids: list(ids.iloc[:examples]))
              .reset_index())
    errors["share"] = errors["count"] / errors["candidate"].map(cases)
    rank = {name: index for index, name in enumerate(order or sorted(cases.index))}
    errors = errors.assign(_rank=errors["candidate"].map(rank)).sort_values(
        ["_rank", "count", "error_type"], ascending=[True, False, True]).drop(columns="_rank")
    return errors.groupby("candidate", sort=False).head(top).reset_index(drop=True)


def training_runs(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per fine-tune: wall time, cost, steps, tokens trained, final losses, whether it trained in this run."""
    keys = ("wall_time_s", "cost_usd", "device", "steps", "train_examples", "tokens_trained", "final_train_loss",
            "eval_loss", "trained_now")
    rows = [{"candidate": fact.name, **{key: (fact.training or {}).get(key) for key in keys}}
            for fact in candidate_facts(frame).values() if fact.is_fine_tune]
    return pd.DataFrame(rows, columns=["candidate", *keys])


def loss_curves(frame: pd.DataFrame) -> pd.DataFrame:
    """The fine-tunes' recorded loss curves in long form: candidate, step, train_loss, eval_loss."""
    rows = [{"candidate": fact.name, "step": point.get("step"), "train_loss": point.get("train_loss"),
             "eval_loss": point.get("eval_loss")}
            for fact in candidate_facts(frame).values() if fact.is_fine_tune
            for point in (fact.training or {}).get("loss_curve") or ()]
    return pd.DataFrame(rows, columns=["candidate", "step", "train_loss", "eval_loss"]).astype(
        {"train_loss": float, "eval_loss": float})


def learning_curves(frame: pd.DataFrame) -> pd.DataFrame:
    """The fine-tunes' dev-split scores at each evaluation (`TrainingRun.learning_curve`) in long form."""
    columns = ["candidate", "step", "examples_seen", "tool_call_accuracy", "relevance_f1", "cases"]
    rows = [{"candidate": fact.name, **{key: point.get(key) for key in columns[1:]}}
            for fact in candidate_facts(frame).values() if fact.is_fine_tune
            for point in (fact.training or {}).get("learning_curve") or ()]
    return pd.DataFrame(rows, columns=columns).astype({"tool_call_accuracy": float, "relevance_f1": float})


def loss_curve_sample(curves: pd.DataFrame, points: int = 5) -> pd.DataFrame:
    """A few evenly spaced points of each curve (first and last included), for a table in plain text."""
    def sample(curve: pd.DataFrame) -> pd.DataFrame:
        positions = np.unique(np.linspace(0, len(curve) - 1, num=min(points, len(curve))).round().astype(int))
        return curve.iloc[positions]

    if curves.empty:
        return curves
    return curves.groupby("candidate", group_keys=False, sort=False)[curves.columns].apply(sample).reset_index(drop=True)
