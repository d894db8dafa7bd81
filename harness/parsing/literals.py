"""Safe reading of Python expression text: `ast.parse` plus a walk that accepts literal nodes only.

Model output is data: nothing here evaluates, imports or executes it (no eval, exec or compile).
"""
from __future__ import annotations

import ast
import warnings
from typing import Any

from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH, ParseContext

#: JSON spellings models mix into Python reprs; reading them costs nothing and loses no meaning.
_JSON_NAMES = {"true": True, "false": False, "null": None}


def parse_expression(text: str, context: ParseContext, *, strip: bool = True) -> ast.expr | None:
    """The expression tree of `text`, or None when it is not one Python expression.

    `strip=False` parses the text as it is, as BFCL does: leading spaces are then an indentation error.
    """
    tree = _parse(text, "eval", context, strip)
    return tree.body if isinstance(tree, ast.Expression) else None


def parse_expression_lines(text: str, context: ParseContext) -> list[ast.expr] | None:
    """The expressions of `text` written one per line (or `;`-separated), or None when it is
    not only that (an assignment, an import, a syntax error, ...)."""
    tree = _parse(text, "exec", context, True)
    if not isinstance(tree, ast.Module) or not all(isinstance(stmt, ast.Expr) for stmt in tree.body):
        return None
    return [stmt.value for stmt in tree.body]


def _parse(text: str, mode: str, context: ParseContext, strip: bool) -> ast.AST | None:
    """`ast.parse`, None on a syntax error.

    Hostile input can make the parser give up with RecursionError or MemoryError (deep unary
    chains, long attribute chains); that is a bound exceeded, so it becomes ParseError.
    """
    context.spend(len(text))
    try:
        # Odd model text makes the compiler warn (`1f`: invalid decimal literal); that is
        # noise for us, and under `-W error` it would surface as an exception of its own.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text.strip() if strip else text, mode=mode)
    except (SyntaxError, ValueError, OverflowError):
        return None
    except (RecursionError, MemoryError) as exc:
        raise ParseError(f"expression too complex to parse ({type(exc).__name__})") from None


def literal_value(node: ast.AST, depth: int = 1) -> Any:
    """The JSON-like value of a literal node; tuples and sets become lists.

    Raises ParseError for anything that would need evaluation (names, calls, operators, ...).
    """
    if depth > MAX_DEPTH:
        raise ParseError(f"value nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _signed_number(node)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [literal_value(item, depth + 1) for item in node.elts]
    if isinstance(node, ast.Dict):
        return _dict_value(node, depth)
    if isinstance(node, ast.Name) and node.id in _JSON_NAMES:
        return _JSON_NAMES[node.id]
    raise ParseError(f"non-literal value in call: {describe(node)}")


def _constant(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise ParseError(f"unsupported literal type {type(value).__name__}")


def _signed_number(node: ast.UnaryOp) -> int | float:
    operand = node.operand
    if (isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float))
            and not isinstance(operand.value, bool)):
        return -operand.value if isinstance(node.op, ast.USub) else operand.value
    raise ParseError(f"non-literal value in call: {describe(node)}")


def _dict_value(node: ast.Dict, depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in zip(node.keys, node.values):
        # A None key is `**mapping` unpacking, which needs evaluation.
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            raise ParseError("dictionary keys must be string literals")
        result[key.value] = literal_value(value, depth + 1)
    return result


def describe(node: ast.AST) -> str:
    """A short, safe description for error messages (never the whole hostile text)."""
    try:
        text = ast.unparse(node)
    except Exception:  # unparse can fail on odd trees; the type name is enough then
        return type(node).__name__
    return text if len(text) <= 60 else text[:57] + "..."
