"""Pythonic calls, BFCL / Llama 3.2 style: `[f(a=1), pkg.g(b='x')]` or a single `f(a=1)`.

The text is parsed with `ast` and walked by hand: keyword arguments with literal values only.
"""
from __future__ import annotations

import ast
import re

from harness.cases import ToolCall
from harness.parsing.errors import ParseError
from harness.parsing.limits import check_call_count
from harness.parsing.literals import literal_value

#: Text that opens like a call, `f(` or `[pkg.f(`: worth reading with `ast`.
_CALL_OPENING = re.compile(r"\[?\s*[A-Za-z_][\w.]*\(")
#: Text that opens like a keyword call, `f()` or `f(name=`: a call attempt even if it is broken.
#: Prose rarely does ("Note(s): ..." does not). Both are anchored, without nested repeats: linear.
_KEYWORD_CALL_OPENING = re.compile(r"\[?\s*[A-Za-z_][\w.]*\s*\(\s*(?:\)|[A-Za-z_]\w*\s*=)")


def opens_like_call(text: str) -> bool:
    """Whether `text` (stripped) opens like `f(` or `[f(`, so it may be pythonic calls."""
    return _CALL_OPENING.match(text) is not None


def looks_like_pythonic_call(text: str) -> bool:
    """Whether `text` (stripped) opens with what can only be a keyword call."""
    return _KEYWORD_CALL_OPENING.match(text) is not None


def calls_from_expression(node: ast.expr) -> list[ToolCall] | None:
    """The calls in a parsed expression, or None when it holds no call at all.

    A call, or a list/tuple of calls. Raises ParseError for a call we cannot accept
    (positional or non-literal arguments) and for a list mixing calls with other values.
    """
    if isinstance(node, ast.Call):
        return [_call(node)]
    if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
        return None
    is_call = [isinstance(item, ast.Call) for item in node.elts]
    if not any(is_call):
        return None
    if not all(is_call):
        raise ParseError("list mixes calls with other values")
    check_call_count(len(node.elts))
    return [_call(item) for item in node.elts]


def calls_from_lines(nodes: list[ast.expr]) -> list[ToolCall] | None:
    """Calls written one per line (Gemma's `tool_code`, some fine-tunes); None unless all are calls."""
    if not nodes or not all(isinstance(node, ast.Call) for node in nodes):
        return None
    check_call_count(len(nodes))
    return [_call(node) for node in nodes]


def _call(node: ast.Call) -> ToolCall:
    name = _dotted_name(node.func)
    if node.args:
        raise ParseError(f"call to {name} has positional arguments; only keyword arguments are accepted")
    arguments = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise ParseError(f"call to {name} unpacks `**` arguments; only literal keyword arguments are accepted")
        if keyword.arg in arguments:
            raise ParseError(f"call to {name} repeats argument {keyword.arg!r}")
        arguments[keyword.arg] = literal_value(keyword.value, depth=2)
    return ToolCall(name=name, arguments=arguments)


def _dotted_name(node: ast.expr) -> str:
    """`f` or `pkg.mod.f`; anything else (calls, subscripts, lambdas) is not a tool name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise ParseError("called object is not a plain or dotted name")
    parts.append(node.id)
    return ".".join(reversed(parts))
