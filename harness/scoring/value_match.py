"""One argument against its acceptable values: BFCL's Python type check, then its value check.

Our own code for the rules of BFCL's ast_checker (language=python), quirks included; `strict` differs only
in telling bools from numbers when values are compared.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal, Sequence

from harness.suite.cases import Tool
from harness.suite.tools import BFCL_TYPE_KEY

#: BFCL type name -> the Python type a value must have. "any" maps to str: a BFCL quirk we keep, because
#: BFCL's "variable" rule (below) then lets any value of the answer's own type through.
PYTHON_TYPE_BY_BFCL_TYPE: dict[str, type] = {
    "string": str, "integer": int, "float": float, "boolean": bool,
    "array": list, "tuple": list, "dict": dict, "any": str,
}
#: Standard JSON Schema type -> BFCL type name, for schemas that carry no `x-bfcl-type` annotation.
BFCL_TYPE_BY_JSON_TYPE: dict[str, str] = {
    "object": "dict", "number": "float", "integer": "integer", "string": "string",
    "boolean": "boolean", "array": "array",
}
_LIST_TYPES = ("array", "tuple")
# BFCL ignores spaces and , . / - _ * ^ and case when comparing strings ("April 1, 2024" == "april 1 2024").
_IGNORED_IN_STRINGS = re.compile(r"[ ,./\-_*^]")
_REPR_LIMIT = 80
_MEMO_STRING_LIMIT = 256


@dataclass(frozen=True)
class ArgumentIssue:
    """Why an argument's value is not acceptable: a wrong Python type, or a value outside the list."""

    kind: Literal["type", "value"]
    detail: str


@dataclass(frozen=True)
class ArgumentRule:
    """The type a schema asks for, in BFCL's terms; `python_type` None means the schema names no usable type."""

    bfcl_type: str | None
    python_type: type | None
    item_type: type | None  # one level of nesting, as in BFCL: the element type of array/tuple arguments


def standardize_string(text: str) -> str:
    """BFCL's string normalisation: drop spaces and `,./-_*^`, lower-case, and turn `'` into `"`."""
    # The same answer strings come back for every output scored; only short ones are memoised, so a
    # model's huge outputs cannot fill memory.
    return _standardize_short(text) if len(text) <= _MEMO_STRING_LIMIT else _standardize(text)


def _standardize(text: str) -> str:
    return _IGNORED_IN_STRINGS.sub("", text).lower().replace("'", '"')


_standardize_short = functools.lru_cache(maxsize=16384)(_standardize)


def bfcl_type_name(schema: Any) -> str | None:
    """BFCL's name for the type `schema` declares: the `x-bfcl-type` annotation, else the mapped JSON type."""
    if not isinstance(schema, Mapping):
        return None
    annotated = schema.get(BFCL_TYPE_KEY)
    if isinstance(annotated, str) and annotated in PYTHON_TYPE_BY_BFCL_TYPE:
        return annotated
    declared = schema.get("type")
    return BFCL_TYPE_BY_JSON_TYPE.get(declared) if isinstance(declared, str) else None


UNTYPED = ArgumentRule(None, None, None)


@functools.lru_cache(maxsize=4096)
def argument_rules(tool: Tool) -> Mapping[str, ArgumentRule]:
    """The rule of every parameter of `tool`, worked out once per tool (a case is scored many times)."""
    return {name: argument_rule(schema) for name, schema in tool.properties.items()}


def argument_rule(schema: Any) -> ArgumentRule:
    bfcl_type = bfcl_type_name(schema)
    python_type = PYTHON_TYPE_BY_BFCL_TYPE.get(bfcl_type) if bfcl_type else None
    item_type = None
    if bfcl_type in _LIST_TYPES:
        item_name = bfcl_type_name(schema.get("items"))
        item_type = PYTHON_TYPE_BY_BFCL_TYPE.get(item_name) if item_name else None
    return ArgumentRule(bfcl_type, python_type, item_type)


def check_argument(name: str, value: Any, rule: ArgumentRule, acceptable: Sequence[Any],
                   strict: bool) -> ArgumentIssue | None:
    """None when `value` is acceptable for argument `name`; otherwise the first problem found.

    `rule` comes from the argument's schema (`argument_rule`, or `UNTYPED` when there is none), `acceptable`
    is the expected call's value list.
    """
    answer_type = first_answer_type(acceptable)
    expected_type = rule.python_type
    float_wanted = rule.bfcl_type == "float" or (expected_type is None and answer_type is float)
    if rule.bfcl_type == "tuple" and type(value) is tuple:
        value = list(value)  # answers went through JSON, where tuples become lists
    if float_wanted and type(value) is int:
        value = float(value)  # Python's int -> float promotion; exact type() keeps bool out
    if expected_type is None:
        # No usable type in the schema (user suites): judge by the answer's own type, as BFCL would a "variable".
        expected_type = answer_type
        if expected_type is None:
            return _raw_membership(name, value, acceptable, strict)

    # BFCL's "variable" rule: an answer whose type differs from the schema's names a variable, so a value
    # of the answer's type is accepted as such and compared as-is, without type-specific normalisation.
    is_variable = answer_type is not None and answer_type is not expected_type
    if type(value) is expected_type:
        if rule.item_type is not None and not _items_typed(value, acceptable, rule.item_type):
            return ArgumentIssue("type", f"argument {name!r}: expected {rule.bfcl_type} of "
                                         f"{rule.item_type.__name__}, got {_short(value)}")
    elif answer_type is not None and type(value) is answer_type:
        is_variable = True
    else:
        wanted = rule.bfcl_type or expected_type.__name__
        return ArgumentIssue("type", f"argument {name!r}: expected {wanted}, "
                                     f"got {type(value).__name__} {_short(value)}")

    if is_variable:
        return _raw_membership(name, value, acceptable, strict)
    equal = _strict_equal if strict else _python_equal
    if expected_type is dict:
        matched = _dict_matches(value, acceptable, equal)
    elif expected_type is list and rule.item_type is dict:
        matched = _list_of_dicts_matches(value, acceptable, equal)
    elif expected_type is str:
        matched = standardize_string(value) in [standardize_string(a) for a in acceptable if type(a) is str]
    elif expected_type is list:
        matched = _list_matches(value, acceptable, equal)
    else:
        return _raw_membership(name, value, acceptable, strict)
    return None if matched else _value_issue(name, value, acceptable)


def first_answer_type(acceptable: Sequence[Any]) -> type | None:
    """Type of the first acceptable value that is not the omission marker `""` (None if there is none)."""
    for answer in acceptable:
        if not _is_omission_marker(answer):
            return type(answer)
    return None


def _items_typed(value: list, acceptable: Sequence[Any], item_type: type) -> bool:
    """BFCL's one-level element check: every element fits the item type (or the answer's element type).

    It passes as soon as one acceptable value allows it, and any acceptable value that is not a list (the
    `""` marker, typically) allows it without looking: a BFCL quirk kept for identical verdicts.
    """
    for answer in acceptable:
        if not isinstance(answer, (list, tuple)):
            return True
        element_answer_type = first_answer_type(answer)
        if all(type(item) is item_type or (element_answer_type is not None and type(item) is element_answer_type)
               for item in value):
            return True
    return False


def _list_matches(value: list, acceptable: Sequence[Any], equal: Callable[[Any, Any], bool]) -> bool:
    normalised = [_normalise(item) for item in value]
    for answer in acceptable:
        if isinstance(answer, str):
            # BFCL walks a string answer character by character, so "" (the omission marker) means the
            # empty list is acceptable for an omittable list argument.
            candidate: list = [standardize_string(char) for char in answer]
        elif isinstance(answer, (list, tuple)):
            candidate = [_normalise(item) for item in answer]
        else:
            continue  # BFCL would raise on it; a non-list answer cannot equal a list
        if equal(normalised, candidate):
            return True
    return False


def _dict_matches(value: Mapping, acceptable: Sequence[Any], equal: Callable[[Any, Any], bool]) -> bool:
    """BFCL's dict check: each key given must be in the answer with an acceptable value (strings
    normalised, nested values compared as-is), and each answer key not omittable must be given."""
    for answer in acceptable:
        if not isinstance(answer, Mapping):
            continue  # the "" marker, or an answer BFCL could not compare to a dict
        if _dict_answer_matches(value, answer, equal):
            return True
    return False


def _dict_answer_matches(value: Mapping, answer: Mapping, equal: Callable[[Any, Any], bool]) -> bool:
    for key, item in value.items():
        if key not in answer:
            return False
        options = [_normalise(option) for option in _as_options(answer[key])]
        if not any(equal(_normalise(item), option) for option in options):
            return False
    return all(key in value or _allows_omission(answer_options) for key, answer_options in answer.items())


def _list_of_dicts_matches(value: list, acceptable: Sequence[Any],
                           equal: Callable[[Any, Any], bool]) -> bool:
    """BFCL's list-of-dicts check: same length as an answer, and each dict matches the answer's dict at
    the same position (order matters). The `""` marker counts as an empty list, as in BFCL."""
    for answer in acceptable:
        if _is_omission_marker(answer):
            answer = []
        if not isinstance(answer, (list, tuple)) or len(answer) != len(value):
            continue
        if all(isinstance(item, Mapping) and _dict_matches(item, [expected], equal)
               for item, expected in zip(value, answer)):
            return True
    return False


def _raw_membership(name: str, value: Any, acceptable: Sequence[Any], strict: bool) -> ArgumentIssue | None:
    if strict:
        found = any(_strict_equal(value, answer) for answer in acceptable)
    else:
        found = value in acceptable  # Python's own `in`: 1 == 1.0 == True, as BFCL compares
    return None if found else _value_issue(name, value, acceptable)


def _python_equal(left: Any, right: Any) -> bool:
    return left == right


def _strict_equal(left: Any, right: Any) -> bool:
    """Equality that tells bools from numbers (Python's bool is an int subclass, so True == 1) at any depth.

    Lists and tuples compare alike: a parser may hand back tuples from pythonic output.
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(_strict_equal(a, b) for a, b in zip(left, right))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(_strict_equal(left[key], right[key]) for key in left)
    return left == right


def _normalise(item: Any) -> Any:
    return standardize_string(item) if type(item) is str else item


def _as_options(options: Any) -> Sequence[Any]:
    if isinstance(options, (list, tuple)):
        return options
    if isinstance(options, str):
        return list(options)  # BFCL indexes a string answer character by character; kept for parity
    return [options]


def _allows_omission(options: Any) -> bool:
    # BFCL asks `"" in options`; on a string that is a substring test, which is always true.
    return isinstance(options, str) or any(_is_omission_marker(option) for option in _as_options(options))


def _is_omission_marker(answer: Any) -> bool:
    return isinstance(answer, str) and answer == ""


def _value_issue(name: str, value: Any, acceptable: Sequence[Any]) -> ArgumentIssue:
    shown = [answer for answer in acceptable if not _is_omission_marker(answer)]
    return ArgumentIssue("value", f"argument {name!r}: {_short(value)} not in {_short(shown)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 3] + "..."
