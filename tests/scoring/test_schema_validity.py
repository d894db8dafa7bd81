"""Schema validity: case- and call-level verdicts, error lines, BFCL-normalised schemas, validator cache."""
from __future__ import annotations

import copy
from types import MappingProxyType

import pytest

from harness.scoring.schema_validity import MAX_ERROR_CHARS, SchemaVerdict, check_schema, compiled_validator
from harness.suite.cases import Case, ExpectedCall, ToolCall
from harness.suite.tools import parse_tool

WEATHER = parse_tool({"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1},
        "place": {"type": "object", "properties": {"lat": {"type": "number"}}, "required": ["lat"]},
    }, "required": ["city"]}}})
# BFCL style: "dict", "float", "tuple", "any" are normalised; `x-bfcl-type` stays as an annotation.
AREA = parse_tool({"name": "area", "description": "Area of a shape.", "parameters": {
    "type": "dict", "properties": {
        "size": {"type": "tuple", "items": {"type": "float"}},
        "scale": {"type": "float"},
        "extra": {"type": "any"},
    }, "required": ["size"]}})


def make_case(*tools) -> Case:
    return Case(id="c1", category="simple", messages=({"role": "user", "content": "hi"},),
                tools=tools or (WEATHER, AREA),
                expected=(ExpectedCall("get_weather", {"city": ("Paris",)}),))


def call(name: str, **arguments) -> ToolCall:
    return ToolCall(name, arguments)


def test_valid_call_is_valid():
    verdict = check_schema(make_case(), [call("get_weather", city="Paris", unit="celsius", days=2)])
    assert verdict == SchemaVerdict(valid=True, calls_valid=1, calls_total=1, errors=())


def test_no_call_is_vacuously_valid_and_unparseable_is_not():
    assert check_schema(make_case(), []) == SchemaVerdict(True, 0, 0, ())
    unparseable = check_schema(make_case(), None)
    assert (unparseable.valid, unparseable.calls_valid, unparseable.calls_total) == (False, 0, 0)
    assert unparseable.errors == ("output could not be parsed",)


def test_enum_violation_names_tool_argument_and_allowed_values():
    verdict = check_schema(make_case(), [call("get_weather", city="Paris", unit="kelvin")])
    assert not verdict.valid
    assert verdict.errors == ("get_weather: 'unit': 'kelvin' is not one of ['celsius', 'fahrenheit']",)


def test_unknown_tool():
    verdict = check_schema(make_case(), [call("foo", x=1)])
    assert (verdict.valid, verdict.calls_valid, verdict.calls_total) == (False, 0, 1)
    assert verdict.errors == ("unknown tool 'foo'",)


def test_tool_must_be_offered_by_this_case():
    verdict = check_schema(make_case(AREA), [call("get_weather", city="Paris")])
    assert verdict.errors == ("unknown tool 'get_weather'",)


@pytest.mark.parametrize("arguments, fragment", [
    ({}, "'city' is a required property"),
    ({"city": 3}, "'city': 3 is not of type 'string'"),
    ({"city": "Oslo", "days": 0}, "'days': 0 is less than the minimum of 1"),
    ({"city": "Oslo", "days": True}, "'days': True is not of type 'integer'"),
    ({"city": "Oslo", "place": {"lat": "north"}}, "'place.lat': 'north' is not of type 'number'"),
    ({"city": "Oslo", "place": {}}, "'lat' is a required property"),
])
def test_invalid_arguments_give_one_readable_line(arguments, fragment):
    verdict = check_schema(make_case(), [ToolCall("get_weather", arguments)])
    assert not verdict.valid and len(verdict.errors) == 1
    assert verdict.errors[0].startswith("get_weather: ")
    assert fragment in verdict.errors[0]


def test_one_bad_call_makes_the_case_invalid_but_counts_per_call():
    calls = [call("get_weather", city="Paris"), call("get_weather", city="Rome", unit="kelvin"),
             call("area", size=[1.0, 2.0])]
    verdict = check_schema(make_case(), calls)
    assert (verdict.valid, verdict.calls_valid, verdict.calls_total) == (False, 2, 3)
    assert len(verdict.errors) == 1 and verdict.errors[0].startswith("get_weather: 'unit'")


def test_bfcl_types_after_normalisation():
    case = make_case()
    # int is acceptable where BFCL says float (JSON Schema "number"); "any" accepts anything.
    assert check_schema(case, [call("area", size=[1, 2.5], scale=2, extra={"a": [None]})]).valid
    # Pythonic parsers produce tuples for BFCL tuples: still an array.
    assert check_schema(case, [call("area", size=(1.0, 2.0))]).valid
    assert not check_schema(case, [call("area", size="1x2")]).valid
    assert not check_schema(case, [call("area", size=[1.0], scale="big")]).valid


def test_read_only_mapping_arguments_are_objects():
    assert check_schema(make_case(), [ToolCall("get_weather", MappingProxyType({"city": "Paris"}))]).valid


def test_error_lines_are_bounded():
    huge = "x" * 100_000
    verdict = check_schema(make_case(), [call("get_weather", city="Paris", unit=huge), call(huge)])
    assert len(verdict.errors) == 2
    assert all(len(error) <= MAX_ERROR_CHARS for error in verdict.errors)
    assert verdict.errors[1].startswith("unknown tool 'xxx") and verdict.errors[1].endswith("...")


def test_validators_are_compiled_once_per_distinct_schema():
    schema = dict(WEATHER.parameters)
    first = compiled_validator(schema)
    assert compiled_validator(schema) is first
    assert compiled_validator(copy.deepcopy(schema)) is first  # equal copy from another case line
    assert compiled_validator(AREA.parameters) is not first


def test_rates_case_level_and_per_call_through_the_metrics():
    from harness.scoring.builtin_metrics import SCHEMA_VALIDITY, SCHEMA_VALIDITY_PER_CALL
    from harness.scoring.metric import ScoredCase
    from harness.scoring.tool_call_accuracy import CaseVerdict

    verdicts = [SchemaVerdict(True, 1, 1), SchemaVerdict(False, 1, 2, ("e",)),
                SchemaVerdict(True, 0, 0), SchemaVerdict(False, 0, 0, ("e",))]
    scored = [ScoredCase(None, [], "strict", CaseVerdict(True, True, None, ""), verdict) for verdict in verdicts]
    assert SCHEMA_VALIDITY.aggregate([SCHEMA_VALIDITY.case_value(s) for s in scored]) == {"schema_validity": 0.5}
    per_call = [SCHEMA_VALIDITY_PER_CALL.case_value(s) for s in scored]
    assert SCHEMA_VALIDITY_PER_CALL.aggregate(per_call) == {"schema_validity_per_call": 2 / 3}
    assert SCHEMA_VALIDITY_PER_CALL.aggregate([[0, 0]]) == {"schema_validity_per_call": None}  # no call at all


def test_verdict_json_round_trip():
    verdict = check_schema(make_case(), [call("foo")])
    assert SchemaVerdict.from_json(verdict.to_json()) == verdict
