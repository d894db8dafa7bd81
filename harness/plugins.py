"""Plugins by name: the one mechanism behind `backend: <name>` and `strategy: <name>` in suites.

Unknown names are bad input (a one-line error naming the suite field), not bugs.
"""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

from harness.errors import HarnessInputError

Factory = TypeVar("Factory", bound=Callable)


class Registry(Generic[Factory]):
    """Factories registered under names; `kind` is both the noun in errors and the suite field."""

    def __init__(self, kind: str):
        self.kind = kind
        self._factories: dict[str, Factory] = {}

    def register(self, name: str) -> Callable[[Factory], Factory]:
        """Decorator: make `factory` available as `<kind>: <name>` in suites."""
        def decorate(factory: Factory) -> Factory:
            self._factories[name] = factory
            return factory
        return decorate

    def get(self, name: str) -> Factory:
        if name not in self._factories:
            raise HarnessInputError(f"unknown {self.kind} {name!r} (known: {', '.join(self.names())})",
                                    field=self.kind)
        return self._factories[name]

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._factories))
