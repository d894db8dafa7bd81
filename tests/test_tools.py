"""Tool definitions: OpenAI and BFCL styles normalise to one JSON Schema dialect."""
import pytest
from jsonschema import Draft202012Validator

from harness.tools import BFCL_TYPE_KEY, ToolDefinitionError, normalise_schema, parse_tool


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
