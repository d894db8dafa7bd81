"""Executable tool environments for multi-turn cases: the thing a model's calls run against, turn after turn.

Two kinds behind one `ToolEnvironment` protocol: stateful simulator classes (their public methods are the tools,
BFCL's multi-turn design) and recorded responses. A call never crashes the caller: an unknown tool, arguments
that do not bind and an exception inside a tool all come back as a `ToolResult` with an error, as an API would.
"""
from __future__ import annotations

import copy as _copy
import functools
import inspect
import json
import pickle
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence, runtime_checkable

from harness.errors import HarnessInputError

#: What every tool environment answers when a call cannot run (shown to the model, compared by the checker).
ERROR_PREFIX = "Error: "


@dataclass(frozen=True)
class ToolResult:
    """One executed call: `content` is the text the model reads; `error` says why the call failed (None: it ran)."""

    content: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failure(cls, message: str) -> "ToolResult":
        return cls(content=ERROR_PREFIX + message, error=message)

    def to_json(self) -> dict:
        return {"content": self.content, "error": self.error}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ToolResult":
        return cls(content=data["content"], error=data.get("error"))


@runtime_checkable
class ToolEnvironment(Protocol):
    """Where one conversation's calls run.

    `state()` is a snapshot that stays valid after later calls; `state(copy=False)` may share values with the
    live environment, for a comparison made at once. `fingerprint(name)` is what the instance behind tool
    `name` holds, as bytes: equal before and after a call means the call changed nothing (None when it cannot
    be taken; every call then counts as a change).
    """

    @property
    def tool_names(self) -> tuple[str, ...]: ...

    def execute(self, name: str, arguments: Mapping[str, Any]) -> ToolResult: ...

    def state(self, *, copy: bool = True) -> dict[str, dict[str, Any]]: ...

    def fingerprint(self, name: str) -> bytes | None: ...


#: Makes a fresh environment in its initial state: the checker needs one per side of every comparison.
EnvironmentFactory = Callable[[], ToolEnvironment]


def render_result(value: Any) -> str:
    """A tool's return value as the text a model reads: JSON for dicts and lists, `str()` for anything else
    (BFCL does the same for dicts and strings; a value JSON cannot hold falls back to `str()`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):  # a non-JSON key or value (a datetime, an object, a cycle)
            return str(value)
    return str(value)


#: How BFCL words a failed call to the model (`execute_multi_turn_func_call`): the exception's own text after it.
BFCL_ERROR_PREFIX = "Error during execution: "


def render_result_as_bfcl(value: Any) -> str:
    """A tool's return value worded as BFCL feeds it back: a string as it is, a dict as (ASCII-escaped) JSON or
    `str()` when JSON cannot hold it, anything else (lists too) as `str()`."""
    if type(value) is str:
        return value
    if type(value) is dict:
        try:
            return json.dumps(value)
        except (TypeError, ValueError, RecursionError):
            return str(value)
    return str(value)


def canonical_arguments(arguments: Mapping[str, Any]) -> str:
    """The one JSON text for a set of arguments, whatever their order: the key of a recorded response."""
    return json.dumps(arguments, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=repr)


class ClassEnvironment:
    """Simulator classes, one instance each per conversation; their public methods are the tools.

    Several classes may share a conversation (BFCL's `involved_classes`); a method name resolves to the first
    class, in the given order, that defines it. Only those methods can be reached: a name is looked up in that
    table, never with `getattr` on whatever the model wrote, so `_load_scenario` or `__class__` are unknown tools.

    `bfcl_wording` words what the model reads as BFCL does (`render_result_as_bfcl`; a failure as
    "Error during execution: " and Python's own message, arguments unchecked until the call raises), so a
    model meets BFCL's simulated APIs here as it does in BFCL. `ToolResult.error` keeps the harness's reason.
    """

    def __init__(self, classes: Sequence[type], initial_config: Mapping[str, Any] | None = None,
                 long_context: bool = False, bfcl_wording: bool = False) -> None:
        """`initial_config` maps a class name to its initial state: given to `_load_scenario(config, long_context)`
        when the class has one (BFCL's simulators), else to the constructor as keyword arguments."""
        config = initial_config or {}
        self._bfcl_wording = bfcl_wording
        self._instances: dict[str, Any] = {}
        self._owners: dict[str, str] = {}
        for cls in classes:
            name = cls.__name__
            if name in self._instances:
                raise ValueError(f"simulator class {name} given twice")
            try:
                self._instances[name] = _instantiate(cls, _copy.deepcopy(config.get(name, {})), long_context)
            except Exception as exc:  # the case's initial state does not fit the class: bad input, not a bug
                raise HarnessInputError(f"cannot set up simulator {name}: {type(exc).__name__}: {exc}",
                                        field=f"initial_config.{name}") from None
            for method in tool_methods(cls):
                self._owners.setdefault(method, name)

    @property
    def tool_names(self) -> tuple[str, ...]:
        return tuple(self._owners)

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(self._instances)

    def owner(self, name: str) -> str | None:
        """The class whose method answers tool `name`, or None for an unknown tool."""
        return self._owners.get(name)

    def signature(self, name: str) -> inspect.Signature | None:
        """The tool's signature without `self`, or None for an unknown tool."""
        owner = self._owners.get(name)
        return None if owner is None else _method_signature(type(self._instances[owner]), name)

    def execute(self, name: str, arguments: Mapping[str, Any]) -> ToolResult:
        owner = self._owners.get(name)
        if owner is None:
            return self._failure(f"unknown tool {name!r}", f"name {name!r} is not defined")
        instance = self._instances[owner]
        method = getattr(instance, name)  # `name` is one of the declared tool methods
        if not isinstance(arguments, Mapping) or not all(isinstance(key, str) for key in arguments):
            return ToolResult.failure(f"arguments to {name} must be an object with string keys")
        if not self._bfcl_wording:
            try:
                _method_signature(type(instance), name).bind(**arguments)
            except TypeError as exc:
                return ToolResult.failure(f"bad arguments to {name}: {exc}")
        try:
            # A copy, so a simulator that keeps an argument (a list it stores) never shares it with the caller's
            # call, or through it with the other side of the checker's replay.
            value = method(**_copy.deepcopy(dict(arguments)))
        except Exception as exc:  # a simulator bug or a refused input: the model sees it as an API error
            return self._failure(f"{name} failed: {type(exc).__name__}: {exc}", str(exc))
        return ToolResult(render_result_as_bfcl(value) if self._bfcl_wording else render_result(value))

    def _failure(self, reason: str, bfcl_message: str) -> ToolResult:
        """A failed call: the model reads `reason`, or BFCL's words for it under `bfcl_wording`."""
        if self._bfcl_wording:
            return ToolResult(content=BFCL_ERROR_PREFIX + bfcl_message, error=reason)
        return ToolResult.failure(reason)

    def state(self, *, copy: bool = True) -> dict[str, dict[str, Any]]:
        """Per class, a deep copy of the instance attributes not starting with `_` (BFCL's state check compares
        exactly these, with the values' own `==`, so simulator objects are kept rather than flattened).
        `copy=False` skips the copy for a comparison made at once (the copies were ~45% of the checker's time on
        BFCL's multi-turn data)."""
        snapshot = {name: public_attributes(instance) for name, instance in self._instances.items()}
        return _copy.deepcopy(snapshot) if copy else snapshot

    def fingerprint(self, name: str) -> bytes | None:
        """Everything the instance behind tool `name` holds, private attributes too, pickled; None when that
        cannot be pickled. (The checker's wasted-call test: `cd` moves a private cursor, so it is a change.)"""
        owner = self._owners.get(name)
        if owner is None:
            return b""
        try:
            return pickle.dumps(vars(self._instances[owner]), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an unpicklable attribute (a lock, a lambda): treat every call as a change
            return None


class RecordedEnvironment:
    """Recorded responses: each (tool, arguments) pair answers what was recorded, anything else an error.

    Stateless, so its `state()` is empty and the state check always agrees; only the response check scores.
    """

    def __init__(self, responses: Mapping[tuple[str, str], ToolResult],
                 tools: Iterable[str] | None = None) -> None:
        """`responses` is keyed by (tool name, `canonical_arguments(arguments)`); `tools` adds names that exist
        without recorded answers (a call to one is "no recorded response", a call to any other "unknown tool")."""
        self._responses = dict(responses)
        self._tools = tuple(dict.fromkeys([*(name for name, _ in self._responses), *(tools or ())]))

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, Mapping[str, Any], Any]],
                     tools: Iterable[str] | None = None) -> "RecordedEnvironment":
        """From (name, arguments, response) triples; a response is rendered as `render_result` renders a value,
        and a `ToolResult` is kept as it is (a recorded error)."""
        responses = {}
        for name, arguments, response in records:
            result = response if isinstance(response, ToolResult) else ToolResult(render_result(response))
            responses[(name, canonical_arguments(arguments))] = result
        return cls(responses, tools)

    @property
    def tool_names(self) -> tuple[str, ...]:
        return self._tools

    def execute(self, name: str, arguments: Mapping[str, Any]) -> ToolResult:
        if name not in self._tools:
            return ToolResult.failure(f"unknown tool {name!r}")
        try:
            key = (name, canonical_arguments(arguments))
        except (TypeError, ValueError) as exc:
            return ToolResult.failure(f"bad arguments to {name}: {exc}")
        recorded = self._responses.get(key)
        if recorded is None:
            return ToolResult.failure(f"no recorded response for {name} with these arguments")
        return recorded

    def state(self, *, copy: bool = True) -> dict[str, dict[str, Any]]:
        return {}

    def fingerprint(self, name: str) -> bytes | None:
        return b""  # nothing ever changes


@functools.cache
def tool_methods(cls: type) -> tuple[str, ...]:
    """The public methods of `cls` (its own and inherited, not `object`'s), in definition order."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, value in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(value):
                names[name] = None
    return tuple(name for name in names if inspect.isfunction(inspect.getattr_static(cls, name)))


def tool_signatures(classes: Sequence[type]) -> dict[str, inspect.Signature]:
    """Tool name -> its signature without `self`, the first class first (as `ClassEnvironment` resolves names)."""
    signatures: dict[str, inspect.Signature] = {}
    for cls in classes:
        for name in tool_methods(cls):
            signatures.setdefault(name, _method_signature(cls, name))
    return signatures


@functools.cache
def _method_signature(cls: type, name: str) -> inspect.Signature:
    """The signature of method `name` of `cls` without `self`, computed once (`inspect.signature` on every call
    was ~30% of the time to check BFCL's multi-turn data)."""
    signature = inspect.signature(getattr(cls, name))
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def public_attributes(instance: Any) -> dict[str, Any]:
    """The instance attributes that do not start with `_`, as BFCL's state checker reads them."""
    return {key: value for key, value in vars(instance).items() if not key.startswith("_")}


def json_friendly(value: Any, _path: tuple[int, ...] = ()) -> Any:
    """`value` (a state snapshot) in plain JSON types, for reports and diffs: objects become their public
    attributes plus `__type__`, a reference back to an object being rendered (a directory's parent) becomes
    `"<Type (cycle)>"`. Lossy; comparisons use the snapshot itself."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if id(value) in _path:
        return f"<{type(value).__name__} (cycle)>"
    path = _path + (id(value),)
    if isinstance(value, Mapping):
        return {str(key): json_friendly(item, path) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [json_friendly(item, path) for item in items]
    if hasattr(value, "__dict__") and not inspect.isroutine(value) and not isinstance(value, type):
        rendered = {"__type__": type(value).__name__}
        rendered.update({key: json_friendly(item, path) for key, item in public_attributes(value).items()})
        return rendered
    return repr(value)


def _instantiate(cls: type, config: Any, long_context: bool) -> Any:
    load_scenario = inspect.getattr_static(cls, "_load_scenario", None)
    if load_scenario is not None:
        instance = cls()
        instance._load_scenario(config, long_context=long_context)
        return instance
    if not isinstance(config, Mapping):
        raise TypeError(f"initial state of {cls.__name__} must be an object, not {type(config).__name__}")
    return cls(**config)
