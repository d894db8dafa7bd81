"""Constant arithmetic in call arguments (`amount=100 * 1.2`, `n=2**3`), computed by walking the tree.

BFCL evaluates such expressions with `eval`; we compute the same numbers from literal operands only, never
evaluating model text, with bounds on size so that `9 ** 9 ** 9` or `'a' * 10**9` cannot exhaust the machine.
"""
from __future__ import annotations

import ast
import operator
from typing import Any, Callable

from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH, MAX_INPUT_CHARS, MAX_INTEGER_BITS

Number = int | float

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}


def constant_arithmetic(node: ast.BinOp) -> Number | str:
    """The value of a binary expression over numeric (or string) literals, as Python computes it.

    Raises ParseError for anything else (names, calls, containers), for division by zero and for results
    past the bounds: integers of more than MAX_INTEGER_BITS bits, strings longer than MAX_INPUT_CHARS.
    """
    return _value(node, 1)


def _value(node: ast.AST, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ParseError(f"arithmetic nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.Constant) and _is_operand(node.value):
        return node.value
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        operand = _value(node.operand, depth + 1)
        return _checked(_apply(_UNARY[type(node.op)], operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left, depth + 1), _value(node.right, depth + 1)
        _pre_check(node.op, left, right)
        return _checked(_apply(_BINARY[type(node.op)], left, right))
    raise ParseError("arithmetic in a call argument may use number and string literals only")


def _is_operand(value: Any) -> bool:
    return isinstance(value, (bool, int, float, str))


def _pre_check(op: ast.operator, left: Any, right: Any) -> None:
    """Refuse, before computing, the operations whose result could be huge."""
    if isinstance(op, ast.Pow) and _is_int(left) and _is_int(right):
        if right > 0 and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > MAX_INTEGER_BITS:
            raise ParseError(f"power {left}**{right} is too large")
    if isinstance(op, ast.Pow) and isinstance(left, float) and _is_int(right) and abs(right) > 10_000:
        raise ParseError("exponent too large")
    if isinstance(op, ast.LShift) and _is_int(right) and right > MAX_INTEGER_BITS:
        raise ParseError("shift too large")
    if isinstance(op, ast.Mult) and (isinstance(left, str) or isinstance(right, str)):
        text, times = (left, right) if isinstance(left, str) else (right, left)
        if _is_int(times) and len(text) * max(times, 0) > MAX_INPUT_CHARS:
            raise ParseError("repeated string too long")


def _apply(function: Callable[..., Any], *operands: Any) -> Any:
    try:
        return function(*operands)
    except (ArithmeticError, TypeError, ValueError) as exc:  # 1/0, 'a' - 1, 2.0 ** 10000, 1 << -1
        raise ParseError(f"cannot compute an argument: {type(exc).__name__}") from None


def _checked(value: Any) -> Any:
    if _is_int(value) and value.bit_length() > MAX_INTEGER_BITS:
        raise ParseError("integer result too large")
    if isinstance(value, str) and len(value) > MAX_INPUT_CHARS:
        raise ParseError("string result too long")
    if not _is_operand(value):  # e.g. a complex number from a negative float's fractional power
        raise ParseError(f"arithmetic result of type {type(value).__name__}")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
