"""Plugins by name, found through Python entry points: the one mechanism behind every named role in a suite.

Each role is an entry-point group (`fc_harness.backends`, `fc_harness.strategies`, `fc_harness.decoders`,
`fc_harness.metrics`, `fc_harness.report_sections`, `fc_harness.training_formats`); the harness registers its
built-ins in its own pyproject.toml exactly as a plugin package does, so a user adds a backend, strategy,
decoder, metric, report section or training-data format by installing a package that declares one entry point,
without editing the harness. Entry points load on first use; a name claimed twice is an error.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Any, Generic, TypeVar

from harness.errors import HarnessInputError

Plugin = TypeVar("Plugin")


@dataclass(frozen=True)
class Role:
    """One pluggable role: the noun used in messages and suites (`backend`) and its entry-point group."""

    kind: str
    group: str


BACKENDS = Role("backend", "fc_harness.backends")
STRATEGIES = Role("strategy", "fc_harness.strategies")
DECODERS = Role("decoder", "fc_harness.decoders")
METRICS = Role("metric", "fc_harness.metrics")
REPORT_SECTIONS = Role("report section", "fc_harness.report_sections")
TRAINING_FORMATS = Role("training data format", "fc_harness.training_formats")
ROLES = (BACKENDS, STRATEGIES, DECODERS, METRICS, REPORT_SECTIONS, TRAINING_FORMATS)


class Registry(Generic[Plugin]):
    """The plugins of one role, by name: discovered from entry points once, loaded when first asked for.

    `register` adds one in code (tests, notebooks); a name that is already taken, by an entry point or in code,
    is refused rather than silently replaced.
    """

    def __init__(self, role: Role):
        self.role = role
        self._entry_points: dict[str, metadata.EntryPoint] | None = None
        self._loaded: dict[str, Plugin] = {}

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self._discovered()) | set(self._loaded)))

    def origin(self, name: str) -> str:
        """Which installed package provides `name` (`fc-harness` for the built-ins)."""
        entry_point = self._discovered().get(name)
        if entry_point is None:
            return "registered in code" if name in self._loaded else "unknown"
        dist = getattr(entry_point, "dist", None)
        return dist.name if dist is not None else entry_point.value

    def get(self, name: str) -> Plugin:
        if name in self._loaded:
            return self._loaded[name]
        entry_point = self._discovered().get(name)
        if entry_point is None:
            raise HarnessInputError(f"unknown {self.role.kind} {name!r} (known: {', '.join(self.names()) or 'none'})",
                                    field=self.role.kind.replace(" ", "_"))
        try:
            plugin = entry_point.load()
        except Exception as exc:  # a broken plugin package: say which, not a traceback
            raise HarnessInputError(f"cannot load {self.role.kind} {name!r} from {entry_point.value}: "
                                    f"{type(exc).__name__}: {exc}", field=self.role.kind.replace(" ", "_")) from None
        self._loaded[name] = plugin
        return plugin

    def all(self) -> dict[str, Plugin]:
        """Every plugin of the role, loaded, by name."""
        return {name: self.get(name) for name in self.names()}

    def register(self, name: str, plugin: Plugin) -> Plugin:
        """Add `plugin` as `name`. Registering the same definition again (a module imported twice) is a no-op;
        another plugin under a taken name is refused."""
        existing = self._loaded.get(name)
        if existing is not None and _same_definition(existing, plugin):
            self._loaded[name] = plugin
            return plugin
        if existing is not None or name in self._discovered():
            raise HarnessInputError(f"{self.role.kind} {name!r} is registered twice", field=self.role.kind)
        self._loaded[name] = plugin
        return plugin

    def _discovered(self) -> dict[str, metadata.EntryPoint]:
        if self._entry_points is None:
            found: dict[str, metadata.EntryPoint] = {}
            for entry_point in metadata.entry_points(group=self.role.group):
                earlier = found.get(entry_point.name)
                if earlier is not None and earlier.value != entry_point.value:
                    raise HarnessInputError(
                        f"{self.role.kind} {entry_point.name!r} is declared twice: by {_owner(earlier)} "
                        f"({earlier.value}) and by {_owner(entry_point)} ({entry_point.value})",
                        hint="uninstall one of the two packages")
                found[entry_point.name] = entry_point
            self._entry_points = found
        return self._entry_points


def _same_definition(a: Any, b: Any) -> bool:
    if a is b:
        return True
    return (getattr(a, "__qualname__", None) is not None and a.__qualname__ == getattr(b, "__qualname__", None)
            and getattr(a, "__module__", None) == getattr(b, "__module__", None))


def _owner(entry_point: metadata.EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    return f"package {dist.name}" if dist is not None else "a package"


_REGISTRIES: dict[str, Registry[Any]] = {}


def registry(role: Role) -> Registry[Any]:
    """The one registry of `role`."""
    if role.group not in _REGISTRIES:
        _REGISTRIES[role.group] = Registry(role)
    return _REGISTRIES[role.group]
