"""Prompting strategies: each turns a case into a prompt (adds examples, retrieved context, or nothing).

Strategies are plugins (entry-point group `fc_harness.strategies`); the built-in zero_shot, few_shot and rag live
in the top-level `baselines` package and are registered the same way.
"""
from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel

from harness.backends.base import Prompt
from harness.plugins import STRATEGIES, registry
from harness.suite.cases import Case


class Strategy(Protocol):
    """Builds the prompt for one case."""

    def build_prompt(self, case: Case) -> Prompt: ...


class StrategyPlugin(Protocol):
    """What a strategy plugin provides: the `Options` model of the candidate keys it reads (`k:`, `select:`,
    ...), an optional `check(suite, candidate, options)` raising `suite.field_error(...)` when the suite lacks what
    it needs (run when the suite loads, so cheap: no model loads), and the constructor `(candidate, suite,
    options)`."""

    Options: type[BaseModel]

    @classmethod
    def check(cls, suite: Any, candidate: Any, options: Any) -> None: ...

    def __call__(self, candidate: Any, suite: Any, options: Any) -> Strategy: ...


def strategy_plugin(name: str) -> StrategyPlugin:
    """The strategy registered as `name` (an unknown name is bad input naming the known ones)."""
    return registry(STRATEGIES).get(name)


def build_strategy(candidate: Any, suite: Any) -> Strategy:
    """The candidate's strategy, ready to build prompts."""
    plugin = strategy_plugin(candidate.strategy)
    return plugin(candidate, suite, candidate.strategy_options())
