"""A candidate's conversations: the suite's multi-turn cases run through the same backend (and generation cache)
as its single-turn cases, opened the way its prompting strategy opens a prompt, then scored into case records.

The strategy decides the first prompt only: it builds its prompt for the conversation's first turn (taken as a
single-turn case), so few-shot and RAG examples, or a system prompt, open the chat. Tools stay the case's own:
they are its environment's methods, which no retrieval over the suite's tool library could stand in for.
"""
from __future__ import annotations

from typing import Any, Sequence

from harness.backends.base import ModelBackend
from harness.multiturn.cases_file import case_environments
from harness.multiturn.case import MultiTurnCase
from harness.multiturn.loop import run_conversations, score_trajectory
from harness.multiturn.record import as_single_case, conversation_record
from harness.multiturn.time_limit import time_limited
from harness.progress import Progress
from harness.results.file import CaseRecord
from harness.run.strategy import Strategy
from harness.suite.spec import ScoringSpec


def conversation_records(suite: Any, candidate: str, backend: ModelBackend, strategy: Strategy,
                         scoring: ScoringSpec, progress: Progress) -> list[CaseRecord]:
    """One record per multi-turn case of `suite`, in file order (none when the suite has no `data.multi_turn`)."""
    cases: Sequence[MultiTurnCase] = suite.multi_turn_cases
    if not cases:
        return []
    environments = time_limited(case_environments(suite.resolve(suite.spec.data.multi_turn).parent),
                                suite.spec.multi_turn.call_time_limit_s)
    finished_count = 0

    def finished(count: int) -> None:
        nonlocal finished_count
        finished_count += count
        progress.update(done=finished_count)

    with progress.task(f"{candidate} conversations", total=len(cases), unit="conversation"):
        trajectories = run_conversations(backend, cases, environments, decoder=scoring.decoder,
                                         max_steps_per_turn=suite.spec.multi_turn.max_steps_per_turn,
                                         opening=lambda case: strategy.build_prompt(as_single_case(case)).messages,
                                         progress=finished)
    return [conversation_record(case, trajectory, score_trajectory(case, trajectory, environments(case)),
                                candidate, scoring.mode)
            for case, trajectory in zip(cases, trajectories)]


__all__ = ["conversation_records"]
