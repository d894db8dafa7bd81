"""Tool definitions: OpenAI and BFCL styles normalise to one JSON Schema dialect."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from harness.suite.tools import BFCL_TYPE_KEY, ToolDefinitionError, normalise_schema, parse_tool, plainly_valid


def test_openai_style_keeps_standard_schema_unchanged():
    tool = parse_tool({"type": "function", "function": {"name": "f", "description": "d", "parameters": {
        "type": "object", "properties": {"x": {"type": "integer", "minimum": 1}}, "required": ["x"]}}})
    assert tool.name == "f" and tool.description == "d"
    assert tool.parameters == {"type": "object", "properties": {"x": {"type": "integer", "minimum": 1}}, "required": ["x"]}
    assert tool.required == ("x",)


def test_bfcl_types_are_normalised_recursively_and_annotated():
    schema = normalise_schema({"type": "dict", "properties": {
        "ratio": {"type": "float"},
        "point": {"type": "tuple", "items": {"type": "float"}},
        "anything": {"type": "any"},
        "nested": {"type": "dict", "properties": {"k": {"type": "integer"}}},
    }})
    assert schema["type"] == "object" and schema[BFCL_TYPE_KEY] == "dict"
    assert schema["properties"]["ratio"] == {"type": "number", BFCL_TYPE_KEY: "float"}
    assert schema["properties"]["point"] == {"type": "array", BFCL_TYPE_KEY: "tuple",
                                             "items": {"type": "number", BFCL_TYPE_KEY: "float"}}
    assert schema["properties"]["anything"] == {BFCL_TYPE_KEY: "any"}
    assert schema["properties"]["nested"]["properties"]["k"] == {"type": "integer"}
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"ratio": 1, "point": [1.5, 2], "anything": [1], "nested": {"k": 3}})
    assert not validator.is_valid({"ratio": "1"})


def test_bare_definition_without_parameters_gets_empty_object_schema():
    tool = parse_tool({"name": "ping", "description": "no arguments"})
    assert tool.parameters == {"type": "object", "properties": {}}


@pytest.mark.parametrize("definition, field", [
    ({"description": "no name"}, "name"),
    ({"type": "function", "function": {"name": ""}}, "function.name"),
    ({"name": "f", "parameters": {"type": "object", "properties": {"x": {"type": "strng"}}}}, "parameters.properties.x.type"),
    ({"name": "f", "parameters": {"type": "object", "required": "x"}}, "parameters.required"),
    ({"name": "f", "parameters": {"type": "string"}}, "parameters.type"),
])
def test_bad_definitions_name_the_field(definition, field):
    with pytest.raises(ToolDefinitionError) as info:
        parse_tool(definition)
    assert info.value.field == field


# ---- the fast schema check never calls an invalid schema valid ----

_ANY = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False) | st.text(max_size=4)
_KEYWORDS = ["type", "properties", "required", "enum", "items", "additionalProperties", "anyOf", "description",
             "minimum", "multipleOf", "minItems", "uniqueItems", "default", "x-bfcl-type", "$ref", "prefixItems",
             "format", "not", "maxLength", "examples", "if"]
_VALUES = (_ANY | st.sampled_from(["string", "object", "number", "dict", "integer", "array"])
           | st.lists(st.sampled_from(["string", "null", "integer", "a"]), max_size=3)
           | st.lists(_ANY, max_size=3))
_SCHEMAS = st.recursive(
    st.dictionaries(st.sampled_from(_KEYWORDS), _VALUES, max_size=4) | st.booleans(),
    lambda children: st.dictionaries(st.sampled_from(_KEYWORDS), children | _VALUES
                                     | st.dictionaries(st.text(max_size=3), children, max_size=3)
                                     | st.lists(children, max_size=3), max_size=4),
    max_leaves=12)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SCHEMAS)
def test_plainly_valid_implies_valid_against_the_metaschema(schema):
    if plainly_valid(schema):
        assert Draft202012Validator(Draft202012Validator.META_SCHEMA).is_valid(schema)


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}}, "required": ["a"]},
    {"type": ["string", "null"], "x-bfcl-type": "any", "default": None},
    {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1.0},
])
def test_common_tool_schemas_take_the_fast_path(schema):
    assert plainly_valid(schema)


@pytest.mark.parametrize("schema", [
    {"type": "dict"}, {"required": ["a", "a"]}, {"minItems": -1}, {"multipleOf": 0}, {"$ref": "#/x"},
    {"properties": {"a": 3}}, {"anyOf": []}, {"type": []}, {"minimum": True},
])
def test_doubtful_schemas_go_to_the_metaschema(schema):
    assert not plainly_valid(schema)
