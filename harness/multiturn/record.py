"""A conversation scored as one case record, so leaderboards, per-category tables, the decision and the gate
treat a multi-turn category like any other, with the per-turn detail kept beside it.

The stages read as for a single-turn case, over the whole conversation:
- parsed: every model answer decoded (a malformed call in any step fails it);
- schema-valid: every call that ran fits the schema of the tool it names;
- right tools: in every judged turn, the model called each tool the ground truth calls;
- passed: BFCL's multi-turn verdict (every judged turn state- and response-correct).
Each registered metric gets its value from the same `ScoredCase` a single-turn case would give it, built from
the conversation's calls against its ground-truth calls of all turns; `multi_turn` holds the per-turn verdicts,
the figures only a conversation has and the trajectory itself (every step's output, calls and results).
"""
from __future__ import annotations

from typing import Any, Sequence

from harness.multiturn.case import MultiTurnCase
from harness.multiturn.checker import ConversationVerdict
from harness.multiturn.loop import Trajectory
from harness.results.file import REQUEST_CHARS, CaseRecord, case_summary
from harness.scoring.metric import ScoredCase, case_values
from harness.scoring.schema_validity import UNPARSEABLE, check_schema
from harness.scoring.tool_call_accuracy import CaseVerdict
from harness.suite.cases import Case, ExpectedCall, ToolCall
from harness.suite.example_bank import last_user_text

_MAX_DETAIL_CHARS = 300


def conversation_record(case: MultiTurnCase, trajectory: Trajectory, verdict: ConversationVerdict, candidate: str,
                        mode: str = "strict") -> CaseRecord:
    """The record of one candidate's conversation on `case`."""
    calls = [call for turn in trajectory.executed_calls for call in turn]
    steps = trajectory.all_steps
    generation_error = next((step for step in steps if step.generation_error_type), None)
    parsed = generation_error is None and not any(step.parse_error for step in steps)
    flat_case = as_single_case(case)
    right_tools = all(_right_tools(expected, model) for expected, model in
                      zip(case.expected, trajectory.executed_calls) if expected) and \
        len(trajectory.turns) == len(case.turns)
    error_type, detail = _error(verdict, generation_error)
    scored = ScoredCase(flat_case, calls if parsed else None, mode,
                        CaseVerdict(verdict.passed, right_tools, error_type, detail),
                        check_schema(flat_case, calls) if parsed else UNPARSEABLE)
    return CaseRecord(
        case_id=case.id, category=case.category, candidate=candidate,
        output=[step.output for step in steps], calls=[call.to_json() for call in calls],
        parsed=parsed, schema_valid=scored.schema.valid, right_tools=right_tools, passed=verdict.passed,
        error_type=error_type, error_detail=detail, expects_call=flat_case.expects_call,
        schema_errors=list(scored.schema.errors), metrics=case_values(scored),
        latency_ms=trajectory.latency_ms, input_tokens=trajectory.input_tokens,
        output_tokens=trajectory.output_tokens, cached=trajectory.cached, meta=dict(case.meta),
        multi_turn={**verdict.to_json(), "turns_run": len(trajectory.turns), "steps": trajectory.steps,
                    "step_limits": sum(turn.step_limit for turn in trajectory.turns),
                    "trajectory": trajectory.to_json()})


def conversation_summary(case: MultiTurnCase, cluster_key: str | None = None) -> dict:
    """A conversation as a results file keeps it: `case_summary` of its flattened form (first request, the
    ground truth of all turns, cluster), and in `turns` every turn's user text."""
    summary = case_summary(as_single_case(case), cluster_key)
    summary["turns"] = [last_user_text(turn)[:REQUEST_CHARS] for turn in case.turns]
    return summary


def as_single_case(case: MultiTurnCase) -> Case:
    """The conversation flattened for the per-case metrics: its first turn's messages, every tool it offers, and
    every ground-truth call of every turn (each argument's one right value)."""
    expected = tuple(ExpectedCall(call.name, {name: (value,) for name, value in call.arguments.items()})
                     for turn in case.expected for call in turn)
    return Case(id=case.id, category=case.category, messages=tuple(case.turns[0]) if case.turns else (),
                tools=case.tools, expected=expected, meta=case.meta)


def _right_tools(expected: Sequence[ToolCall], model: Sequence[ToolCall]) -> bool:
    called = {call.name for call in model}
    return all(call.name in called for call in expected)


def _error(verdict: ConversationVerdict, generation_error: Any) -> tuple[str | None, str]:
    """The first failing turn's error kind and where it happened; a backend failure names itself."""
    if verdict.passed:
        return None, ""
    if generation_error is not None:
        return generation_error.generation_error_type, (generation_error.generation_error or "")[:_MAX_DETAIL_CHARS]
    turn = verdict.turns[verdict.first_failure] if verdict.first_failure is not None else None
    if turn is None:
        return None, ""
    detail = f"turn {turn.index}: {turn.detail or (turn.error.value if turn.error else 'failed')}"
    return (turn.error.value if turn.error else None), detail[:_MAX_DETAIL_CHARS]


__all__ = ["as_single_case", "conversation_record", "conversation_summary"]
