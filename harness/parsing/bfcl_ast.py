"""BFCL's own text-to-calls step for pythonic answers: `ast_parse` and `default_decode_ast_prompting`.

Reproduced from BFCL's model-handler utilities (read, not copied), with the values read by
`pythonic.argument_value` in bfcl mode; nothing is evaluated. Two releases differ in one step, and styles
that BFCL dropped before its newest release keep the older one (`legacy=True`):
- newest (bfcl-eval 2026.3.23): `text.strip().strip("'")`, so `[(f(a=1), g(b=2))]` is a list holding a tuple
  and fails;
- older (bfcl-eval 2025.6.8): `text.strip("[]'")`, so the brackets go and the same text reads as two calls.
"""
from __future__ import annotations

import ast

from harness.parsing.errors import ParseError
from harness.parsing.limits import ParseContext, check_call_count
from harness.parsing.literals import parse_expression
from harness.parsing.pythonic import read_call
from harness.suite.cases import ToolCall


def bfcl_ast_parse(text: str, context: ParseContext, *, legacy: bool = False) -> list[ToolCall]:
    """BFCL's `ast_parse(text, language=python)`: one call, or a list (tuple, set) of calls and nothing else."""
    cleaned = text.strip("[]'") if legacy else text.strip().strip("'")
    node = parse_expression(cleaned, context, strip=False)
    if node is None:
        raise ParseError(f"not a Python expression: {_excerpt(cleaned)}")
    bfcl = context.with_mode("bfcl")
    if isinstance(node, ast.Call):
        return [read_call(node, bfcl)]
    elements = getattr(node, "elts", None)
    if elements is None:
        raise ParseError(f"not a call or a list of calls: {_excerpt(cleaned)}")
    if not all(isinstance(element, ast.Call) for element in elements):
        raise ParseError("a list of calls holds something that is not a call")
    check_call_count(len(elements))
    return [read_call(element, bfcl) for element in elements]


def default_prompt_decode(text: str, context: ParseContext, *, legacy: bool = False) -> list[ToolCall]:
    """BFCL's `default_decode_ast_prompting`: trim backticks, newlines and spaces at both ends, make sure the
    text is bracketed, then `bfcl_ast_parse`. So a bare `f(a=1)` or `f(a=1), g(b=2)` reads, while prose,
    a ```python fence and a call followed by text do not."""
    text = text.strip("`\n ")
    return bfcl_ast_parse(bracketed(text), context, legacy=legacy)


def bracketed(text: str) -> str:
    """`text` with a `[` prepended and a `]` appended where it lacks them, as BFCL's handlers do."""
    if not text.startswith("["):
        text = "[" + text
    if not text.endswith("]"):
        text = text + "]"
    return text


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
