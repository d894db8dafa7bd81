"""Pythonic calls, BFCL / Llama 3.2 style: `[f(a=1), pkg.g(b='x')]` or a single `f(a=1)`.

The text is parsed with `ast` and walked by hand, never evaluated. In `bfcl` mode the walk follows BFCL's AST
decoder (`resolve_ast_by_type`): bare names are strings, positional arguments are dropped, tuples stay tuples,
`...` is the string "...", a nested call is a call dict or its source text. In `strict` mode a value is read
only where BFCL would read the same value, and anything else is a ParseError, so strict is never more lenient.
docs/metrics.md lists every rule.
"""
from __future__ import annotations

import ast
import re
from typing import Any

from harness.parsing.arithmetic import constant_arithmetic
from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH, ParseContext, check_call_count
from harness.parsing.literals import describe
from harness.suite.cases import ToolCall

#: Text that opens like a call, `f(` or `[pkg.f(`: worth reading with `ast`.
_CALL_OPENING = re.compile(r"\[?\s*[A-Za-z_][\w.]*\(")
#: Text that opens like a keyword call, `f()` or `f(name=`: a call attempt even if it is broken.
#: Prose rarely does ("Note(s): ..." does not). Both are anchored, without nested repeats: linear.
_KEYWORD_CALL_OPENING = re.compile(r"\[?\s*[A-Za-z_][\w.]*\s*\(\s*(?:\)|[A-Za-z_]\w*\s*=)")
#: The argument name BFCL's decoder gives `**mapping` (it keys the value by `None`); no schema has it, so a
#: call using it fails as an unexpected argument, as in BFCL.
UNPACKED_ARGUMENT = "**"


def opens_like_call(text: str) -> bool:
    """Whether `text` (stripped) opens like `f(` or `[f(`, so it may be pythonic calls."""
    return _CALL_OPENING.match(text) is not None


def looks_like_pythonic_call(text: str) -> bool:
    """Whether `text` (stripped) opens with what can only be a keyword call."""
    return _KEYWORD_CALL_OPENING.match(text) is not None


def calls_from_expression(node: ast.expr, context: ParseContext) -> list[ToolCall] | None:
    """The calls in a parsed expression, or None when it holds no call at all.

    A call, or a list/tuple of calls. Raises ParseError for a call we cannot accept and for a list mixing
    calls with other values.
    """
    if isinstance(node, ast.Call):
        return [read_call(node, context)]
    if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
        return None
    is_call = [isinstance(item, ast.Call) for item in node.elts]
    if not any(is_call):
        return None
    if not all(is_call):
        raise ParseError("list mixes calls with other values")
    check_call_count(len(node.elts))
    return [read_call(item, context) for item in node.elts]


def calls_from_lines(nodes: list[ast.expr], context: ParseContext) -> list[ToolCall] | None:
    """Calls written one per line (Gemma's `tool_code`, some fine-tunes); None unless all are calls."""
    if not nodes or not all(isinstance(node, ast.Call) for node in nodes):
        return None
    check_call_count(len(nodes))
    return [read_call(node, context) for node in nodes]


def read_call(node: ast.Call, context: ParseContext) -> ToolCall:
    """One call node as a ToolCall: its (dotted) name and keyword arguments."""
    return ToolCall(name=_call_name(node.func, context), arguments=_keyword_arguments(node, context, depth=2))


def _keyword_arguments(node: ast.Call, context: ParseContext, depth: int) -> dict[str, Any]:
    name = describe(node.func)
    if node.args and not context.bfcl:  # BFCL reads keywords only and drops positional arguments
        raise ParseError(f"call to {name} has positional arguments; only keyword arguments are accepted")
    arguments: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None and not context.bfcl:
            raise ParseError(f"call to {name} unpacks `**` arguments; only literal keyword arguments are accepted")
        key = keyword.arg if keyword.arg is not None else UNPACKED_ARGUMENT
        if key in arguments and not context.bfcl:  # BFCL keeps the last value given
            raise ParseError(f"call to {name} repeats argument {key!r}")
        arguments[key] = argument_value(keyword.value, context, depth)
    return arguments


def argument_value(node: ast.AST, context: ParseContext, depth: int = 1) -> Any:
    """The value of one argument expression under the context's rules (see the module docstring)."""
    if depth > MAX_DEPTH:
        raise ParseError(f"value nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.Constant):
        return _constant(node.value, context)
    if isinstance(node, ast.UnaryOp):
        return _unary(node, context)
    if isinstance(node, ast.BinOp):
        return constant_arithmetic(node)
    if isinstance(node, ast.List):
        return [argument_value(item, context, depth + 1) for item in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(argument_value(item, context, depth + 1) for item in node.elts)
    if isinstance(node, ast.Dict):
        return _dict(node, context, depth)
    if context.bfcl:
        return _bfcl_only_value(node, context, depth)
    raise ParseError(f"non-literal value in call: {describe(node)}")


def _constant(value: Any, context: ParseContext) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if value is Ellipsis and context.bfcl:
        return "..."
    raise ParseError(f"unsupported literal type {type(value).__name__}")


def _unary(node: ast.UnaryOp, context: ParseContext) -> Any:
    """`-3`. BFCL negates the operand of *any* unary operator (`+2` reads as -2, `not True` as -1) and
    cannot read one whose operand is not a literal; strict reads unary minus on a number only."""
    operand = node.operand
    if not isinstance(operand, ast.Constant):
        raise ParseError(f"non-literal value in call: {describe(node)}")
    value = operand.value
    if context.bfcl:
        if isinstance(value, (bool, int, float)):
            return -value
        raise ParseError(f"cannot negate {type(value).__name__} literal {describe(node)}")
    if isinstance(node.op, ast.USub) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    raise ParseError(f"non-literal value in call: {describe(node)}")


def _dict(node: ast.Dict, context: ParseContext, depth: int) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in zip(node.keys, node.values):
        if key_node is None:  # `**mapping` inside a dict display needs evaluation
            raise ParseError("dictionary unpacking needs evaluation")
        key = argument_value(key_node, context, depth + 1) if context.bfcl else _string_key(key_node)
        if not isinstance(key, (str, int, float, bool, type(None))):
            raise ParseError(f"unsupported dictionary key {describe(key_node)}")
        result[key] = argument_value(value_node, context, depth + 1)
    return result


def _string_key(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise ParseError("dictionary keys must be string literals")


def _bfcl_only_value(node: ast.AST, context: ParseContext, depth: int) -> Any:
    """What BFCL's decoder makes of expressions that are not literals."""
    if isinstance(node, ast.Name):
        return node.id  # `unit=celsius` and `flag=true` are the strings "celsius" and "true"
    if isinstance(node, ast.Call):
        if not node.keywords:
            return _source(node)  # `f(1)` as an argument is its source text
        return {_call_name(node.func, context): _keyword_arguments(node, context, depth + 1)}
    if isinstance(node, ast.Subscript):
        return f"{_source(node.value)}[{_source(node.slice)}]"
    raise ParseError(f"non-literal value in call: {describe(node)}")


def _call_name(node: ast.expr, context: ParseContext) -> str:
    """`f` or `pkg.mod.f`. BFCL keeps only the attribute parts when the base is not a name (`f().g` -> "g");
    strict refuses anything but a plain or dotted name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif not context.bfcl:
        raise ParseError("called object is not a plain or dotted name")
    return ".".join(reversed(parts))


def _source(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # unparse can fail on odd trees; such a value cannot match an answer anyway
        raise ParseError("cannot read an argument expression") from None
