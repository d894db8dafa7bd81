"""The conversation loop: a model answers each user turn of a multi-turn case, its calls run in the case's
environment and their results go back to it, until it answers in text or runs out of steps; then scoring.

Conversations advance together: each round sends the next prompt of every active conversation to the backend in
one `generate` call (backends batch internally), so N conversations cost about as many batches as the longest
one has steps. Model text is only parsed, never evaluated: a call reaches the world through `env.execute` alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from harness.backends.base import Generation, ModelBackend, Prompt
from harness.backends.cache import marked_generations
from harness.errors import ErrorKind
from harness.multiturn.case import CaseEnvironments, MultiTurnCase
from harness.multiturn.checker import ConversationVerdict, check_conversation
from harness.multiturn.environment import EnvironmentFactory, ToolEnvironment, ToolResult
from harness.parsing import ParseError, decoder_named, parse_tool_calls
from harness.suite.cases import ToolCall

#: Steps (model answers) a turn may take before it is cut off. BFCL allows 21; 8 covers its ground
#: truth (at most 6 calls a turn in multi_turn_base, and a model can make several calls in one step).
MAX_STEPS_PER_TURN = 8


@dataclass(frozen=True)
class Step:
    """One model answer within a turn: what it wrote, the calls read from it and what each returned.

    `parse_error` set: the output was taken as a text answer (no calls). `generation_error` set: the backend
    failed, the turn ended there.
    """

    output: Any
    calls: tuple[ToolCall, ...] = ()
    results: tuple[ToolResult, ...] = ()
    latency_ms: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    parse_error: str | None = None
    generation_error_type: str | None = None
    generation_error: str | None = None
    #: The output came from the generation cache (its latency and tokens are those of the run that made it).
    cached: bool = False

    def to_json(self) -> dict:
        return {"output": self.output, "calls": [call.to_json() for call in self.calls],
                "results": [result.to_json() for result in self.results], "latency_ms": self.latency_ms,
                "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "parse_error": self.parse_error, "generation_error_type": self.generation_error_type,
                "generation_error": self.generation_error, "cached": self.cached}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Step":
        return cls(output=data.get("output"), calls=tuple(ToolCall.from_json(call) for call in data.get("calls", ())),
                   results=tuple(ToolResult.from_json(result) for result in data.get("results", ())),
                   latency_ms=data.get("latency_ms"), input_tokens=data.get("input_tokens"),
                   output_tokens=data.get("output_tokens"), parse_error=data.get("parse_error"),
                   generation_error_type=data.get("generation_error_type"),
                   generation_error=data.get("generation_error"), cached=bool(data.get("cached", False)))


@dataclass(frozen=True)
class TurnRecord:
    """The steps the model took answering one user turn; `step_limit`: it was cut off still calling."""

    steps: tuple[Step, ...] = ()
    step_limit: bool = False

    @property
    def executed_calls(self) -> tuple[ToolCall, ...]:
        """Every call sent to the environment in this turn, in order (failed ones too: the checker replays them)."""
        return tuple(call for step in self.steps for call in step.calls)

    @property
    def generation_error(self) -> str | None:
        return next((step.generation_error for step in self.steps if step.generation_error), None)

    def to_json(self) -> dict:
        return {"steps": [step.to_json() for step in self.steps], "step_limit": self.step_limit}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TurnRecord":
        return cls(steps=tuple(Step.from_json(step) for step in data.get("steps", ())),
                   step_limit=bool(data.get("step_limit", False)))


@dataclass(frozen=True)
class Trajectory:
    """One conversation as it ran: per user turn, the model's steps. Totals are summed over every step (input
    tokens count each step's whole prompt, which is what a conversation costs); None when no step reported one."""

    case_id: str
    turns: tuple[TurnRecord, ...] = field(default=())

    @property
    def executed_calls(self) -> list[list[ToolCall]]:
        """Per turn, the calls that ran: what `check_conversation` takes as the model's side."""
        return [list(turn.executed_calls) for turn in self.turns]

    @property
    def all_steps(self) -> tuple[Step, ...]:
        """Every step of every turn, in order."""
        return tuple(step for turn in self.turns for step in turn.steps)

    @property
    def steps(self) -> int:
        return len(self.all_steps)

    @property
    def cached(self) -> bool:
        """Every step's output came from the generation cache."""
        steps = self.all_steps
        return bool(steps) and all(step.cached for step in steps)

    @property
    def latency_ms(self) -> float | None:
        return _total(step.latency_ms for step in self.all_steps)

    @property
    def input_tokens(self) -> int | None:
        return _total(step.input_tokens for step in self.all_steps)

    @property
    def output_tokens(self) -> int | None:
        return _total(step.output_tokens for step in self.all_steps)

    def to_json(self) -> dict:
        """The trajectory as data; the totals and executed calls are derived and written for readers only."""
        return {"case_id": self.case_id, "turns": [turn.to_json() for turn in self.turns],
                "executed_calls": [[call.to_json() for call in calls] for calls in self.executed_calls],
                "steps": self.steps, "latency_ms": self.latency_ms, "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Trajectory":
        return cls(case_id=data["case_id"], turns=tuple(TurnRecord.from_json(turn) for turn in data["turns"]))


def run_conversations(backend: ModelBackend, cases: Sequence[MultiTurnCase], make_environment: CaseEnvironments, *,
                      decoder: str = "auto", max_steps_per_turn: int = MAX_STEPS_PER_TURN,
                      opening: Callable[[MultiTurnCase], Sequence[Mapping[str, Any]]] | None = None,
                      progress: Callable[[int], None] | None = None) -> list[Trajectory]:
    """Run every case's conversation with `backend`, one trajectory per case in the order given.

    `make_environment(case)` gives the maker of the case's fresh environments (`environment_factory` with the
    case file's folder); each conversation runs in one environment of its own. A turn ends on a text answer
    (a parse error counts as one), a backend error, or after `max_steps_per_turn` steps; the next turn follows
    in every case (BFCL instead ends the whole conversation at its step limit).

    `opening(case)` gives the messages of the first prompt: the case's first turn with whatever a prompting
    strategy adds around it (a system prompt, examples); default, the first turn as written. Tools are always
    the case's own (its environment's), per turn. `progress(n)` is told each time n conversations have finished.
    """
    if max_steps_per_turn < 1:
        raise ValueError("max_steps_per_turn must be at least 1")
    decoder_named(decoder)  # an unknown decoder is bad input before any generation, not a parse error per step
    conversations = [_Conversation(case, make_environment(case)(), opening(case) if opening else None)
                     for case in cases]
    active = [conversation for conversation in conversations if not conversation.done]
    while active:
        prompts = [conversation.prompt() for conversation in active]
        generations = list(marked_generations(backend, prompts))
        for index, conversation in enumerate(active):
            generation, cached = generations[index] if index < len(generations) else (Generation(
                error_type=ErrorKind.BACKEND_ERROR.value, error="the backend yielded no generation for this prompt"),
                False)
            conversation.advance(generation, decoder, max_steps_per_turn, cached)
        still_active = [conversation for conversation in active if not conversation.done]
        if progress is not None and len(still_active) < len(active):
            progress(len(active) - len(still_active))
        active = still_active
    return [conversation.trajectory() for conversation in conversations]


def score_trajectory(case: MultiTurnCase, trajectory: Trajectory,
                     make_environment: EnvironmentFactory) -> ConversationVerdict:
    """The verdict on a trajectory of `case`: its executed calls replayed against the ground truth, each on
    fresh environments from `make_environment` (the case's zero-argument factory)."""
    if trajectory.case_id != case.id:
        raise ValueError(f"trajectory of case {trajectory.case_id!r} scored against case {case.id!r}")
    return check_conversation(trajectory.executed_calls, case.expected, make_environment,
                              cut_off=[turn.step_limit for turn in trajectory.turns])


class _Conversation:
    """One conversation in flight: the chat so far, where it stands, and the record of what happened."""

    def __init__(self, case: MultiTurnCase, environment: ToolEnvironment,
                 opening: Sequence[Mapping[str, Any]] | None) -> None:
        self.case = case
        self.environment = environment
        self.turns: list[TurnRecord] = []
        self.steps: list[Step] = []
        self.turn = 0
        self.done = not case.turns
        first = opening if opening is not None else (case.turns[0] if case.turns else ())
        self.messages: list[dict[str, Any]] = [dict(message) for message in first]

    def prompt(self) -> Prompt:
        return Prompt(self.case.id, tuple(self.messages), self.case.tools_for_turn(self.turn))

    def advance(self, generation: Generation, decoder: str, max_steps: int, cached: bool = False) -> None:
        costs = {"latency_ms": generation.latency_ms, "input_tokens": generation.input_tokens,
                 "output_tokens": generation.output_tokens, "cached": cached}
        if generation.error is not None:
            self.steps.append(Step(output=generation.output,
                                   generation_error_type=generation.error_type or ErrorKind.GENERATION_ERROR.value,
                                   generation_error=generation.error, **costs))
            self._end_turn(step_limit=False)
            return
        parse_error = None
        try:
            calls = parse_tool_calls(generation.output, decoder=decoder)
        except ParseError as exc:
            calls, parse_error = [], str(exc)
        if not calls:
            self.steps.append(Step(output=generation.output, parse_error=parse_error, **costs))
            self.messages.append({"role": "assistant", "content": _text_of(generation.output)})
            self._end_turn(step_limit=False)
            return
        ids = [f"call_{self.turn}_{len(self.steps)}_{index}" for index in range(len(calls))]
        self.messages.append({"role": "assistant", "content": "", "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": call.name, "arguments": dict(call.arguments)}}
            for call_id, call in zip(ids, calls)]})
        results = []
        for call_id, call in zip(ids, calls):
            result = self.environment.execute(call.name, call.arguments)
            results.append(result)
            self.messages.append({"role": "tool", "tool_call_id": call_id, "name": call.name,
                                  "content": result.content})
        self.steps.append(Step(output=generation.output, calls=tuple(calls), results=tuple(results), **costs))
        if len(self.steps) >= max_steps:
            self._end_turn(step_limit=True)

    def _end_turn(self, step_limit: bool) -> None:
        self.turns.append(TurnRecord(steps=tuple(self.steps), step_limit=step_limit))
        self.steps = []
        self.turn += 1
        if self.turn >= len(self.case.turns):
            self.done = True
            return
        self.messages.extend(dict(message) for message in self.case.turns[self.turn])

    def trajectory(self) -> Trajectory:
        return Trajectory(case_id=self.case.id, turns=tuple(self.turns))


def _text_of(output: Any) -> str:
    """The text of an answer: the output itself, or the `content` of an assistant message dict."""
    if isinstance(output, str):
        return output
    if isinstance(output, Mapping):
        content = output.get("content")
        return content if isinstance(content, str) else ""
    return "" if output is None else str(output)


def _total(values) -> Any:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


__all__ = ["MAX_STEPS_PER_TURN", "Step", "Trajectory", "TurnRecord", "run_conversations", "score_trajectory"]
