"""Why the fine-tune won or lost against the best baseline: per category and per stage, each difference with its
paired test; the dominant failure of whichever side lost, in words with counts; and, where the training record
shows it, a remedy.

Rules (each computed from the per-case frame and the training record, never written by hand):
- A contrast compares the two candidates' pass rates on the cases both ran, per category (passed) and per stage
  of the funnel (parsed, schema-valid, right tools, right arguments; share of all cases), with an exact McNemar
  test. The side with the higher rate leads; `significant` says whether p < alpha.
- A failure is classified by the first thing that went wrong (`failure_kind`): a tool called where none was
  wanted; output with no parseable call; no call where one was wanted; calls that break the schema; wrong tools;
  right tools with wrong arguments. A conversation is classified by its first failing turn's kind instead (cut
  off by the step limit, an empty turn, the wrong end state, a result never fetched). The dominant failure of the losing side in a category is its most frequent
  kind there ("calls a tool on 38 of 40 irrelevance cases").
- Remedies: a fine-tune that calls tools on no-call cases gets its train split's no-call share and how many it saw;
  one whose validation loss is still falling (`harness.report.adequacy`) gets the cost of training on.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

import pandas as pd

from harness.multiturn.checker import TurnErrorKind
from harness.report.adequacy import Adequacy
from harness.report.leaderboard import STAGES
from harness.report.stats import mcnemar_exact, paired_outcomes
from harness.report.tables import p_text

#: Failure kinds (`failure_kind`) and how a sentence says them: "<candidate> <words> on N of M <category> cases".
FAILURE_WORDS = {
    "called_on_no_call": "calls a tool",
    "unparsed": "writes no parseable call",
    "no_call": "answers without calling a tool",
    "schema_invalid": "writes calls that break the tool schema",
    "wrong_tools": "calls the wrong tools",
    "wrong_arguments": "calls the right tools with wrong arguments",
    TurnErrorKind.STEP_LIMIT.value: "keeps calling until the step limit cuts a turn off",
    TurnErrorKind.EMPTY_TURN.value: "answers a turn that needs calls without calling",
    TurnErrorKind.STATE_MISMATCH.value: "leaves the environment in another state than the ground truth",
    TurnErrorKind.MISSING_RESPONSE.value: "never fetches a result the ground truth returns",
}
#: A conversation's failure is its first failing turn's kind (its record's `error_type`).
_CONVERSATION_KINDS = frozenset(kind.value for kind in TurnErrorKind)


@dataclass(frozen=True)
class Contrast:
    """Fine-tune vs baseline on one category or stage; rates are fractions of the paired cases."""

    scope: str                  # "category" or "stage"
    name: str
    cases: int
    fine_tune_rate: float
    baseline_rate: float
    fine_tune_only: int         # cases only the fine-tune passed
    baseline_only: int
    p_value: float
    significant: bool

    @property
    def difference(self) -> float:
        return self.fine_tune_rate - self.baseline_rate

    @property
    def leader(self) -> str:
        return "fine-tune" if self.difference > 0 else "baseline" if self.difference < 0 else "tie"


@dataclass(frozen=True)
class Failure:
    candidate: str
    category: str
    kind: str
    count: int
    cases: int                  # the candidate's cases in the category

    @property
    def sentence(self) -> str:
        return f"{self.candidate} {FAILURE_WORDS[self.kind]} on {self.count} of {self.cases} {self.category} cases"


@dataclass(frozen=True)
class Diagnosis:
    fine_tune: str
    baseline: str
    contrasts: tuple[Contrast, ...]
    failures: tuple[Failure, ...]     # the losing side's dominant failure in each category it lost
    remedies: tuple[str, ...]
    alpha: float

    def sentences(self) -> list[str]:
        """The findings in words: each category's contrast, with the loser's dominant failure, then remedies."""
        lines = []
        failures = {(f.category, f.candidate): f for f in self.failures}
        for contrast in self.contrasts:
            if contrast.scope != "category":
                continue
            lines.append(_contrast_sentence(self, contrast, failures))
        return lines + list(self.remedies)

    def to_json(self) -> dict:
        return {"fine_tune": self.fine_tune, "baseline": self.baseline, "alpha": self.alpha,
                "contrasts": [asdict(c) | {"difference": c.difference, "leader": c.leader} for c in self.contrasts],
                "failures": [asdict(f) | {"sentence": f.sentence} for f in self.failures],
                "remedies": list(self.remedies), "sentences": self.sentences()}


def failure_kind(row: Mapping[str, Any]) -> str | None:
    """The first thing that went wrong on a case (None: it passed); see the module docstring for the order."""
    if row["passed"]:
        return None
    if row.get("error_type") in _CONVERSATION_KINDS:
        return row["error_type"]
    if not row["expects_call"]:
        return "called_on_no_call"
    if not row["parsed"]:
        return "unparsed"
    if not row.get("predicted_call", True):
        return "no_call"
    if not row["schema_valid"]:
        return "schema_invalid"
    if not row["right_tools"]:
        return "wrong_tools"
    return "wrong_arguments"


def dominant_failure(frame: pd.DataFrame, candidate: str, category: str) -> Failure | None:
    """`candidate`'s most frequent failure kind on `category` (ties: the order of `FAILURE_WORDS`)."""
    rows = frame[(frame["candidate"] == candidate) & (frame["category"] == category)]
    kinds = [kind for kind in (failure_kind(row) for row in rows.to_dict("records")) if kind]
    if not kinds:
        return None
    counts = {kind: kinds.count(kind) for kind in FAILURE_WORDS if kind in kinds}
    kind = max(counts, key=lambda name: counts[name])
    return Failure(candidate, category, kind, counts[kind], len(rows))


def contrast(frame: pd.DataFrame, fine_tune: str, baseline: str, scope: str, name: str, column: str,
             alpha: float) -> Contrast | None:
    """One contrast on the rows `frame` holds (already cut to a category for category contrasts)."""
    ft, base = paired_outcomes(frame, fine_tune, baseline, metric=column)
    if ft.size == 0:
        return None
    test = mcnemar_exact(ft, base)
    return Contrast(scope, name, int(ft.size), float(ft.mean()), float(base.mean()), test.a_only, test.b_only,
                    test.p_value, test.p_value < alpha)


def diagnose(frame: pd.DataFrame, fine_tune: str, baseline: str, training: Mapping[str, Any] | None = None,
             adequacy: Adequacy | None = None, alpha: float = 0.05) -> Diagnosis:
    """The diagnosis of `fine_tune` against `baseline` (see the module docstring)."""
    contrasts: list[Contrast] = []
    for category in sorted(frame["category"].unique()):
        found = contrast(frame[frame["category"] == category], fine_tune, baseline, "category", category, "passed",
                         alpha)
        contrasts += [found] if found else []
    for column, title in STAGES:
        found = contrast(frame, fine_tune, baseline, "stage", title, column, alpha)
        contrasts += [found] if found else []
    failures = []
    for item in contrasts:
        if item.scope == "category" and item.leader != "tie":
            loser = baseline if item.leader == "fine-tune" else fine_tune
            found = dominant_failure(frame, loser, item.name)
            failures += [found] if found else []
    remedies = _remedies(fine_tune, failures, training, adequacy)
    return Diagnosis(fine_tune, baseline, tuple(contrasts), tuple(failures), tuple(remedies), alpha)


def _remedies(fine_tune: str, failures: list[Failure], training: Mapping[str, Any] | None,
              adequacy: Adequacy | None) -> list[str]:
    remedies = []
    calls_on_no_call = [f for f in failures if f.candidate == fine_tune and f.kind == "called_on_no_call"]
    no_call, train = (training or {}).get("no_call_examples"), (training or {}).get("train_examples")
    if calls_on_no_call and no_call is not None and train:
        seen = round(no_call / train * (training.get("examples_seen") or 0))
        remedies.append(f"Remedy: {fine_tune}'s train split has {100 * no_call / train:.1f}% no-call examples "
                        f"({no_call:,} of {train:,}); it saw about {seen:,} of them. More no-call examples, or more "
                        f"training, target its calls on {calls_on_no_call[0].category} cases.")
    if adequacy is not None and adequacy.still_falling and adequacy.extra_steps is not None:
        remedies.append(f"Remedy: its validation loss was still falling when training stopped; "
                        f"{adequacy.extra_steps:,} more steps reach {'one epoch' if adequacy.epochs < 1 else 'one more epoch'}.")
    return remedies


def _contrast_sentence(diagnosis: Diagnosis, item: Contrast, failures: dict) -> str:
    rates = f"fine-tune {100 * item.fine_tune_rate:.1f}% vs baseline {100 * item.baseline_rate:.1f}%"
    test = f"McNemar {p_text(item.p_value)}" + ("" if item.significant else ", not significant")
    if item.leader == "tie":
        return f"{item.name}: tie ({rates} on {item.cases} cases)."
    winner = diagnosis.fine_tune if item.leader == "fine-tune" else diagnosis.baseline
    loser = diagnosis.baseline if item.leader == "fine-tune" else diagnosis.fine_tune
    sentence = f"{item.name}: {winner} wins ({rates} on {item.cases} cases, {test})"
    failure = failures.get((item.name, loser))
    return sentence + (f"; {failure.sentence}." if failure else ".")
