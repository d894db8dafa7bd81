"""Prompting strategies (zero-shot, few-shot, RAG, custom) registered by name; each turns a case into a prompt.

Built-in strategies live in the top-level `baselines` package and register themselves on import.
"""
from __future__ import annotations

from typing import Callable, Protocol

from harness.cases import Case
from harness.errors import HarnessInputError
from harness.models.base import Prompt


class Strategy(Protocol):
    """Builds the prompt for one case (adds examples, retrieved context, or nothing)."""

    def build_prompt(self, case: Case) -> Prompt: ...


StrategyFactory = Callable[..., Strategy]
_STRATEGIES: dict[str, StrategyFactory] = {}


def register_strategy(name: str) -> Callable[[StrategyFactory], StrategyFactory]:
    """Decorator: make a strategy available to suites as `strategy: <name>`."""
    def decorate(factory: StrategyFactory) -> StrategyFactory:
        _STRATEGIES[name] = factory
        return factory
    return decorate


def strategy_factory(name: str) -> StrategyFactory:
    import baselines  # noqa: F401  (registers the built-in strategies)

    if name not in _STRATEGIES:
        known = ", ".join(sorted(_STRATEGIES))
        raise HarnessInputError(f"unknown strategy {name!r} (known: {known})", field="strategy")
    return _STRATEGIES[name]
