"""Schema validity: does every produced call name an offered tool with arguments its JSON Schema accepts?

A stage of its own, before right tools / right arguments: a call can be schema-valid and still wrong.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import best_match

from harness.suite.cases import Case, ToolCall

#: Longest error line kept per invalid call; model output is unbounded and so are its reprs.
MAX_ERROR_CHARS = 200
#: Distinct tool schemas kept compiled; a suite has far fewer, a BFCL run a few thousand.
MAX_CACHED_VALIDATORS = 4096

# Parsers of pythonic calls (`f(a=(1, 2))`) yield tuples where JSON would have lists; both are arrays.
_TYPE_CHECKER = Draft202012Validator.TYPE_CHECKER.redefine(
    "array", lambda _checker, instance: isinstance(instance, (list, tuple)))
ArgumentValidator = validators.extend(Draft202012Validator, type_checker=_TYPE_CHECKER)


@dataclass(frozen=True)
class SchemaVerdict:
    """Case-level verdict plus the per-call counts behind the per-call rate.

    `valid`: the output parsed and every call names an offered tool whose schema accepts its
    arguments; no call at all is (vacuously) valid, an unparseable output is not.
    """

    valid: bool
    calls_valid: int
    calls_total: int
    errors: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"valid": self.valid, "calls_valid": self.calls_valid,
                "calls_total": self.calls_total, "errors": list(self.errors)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "SchemaVerdict":
        return cls(bool(data["valid"]), int(data["calls_valid"]), int(data["calls_total"]),
                   tuple(data.get("errors", ())))


UNPARSEABLE = SchemaVerdict(valid=False, calls_valid=0, calls_total=0, errors=("output could not be parsed",))


def check_schema(case: Case, calls: list[ToolCall] | None) -> SchemaVerdict:
    """Validate each parsed call against the schema of the tool it names, among `case.tools`."""
    if calls is None:
        return UNPARSEABLE
    errors: list[str] = []
    for call in calls:
        error = call_schema_error(case, call)
        if error is not None:
            errors.append(error)
    return SchemaVerdict(valid=not errors, calls_valid=len(calls) - len(errors),
                         calls_total=len(calls), errors=tuple(errors))


def call_schema_error(case: Case, call: ToolCall) -> str | None:
    """One short line saying why `call` is invalid for `case`, or None when it is valid."""
    tool = case.tool(call.name)
    if tool is None:
        return _bounded(f"unknown tool {call.name!r}")
    validator = compiled_validator(tool.parameters)
    # jsonschema's "object" is a dict; a read-only Mapping from a parser is the same arguments.
    arguments = dict(call.arguments) if isinstance(call.arguments, Mapping) else call.arguments
    if validator.is_valid(arguments):  # the cheap path: no error objects built for valid calls
        return None
    error = best_match(validator.iter_errors(arguments))
    where = ".".join(str(part) for part in error.absolute_path)
    return _bounded(f"{call.name}: {where!r}: {error.message}" if where else f"{call.name}: {error.message}")


# Two-level cache. By identity first: the same Tool object is checked once per case per candidate,
# and the cached entry holds the schema itself so its id cannot be reused while cached. By
# canonical JSON second: suites loaded line by line hold many equal copies of one tool schema.
_by_identity: dict[int, tuple[Mapping[str, Any], Any]] = {}
_by_content: dict[str, Any] = {}


def compiled_validator(schema: Mapping[str, Any]) -> Any:
    """A compiled validator for `schema`, built once per distinct schema."""
    hit = _by_identity.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    key = json.dumps(schema, sort_keys=True, default=repr)
    validator = _by_content.get(key)
    if validator is None:
        if len(_by_content) >= MAX_CACHED_VALIDATORS:
            _by_content.clear()
        validator = _by_content[key] = ArgumentValidator(schema)
    if len(_by_identity) >= MAX_CACHED_VALIDATORS:
        _by_identity.clear()
    _by_identity[id(schema)] = (schema, validator)
    return validator


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."
