"""Scoring of one multi-turn conversation against its per-turn ground-truth calls, by execution.

BFCL's multi_turn_checker semantics (read, not copied): both call lists are replayed on fresh environments, and
a turn passes when the states agree afterwards and the ground truth's results are among the model's results.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from harness.multiturn.environment import EnvironmentFactory, ToolEnvironment
from harness.suite.cases import ToolCall

#: A call as the checker takes it: a ToolCall or a (name, arguments) pair.
CallLike = ToolCall | tuple[str, Mapping[str, Any]]


class TurnErrorKind(str, enum.Enum):
    """Why a turn failed, in the order they are tested (the first that applies is reported)."""

    STEP_LIMIT = "step_limit"              # the model was still calling when the step limit cut the turn off
    EMPTY_TURN = "empty_turn"              # the turn expects calls and the model made none
    STATE_MISMATCH = "state_mismatch"      # after the turn, a public attribute differs from the ground truth's
    MISSING_RESPONSE = "missing_response"  # a ground-truth call's result is not among the model's results


class ResponseRule(str, enum.Enum):
    """Where the ground truth's results of a turn must appear among the model's.

    BFCL (the default, so verdicts agree with it): anywhere among the results of the model's calls in this turn
    and all earlier ones, in any order, each model result used at most once per turn; so a model that already
    fetched something in an earlier turn need not fetch it again, and parallel calls may come in any order.
    IN_ORDER: as a subsequence of the results of this turn's calls only; stricter, for suites that need it.
    """

    BFCL = "bfcl"
    IN_ORDER = "in_order"


@dataclass(frozen=True)
class TurnVerdict:
    """One user turn. `checked` is False for a turn with no ground-truth calls (BFCL's held-out turns in
    miss_func / miss_param): the model's calls there still run, so later states are right, but nothing is
    judged and the turn counts as passed. `wasted_calls` are indices into this turn's model calls."""

    index: int
    passed: bool
    checked: bool
    error: TurnErrorKind | None
    detail: str | None
    model_calls: int
    expected_calls: int
    wasted_calls: tuple[int, ...]

    def to_json(self) -> dict:
        return {"index": self.index, "passed": self.passed, "checked": self.checked,
                "error": self.error.value if self.error else None, "detail": self.detail,
                "model_calls": self.model_calls, "expected_calls": self.expected_calls,
                "wasted_calls": list(self.wasted_calls)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TurnVerdict":
        return cls(index=data["index"], passed=data["passed"], checked=data["checked"],
                   error=TurnErrorKind(data["error"]) if data.get("error") else None, detail=data.get("detail"),
                   model_calls=data["model_calls"], expected_calls=data["expected_calls"],
                   wasted_calls=tuple(data.get("wasted_calls", ())))


@dataclass(frozen=True)
class ConversationVerdict:
    """A whole conversation: it passes when every turn does.

    A model call is *wasted* when it changed nothing in its environment (its instance's attributes, private
    ones included, are byte-for-byte the same after it) and its result was not used to match a ground-truth
    result. Read-only look-ups the task did not need, repeats and failed calls are wasted; a `cd` is not
    (it moves a private cursor the next calls depend on). This is a per-call test, not a search over
    subsets: two calls that undo each other both count as changes.
    """

    passed: bool
    turns: tuple[TurnVerdict, ...]

    @property
    def first_failure(self) -> int | None:
        return next((turn.index for turn in self.turns if not turn.passed), None)

    @property
    def error(self) -> TurnErrorKind | None:
        """The error kind of the first failing turn."""
        return next((turn.error for turn in self.turns if not turn.passed), None)

    @property
    def turn_accuracy(self) -> float:
        """Passed turns over checked turns (1.0 for a conversation with none checked)."""
        checked = [turn for turn in self.turns if turn.checked]
        return sum(turn.passed for turn in checked) / len(checked) if checked else 1.0

    @property
    def calls_per_turn(self) -> tuple[int, ...]:
        return tuple(turn.model_calls for turn in self.turns)

    @property
    def wasted_calls(self) -> int:
        return sum(len(turn.wasted_calls) for turn in self.turns)

    def to_json(self) -> dict:
        return {"passed": self.passed, "first_failure": self.first_failure,
                "error": self.error.value if self.error else None, "turn_accuracy": self.turn_accuracy,
                "calls_per_turn": list(self.calls_per_turn), "wasted_calls": self.wasted_calls,
                "turns": [turn.to_json() for turn in self.turns]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ConversationVerdict":
        """Back from `to_json` (the derived figures are recomputed from the turns)."""
        return cls(passed=data["passed"], turns=tuple(TurnVerdict.from_json(turn) for turn in data["turns"]))


def check_conversation(model_turns: Sequence[Sequence[CallLike]], expected_turns: Sequence[Sequence[CallLike]],
                       make_environment: EnvironmentFactory,
                       response_rule: ResponseRule = ResponseRule.BFCL,
                       cut_off: Sequence[bool] = ()) -> ConversationVerdict:
    """Replay the model's executed calls and the ground truth, turn by turn, each on its own fresh environment
    from `make_environment`, and judge every turn.

    `model_turns[i]` is every call the model made while answering user turn i (all its steps, in order). A
    conversation the model did not finish must still give one (possibly empty) list per turn. `cut_off[i]`
    says the step limit ended turn i while the model was still calling: that turn fails, whatever its calls
    did, as BFCL fails a conversation it force-terminates (the turns after it are still judged, for per-turn
    credit).
    """
    if len(model_turns) != len(expected_turns):
        raise ValueError(f"{len(model_turns)} model turns for {len(expected_turns)} expected turns; give one "
                         "(possibly empty) list of calls per user turn")
    if cut_off and len(cut_off) != len(model_turns):
        raise ValueError(f"{len(cut_off)} cut-off flags for {len(model_turns)} turns")
    model_env, expected_env = make_environment(), make_environment()
    model_results: list[str] = []  # every model result so far, for the BFCL response rule
    used: list[bool] = []          # whether each of those results matched a ground-truth result
    changed: list[bool] = []       # whether each model call changed its environment
    turn_starts: list[int] = []
    pending: list[tuple[int, list[ToolCall], list[ToolCall], TurnErrorKind | None, str | None]] = []
    for index, (model_calls, expected_calls) in enumerate(zip(model_turns, expected_turns)):
        model_calls = [_as_call(call) for call in model_calls]
        expected_calls = [_as_call(call) for call in expected_calls]
        turn_starts.append(len(model_results))
        for call in model_calls:
            before = model_env.fingerprint(call.name)
            model_results.append(model_env.execute(call.name, call.arguments).content)
            after = model_env.fingerprint(call.name)
            changed.append(before is None or before != after)
            used.append(False)
        expected_results = [expected_env.execute(call.name, call.arguments).content for call in expected_calls]
        error, detail = None, None
        if expected_calls:
            error, detail = _judge_turn(model_env, expected_env, model_results, turn_starts[-1], expected_results,
                                        used, response_rule)
        if cut_off and cut_off[index]:
            error, detail = TurnErrorKind.STEP_LIMIT, "cut off by the step limit, still calling" + (
                f"; and {error.value}: {detail}" if error else "")
        pending.append((index, model_calls, expected_calls, error, detail))
    turns = []
    for index, model_calls, expected_calls, error, detail in pending:
        start = turn_starts[index]
        wasted = tuple(position for position in range(len(model_calls))
                       if not changed[start + position] and not used[start + position])
        turns.append(TurnVerdict(index=index, passed=error is None, checked=bool(expected_calls), error=error,
                                 detail=detail, model_calls=len(model_calls), expected_calls=len(expected_calls),
                                 wasted_calls=wasted))
    return ConversationVerdict(passed=all(turn.passed for turn in turns), turns=tuple(turns))


def state_differences(model_state: Mapping[str, Mapping[str, Any]],
                      expected_state: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """`Class.attribute` for every ground-truth attribute the model's state lacks or holds another value of.
    Attributes only the model's side has are not compared (nor are they in BFCL)."""
    differences = []
    for class_name, expected in expected_state.items():
        actual = model_state.get(class_name, {})
        for attribute, value in expected.items():
            if attribute not in actual or actual[attribute] != value:
                differences.append(f"{class_name}.{attribute}")
    return differences


def _judge_turn(model_env: ToolEnvironment, expected_env: ToolEnvironment, model_results: list[str], start: int,
                expected_results: list[str], used: list[bool],
                rule: ResponseRule) -> tuple[TurnErrorKind | None, str | None]:
    if start == len(model_results):
        return TurnErrorKind.EMPTY_TURN, "the model made no call in a turn that expects some"
    differences = state_differences(model_env.state(copy=False), expected_env.state(copy=False))
    if differences:
        return TurnErrorKind.STATE_MISMATCH, "differs from the ground truth: " + ", ".join(differences)
    this_turn = range(start, len(model_results))
    if rule is ResponseRule.BFCL:  # this turn's results first, so a look-up repeated in this turn is the one used
        matched, missing = _match_results(expected_results, model_results, [*this_turn, *range(start - 1, -1, -1)])
    else:
        matched, missing = _match_results(expected_results, model_results, list(this_turn), ordered=True)
    for position in matched:
        used[position] = True
    if missing:
        shown = "; ".join(_excerpt(result) for result in missing[:3])
        return TurnErrorKind.MISSING_RESPONSE, f"{len(missing)} ground-truth result(s) not returned: {shown}"
    return None, None


def _match_results(expected: list[str], results: list[str], candidates: list[int],
                   ordered: bool = False) -> tuple[list[int], list[str]]:
    """Positions in `results` (among `candidates`, searched in that order) matched to each expected result, and
    the expected results left unmatched. Unordered: each expected result takes the first unmatched equal
    result; which one is taken never changes whether all match (equal results are interchangeable), only which
    calls count as used. Ordered: a greedy subsequence match, each searched for after the previous match."""
    matched: list[int] = []
    missing: list[str] = []
    taken: set[int] = set()
    cursor = 0
    for result in expected:
        scan = candidates[cursor:] if ordered else candidates
        found = next((index for index, position in enumerate(scan)
                      if position not in taken and results[position] == result), None)
        if found is None:
            missing.append(result)
            continue
        position = scan[found]
        taken.add(position)
        matched.append(position)
        if ordered:
            cursor += found + 1
    return matched, missing


def _as_call(call: CallLike) -> ToolCall:
    if isinstance(call, ToolCall):
        return call
    name, arguments = call
    return ToolCall(name=name, arguments=dict(arguments))


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


__all__ = ["CallLike", "ConversationVerdict", "ResponseRule", "TurnErrorKind", "TurnVerdict",
           "check_conversation", "state_differences"]
