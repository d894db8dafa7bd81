"""Prompting strategies (zero-shot, few-shot, RAG, custom) registered by name; each turns a case into a prompt.

Built-in strategies live in the top-level `baselines` package and register themselves on import.
"""
from __future__ import annotations

from typing import Callable, Protocol

from harness.suite.cases import Case
from harness.backends.base import Prompt
from harness.plugins import Registry


class Strategy(Protocol):
    """Builds the prompt for one case (adds examples, retrieved context, or nothing)."""

    def build_prompt(self, case: Case) -> Prompt: ...


StrategyFactory = Callable[..., Strategy]
_STRATEGIES: Registry[StrategyFactory] = Registry("strategy")


def register_strategy(name: str) -> Callable[[StrategyFactory], StrategyFactory]:
    """Decorator: make a strategy available to suites as `strategy: <name>`."""
    return _STRATEGIES.register(name)


def strategy_factory(name: str) -> StrategyFactory:
    import baselines  # noqa: F401  (registers the built-in strategies)

    return _STRATEGIES.get(name)
