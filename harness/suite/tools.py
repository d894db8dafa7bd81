"""Tool definitions in, `Tool` out: accepts OpenAI and BFCL styles, normalises once to JSON Schema 2020-12.

Normalising at load time means every later stage (prompt rendering, jsonschema validation, scoring)
sees one dialect. BFCL-only types keep their original name in `x-bfcl-type` for the `bfcl` mode.
"""
from __future__ import annotations

from typing import Any, Mapping

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match

from harness.suite.cases import Tool

#: BFCL type name -> standard JSON Schema type (None: no type constraint).
BFCL_TYPES: dict[str, str | None] = {"dict": "object", "float": "number", "tuple": "array", "any": None}
JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
BFCL_TYPE_KEY = "x-bfcl-type"

# Built once: `Draft202012Validator.check_schema` compiles the metaschema validator on every call
# (about 3 ms), which dominated loading suites with thousands of tools.
_METASCHEMA_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA)

_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SUBSCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


class ToolDefinitionError(ValueError):
    """A tool definition that cannot be used; `field` is a dotted path inside the definition."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def parse_tool(definition: Any) -> Tool:
    """Build a `Tool` from an OpenAI-style (`{"type": "function", "function": {...}}`) or bare definition."""
    if not isinstance(definition, Mapping):
        raise ToolDefinitionError("", f"a tool must be an object, got {type(definition).__name__}")
    prefix = ""
    if definition.get("type") == "function" and isinstance(definition.get("function"), Mapping):
        definition, prefix = definition["function"], "function."
    name = definition.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ToolDefinitionError(prefix + "name", "a tool needs a non-empty string 'name'")
    description = definition.get("description", "")
    if not isinstance(description, str):
        raise ToolDefinitionError(prefix + "description", "'description' must be a string")
    parameters = definition.get("parameters", {"type": "object", "properties": {}})
    normalised = normalise_schema(parameters, prefix + "parameters")
    if normalised.get("type") not in ("object", None):
        raise ToolDefinitionError(prefix + "parameters.type", "a tool's parameters must be an object schema")
    normalised.setdefault("type", "object")
    normalised.setdefault("properties", {})
    try:
        _check_against_metaschema(normalised)
    except SchemaError as exc:
        where = ".".join(str(p) for p in exc.path)
        raise ToolDefinitionError(f"{prefix}parameters{'.' + where if where else ''}",
                                  f"invalid JSON Schema: {exc.message}") from None
    return Tool(name=name, description=description, parameters=normalised)


def normalise_schema(schema: Any, field: str = "parameters") -> dict:
    """Return a standard JSON Schema copy of `schema`, translating BFCL type names recursively."""
    if not isinstance(schema, Mapping):
        raise ToolDefinitionError(field, f"a schema must be an object, got {type(schema).__name__}")
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            out.update(_normalise_type(value, f"{field}.type"))
        elif key in _SUBSCHEMA_MAPS and isinstance(value, Mapping):
            out[key] = {name: normalise_schema(sub, f"{field}.{key}.{name}") for name, sub in value.items()}
        elif key in _SUBSCHEMA_ONE and isinstance(value, Mapping):
            out[key] = normalise_schema(value, f"{field}.{key}")
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [normalise_schema(sub, f"{field}.{key}.{i}") for i, sub in enumerate(value)]
        elif key == "items" and isinstance(value, list):  # draft-4 tuple form
            out["prefixItems"] = [normalise_schema(sub, f"{field}.items.{i}") for i, sub in enumerate(value)]
        else:
            out[key] = value
    return out


def _normalise_type(value: Any, field: str) -> dict[str, Any]:
    names = value if isinstance(value, list) else [value]
    json_types: list[str] = []
    bfcl_types: list[str] = []
    for name in names:
        if not isinstance(name, str):
            raise ToolDefinitionError(field, f"type must be a string or list of strings, got {name!r}")
        lowered = name.lower()
        if lowered in BFCL_TYPES:
            bfcl_types.append(lowered)
            mapped = BFCL_TYPES[lowered]
            if mapped is None:  # "any": no constraint at all
                return {BFCL_TYPE_KEY: lowered}
            json_types.append(mapped)
        elif lowered in JSON_TYPES:
            json_types.append(lowered)
        else:
            known = ", ".join(sorted(JSON_TYPES | set(BFCL_TYPES)))
            raise ToolDefinitionError(field, f"unknown type {name!r} (known: {known})")
    out: dict[str, Any] = {"type": json_types[0] if len(json_types) == 1 else json_types}
    if bfcl_types:
        out[BFCL_TYPE_KEY] = bfcl_types[0] if len(bfcl_types) == 1 else bfcl_types
    return out


def _check_against_metaschema(schema: Mapping[str, Any]) -> None:
    """Raise `SchemaError` (as `Draft202012Validator.check_schema` does) for an invalid schema.

    The metaschema walk costs about 3 ms a schema (its `$dynamicRef`s), most of a 1,240-case BFCL suite's load
    time, so schemas built only from the keywords tool definitions use are checked by `plainly_valid` first;
    anything else, and anything it doubts, goes to the metaschema, which also words the error.
    """
    if plainly_valid(schema):
        return
    error = best_match(_METASCHEMA_VALIDATOR.iter_errors(schema))
    if error is not None:
        raise SchemaError.create_from(error)


_SIMPLE_TYPES = JSON_TYPES
_STRING_KEYWORDS = frozenset({"description", "title", "format", "pattern", "$comment"})
_NUMBER_KEYWORDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_COUNT_KEYWORDS = frozenset({"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"})
_BOOLEAN_KEYWORDS = frozenset({"uniqueItems", "deprecated", "readOnly", "writeOnly"})
_ANY_VALUE_KEYWORDS = frozenset({"default", "const"})
_SCHEMA_LIST_KEYWORDS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
_SCHEMA_KEYWORDS = frozenset({"items", "additionalProperties", "not"})


def plainly_valid(schema: Any, depth: int = 0) -> bool:
    """True only when `schema` is certainly valid JSON Schema 2020-12: every keyword it uses is one of those
    checked here, with a value of the shape the metaschema demands. Unknown keywords (`x-bfcl-type`) are
    free, as in the metaschema; a vocabulary keyword not handled here makes it answer False (ask the
    metaschema), so it never calls an invalid schema valid."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, Mapping) or depth > 64:
        return False
    for key, value in schema.items():
        if not isinstance(key, str):
            return False
        if key == "type":
            if not _is_type_value(value):
                return False
        elif key == "properties":
            if not (isinstance(value, Mapping) and all(plainly_valid(sub, depth + 1) for sub in value.values())):
                return False
        elif key == "required":
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)
                    and len(set(value)) == len(value)):
                return False
        elif key in ("enum", "examples"):
            if not isinstance(value, list):
                return False
        elif key in _SCHEMA_KEYWORDS:
            if not plainly_valid(value, depth + 1):
                return False
        elif key in _SCHEMA_LIST_KEYWORDS:
            if not (isinstance(value, list) and value and all(plainly_valid(sub, depth + 1) for sub in value)):
                return False
        elif key in _STRING_KEYWORDS:
            if not isinstance(value, str):
                return False
        elif key in _NUMBER_KEYWORDS:
            if not _is_number(value):
                return False
        elif key == "multipleOf":
            if not (_is_number(value) and value > 0):
                return False
        elif key in _COUNT_KEYWORDS:
            if not (_is_number(value) and value >= 0 and float(value).is_integer()):
                return False
        elif key in _BOOLEAN_KEYWORDS:
            if not isinstance(value, bool):
                return False
        elif key in _ANY_VALUE_KEYWORDS:
            continue
        elif key.startswith("$") or key in _OTHER_VOCABULARY:
            return False  # references, anchors, conditionals...: the metaschema decides
    return True


#: Vocabulary keywords `plainly_valid` does not check: a schema using one goes to the metaschema.
_OTHER_VOCABULARY = frozenset({
    "definitions", "patternProperties", "dependentSchemas", "dependentRequired", "dependencies", "if", "then",
    "else", "contains", "minContains", "maxContains", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
    "contentEncoding", "contentMediaType", "contentSchema",
})


def _is_type_value(value: Any) -> bool:
    if isinstance(value, str):
        return value in _SIMPLE_TYPES
    return (isinstance(value, list) and bool(value) and all(isinstance(item, str) and item in _SIMPLE_TYPES
                                                            for item in value) and len(set(value)) == len(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
