"""The fine-tune decision at the top of every report: does the best fine-tune beat the best baseline, and pay?

Computed from the per-case frame and the leaderboard (paired bootstrap CI, exact McNemar, break-even), never written by hand.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

from harness.report.adequacy import training_adequacy
from harness.report.leaderboard import candidate_facts, leaderboard
from harness.report.stats import bootstrap_ci, mcnemar_exact, paired_clusters, paired_outcomes
from harness.report.tables import p_text, points, usd

Verdict = Literal["fine_tune_wins", "not_justified", "no_fine_tune", "no_baseline"]
_STRATEGY_LABELS = {"zero_shot": "LoRA", "few_shot": "LoRA + few-shot", "rag": "LoRA + RAG"}


@dataclass(frozen=True)
class Decision:
    """The verdict and every number behind its sentence; rates and differences are fractions, costs USD."""

    verdict: Verdict
    sentence: str
    best_candidate: str
    fine_tune: str | None = None
    baseline: str | None = None
    runner_up: str | None = None                    # no fine-tune: the second-best candidate the best is tested against
    fine_tune_accuracy: float | None = None
    baseline_accuracy: float | None = None
    difference: float | None = None                 # fine-tune minus baseline (or best minus runner-up), paired
    difference_ci: tuple[float, float] | None = None  # over the suite's clusters when it names them, else cases
    difference_ci_cases: tuple[float, float] | None = None  # over cases, clustered or not (for comparison)
    clusters: int | None = None                     # clusters resampled for `difference_ci`; None: cases were
    p_value: float | None = None                    # exact McNemar on pass/fail
    fine_tune_only: int | None = None               # cases only the fine-tune passed
    baseline_only: int | None = None
    paired_cases: int | None = None
    alpha: float = 0.05
    training_cost_usd: float | None = None
    fine_tune_cost_per_1k_usd: float | None = None
    baseline_cost_per_1k_usd: float | None = None
    savings_per_1k_usd: float | None = None         # baseline minus fine-tune; negative: the fine-tune costs more
    break_even_calls: int | None = None             # None: never, or unknown (see break_even_reason)
    break_even_reason: str = ""
    #: The fine-tune's validation loss was still falling when training stopped (`harness.report.adequacy`):
    #: more training would likely change the verdict, so the sentence begins "provisional".
    provisional: bool = False
    adequacy: str = ""                              # the fine-tune's training-adequacy sentence

    def to_json(self) -> dict:
        data = asdict(self)
        data["difference_ci"] = list(self.difference_ci) if self.difference_ci else None
        data["difference_ci_cases"] = list(self.difference_ci_cases) if self.difference_ci_cases else None
        return data


@dataclass(frozen=True)
class BreakEven:
    calls: int | None
    reason: str        # empty when `calls` was computed; otherwise why it is "never" or unknown
    clause: str        # the cost part of the sentence


def decide(frame: pd.DataFrame, board: pd.DataFrame | None = None, alpha: float = 0.05, seed: int = 0) -> Decision:
    """Compare the best fine-tune with the best baseline (highest tool-call accuracy; cheaper, then name, on ties)."""
    board = leaderboard(frame, alpha=alpha, seed=seed) if board is None else board
    ranked, fine_tunes, baselines = _sides(board)
    best = ranked.iloc[0]
    if fine_tunes.empty:
        return _without_fine_tune(frame, ranked, alpha, seed)
    if baselines.empty:
        sentence = (f"no baseline in these results to compare the fine-tunes with: the best candidate is "
                    f"{_label(frame, best['candidate'])} ({_accuracy(best)})")
        return Decision("no_baseline", sentence, best["candidate"], fine_tune=best["candidate"], alpha=alpha)
    return _compare(frame, fine_tunes.iloc[0], baselines.iloc[0], alpha, seed)


def contenders(board: pd.DataFrame) -> tuple[str | None, str | None]:
    """The best fine-tune and the best baseline the decision compares (None where there is none)."""
    _, fine_tunes, baselines = _sides(board)
    return (fine_tunes.iloc[0]["candidate"] if not fine_tunes.empty else None,
            baselines.iloc[0]["candidate"] if not baselines.empty else None)


def _sides(board: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The board ranked as the decision ranks it (`_ranked`), then its fine-tunes and its baselines, each best first."""
    ranked = _ranked(board)
    return ranked, ranked[ranked["fine_tune"]], ranked[~ranked["fine_tune"]]


def _ranked(board: pd.DataFrame) -> pd.DataFrame:
    cost = board["cost_per_1k_calls_usd"].fillna(math.inf)
    ranked = board.assign(_cost=cost).sort_values(["tool_call_accuracy", "_cost", "candidate"],
                                                  ascending=[False, True, True], kind="stable")
    return ranked.drop(columns="_cost").reset_index(drop=True)


def _without_fine_tune(frame: pd.DataFrame, ranked: pd.DataFrame, alpha: float, seed: int) -> Decision:
    best = ranked.iloc[0]
    sentence = f"no fine-tuned candidate in these results: the best candidate is {best['candidate']} ({_accuracy(best)})"
    if len(ranked) == 1:
        return Decision("no_fine_tune", sentence, best["candidate"], alpha=alpha)
    runner_up = ranked.iloc[1]
    test = paired_test(frame, best["candidate"], runner_up["candidate"], seed)
    relation = "significantly better than" if test["p_value"] < alpha else "not significantly better than"
    sentence += f", {relation} the runner-up {runner_up['candidate']} ({_evidence(test)})"
    return Decision("no_fine_tune", sentence, best["candidate"], runner_up=runner_up["candidate"],
                    difference=test["difference"], difference_ci=test["ci"], difference_ci_cases=test["ci_cases"],
                    clusters=test["clusters"], p_value=test["p_value"], paired_cases=test["cases"], alpha=alpha)


def _evidence(test: dict) -> str:
    low, high = test["ci"]
    unit = "" if not test.get("clusters") else f" over {test['clusters']} clusters"
    return (f"{points(test['difference'])} points [95% CI{unit} {points(low)}, {points(high)}], "
            f"McNemar {p_text(test['p_value'])}")


def paired_test(frame: pd.DataFrame, a: str, b: str, seed: int = 0) -> dict:
    """a minus b on the cases both ran: accuracy difference, its bootstrap CI (over the suite's clusters where it
    names them, else over cases; `ci_cases` is always over cases), and exact McNemar."""
    a_passed, b_passed = paired_outcomes(frame, a, b)
    differences = a_passed.astype(float) - b_passed.astype(float)
    test = mcnemar_exact(a_passed, b_passed)
    clusters = paired_clusters(frame, a, b)
    clustered = len(set(clusters)) < len(clusters)
    over_cases = tuple(float(x) for x in bootstrap_ci(differences, seed=seed))
    ci = tuple(float(x) for x in bootstrap_ci(differences, seed=seed, clusters=clusters)) if clustered else over_cases
    return {"difference": float(differences.mean()) if differences.size else 0.0, "ci": ci, "ci_cases": over_cases,
            "clusters": len(set(clusters)) if clustered else None,
            "p_value": float(test.p_value), "a_only": int(test.a_only), "b_only": int(test.b_only),
            "cases": int(differences.size)}


def _compare(frame: pd.DataFrame, fine_tune: pd.Series, baseline: pd.Series, alpha: float, seed: int) -> Decision:
    test = paired_test(frame, fine_tune["candidate"], baseline["candidate"], seed)
    significant = test["p_value"] < alpha
    wins = significant and test["difference"] > 0
    break_even = _break_even(fine_tune, baseline, as_good=fine_tune["tool_call_accuracy"] >= baseline["tool_call_accuracy"])
    evidence = _evidence(test)
    ft_name, base_name = fine_tune["candidate"], baseline["candidate"]
    if wins:
        sentence = f"{_label(frame, ft_name)} beats the best baseline ({base_name}) by {evidence}; {break_even.clause}"
    else:
        relation = "significantly worse than" if significant else "not significantly better than"
        sentence = (f"fine-tuning is not justified: the best fine-tune ({ft_name}) is {relation} the best baseline "
                    f"({base_name}) ({evidence}); {break_even.clause}")
    fact = candidate_facts(frame).get(ft_name)
    adequacy = training_adequacy(ft_name, fact.training if fact else None)
    provisional = adequacy is not None and adequacy.provisional
    if provisional:
        sentence = f"provisional, as the fine-tune is under-trained ({_still_falling(adequacy)}); {sentence}"
    ft_cost, base_cost = _cost(fine_tune), _cost(baseline)
    return Decision(
        "fine_tune_wins" if wins else "not_justified", sentence,
        best_candidate=fine_tune["candidate"] if wins else _best_name(fine_tune, baseline),
        fine_tune=fine_tune["candidate"], baseline=base_name,
        fine_tune_accuracy=float(fine_tune["tool_call_accuracy"]), baseline_accuracy=float(baseline["tool_call_accuracy"]),
        difference=test["difference"], difference_ci=test["ci"], difference_ci_cases=test["ci_cases"],
        clusters=test["clusters"], p_value=test["p_value"], fine_tune_only=test["a_only"],
        baseline_only=test["b_only"], paired_cases=test["cases"], alpha=alpha,
        training_cost_usd=_training_cost(fine_tune), fine_tune_cost_per_1k_usd=ft_cost, baseline_cost_per_1k_usd=base_cost,
        savings_per_1k_usd=(base_cost - ft_cost) if ft_cost is not None and base_cost is not None else None,
        break_even_calls=break_even.calls, break_even_reason=break_even.reason, provisional=provisional,
        adequacy=adequacy.sentence if adequacy else "")


def _still_falling(adequacy) -> str:
    return (f"its validation loss was still falling, {adequacy.first_eval_loss:.3f} -> {adequacy.last_eval_loss:.3f}, "
            f"after {adequacy.epochs:.2f} epochs")


def _break_even(fine_tune: pd.Series, baseline: pd.Series, as_good: bool) -> BreakEven:
    """Calls until the training cost is repaid by a lower cost per call (docs/metrics.md: Break-even)."""
    training, ft_cost, base_cost = _training_cost(fine_tune), _cost(fine_tune), _cost(baseline)
    if ft_cost is None or base_cost is None:
        unpriced = fine_tune["candidate"] if ft_cost is None else baseline["candidate"]
        reason = f"cost per call of {unpriced} is not priced"
        return BreakEven(None, reason, f"break-even unknown: the {reason} (add its price to the suite's `prices:`)")
    trained = f"it cost {usd(training)} to train and " if training is not None else "its training cost is not recorded; it "
    savings = base_cost - ft_cost
    if savings <= 0:
        reason = "the fine-tune costs as much or more per call than the baseline"
        if savings == 0:
            costs = "costs the same per call"
        elif as_good:
            costs = f"buys its quality at +{usd(-savings)} per 1,000 calls"
        else:
            costs = f"costs {usd(-savings)} more per 1,000 calls"
        return BreakEven(None, reason, f"{trained}{costs}, so the training cost is never repaid (break-even: never)")
    if not as_good:
        reason = "the fine-tune is cheaper per call but less accurate than the baseline"
        return BreakEven(None, reason, f"{trained}saves {usd(savings)} per 1,000 calls but is less accurate, "
                                       "so there is no break-even at equal quality (never)")
    if training is None:
        reason = "training cost not recorded (no device-hour price for the training device)"
        return BreakEven(None, reason, f"{trained}saves {usd(savings)} per 1,000 calls; break-even unknown")
    # Rounded before the ceiling so float noise (3.0 / 0.0003 = 10000.000000000002) does not add a call.
    calls = math.ceil(round(training * 1000 / savings, 6))
    return BreakEven(calls, "", f"{trained}saves {usd(savings)} per 1,000 calls; break-even after {calls:,} calls")


def _best_name(fine_tune: pd.Series, baseline: pd.Series) -> str:
    better = fine_tune["tool_call_accuracy"] > baseline["tool_call_accuracy"]
    return fine_tune["candidate"] if better else baseline["candidate"]


def _label(frame: pd.DataFrame, name: str) -> str:
    """"LoRA (smollm2-lora)" / "LoRA + few-shot (...)" for fine-tunes; the bare name for baselines."""
    fact = candidate_facts(frame).get(name)
    if fact is None or not fact.is_fine_tune:
        return name
    return f"{_STRATEGY_LABELS.get(fact.spec.get('strategy'), 'LoRA + ' + str(fact.spec.get('strategy')))} ({name})"


def _training_cost(row: pd.Series) -> float | None:
    value = row.get("training_cost_usd")
    return None if value is None or pd.isna(value) else float(value)


def _cost(row: pd.Series) -> float | None:
    value = row.get("cost_per_1k_calls_usd")
    return None if value is None or pd.isna(value) else float(value)


def _accuracy(row: pd.Series) -> str:
    return (f"{100 * row['tool_call_accuracy']:.1f}% tool-call accuracy "
            f"[95% CI {100 * row['tool_call_accuracy_low']:.1f}, {100 * row['tool_call_accuracy_high']:.1f}]")
