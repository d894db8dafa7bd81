"""Decoders reproducing BFCL's model handlers, one per handler family (`decoder: bfcl_<style>`).

BFCL's published prompt-mode scores depend on how each handler's `decode_ast` turns raw text into calls, so a
re-score reproduces them only with the same rules. Each decoder below follows one handler of the newest BFCL
release that has it (bfcl-eval 2026.3.23; styles dropped before it follow bfcl-eval 2025.6.8), read from its
source and written anew: JSON with `json`, Python with `ast` and never `eval`.

How BFCL's outcomes map to ours: a decoding exception, and a decoded value that is not a list of
`{name: {arguments}}`, are a ParseError (an AST entry fails; in bfcl mode an irrelevance entry passes, as in
BFCL). Where the handler's output means "no call" (Granite's `no_function`, Raven's `out_of_domain`, text from
a function-calling API), the decoder returns [], which BFCL scores the same way.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from harness.parsing.bfcl_ast import bfcl_ast_parse, bracketed, default_prompt_decode
from harness.parsing.decoders import decoder
from harness.parsing.errors import ParseError
from harness.parsing.limits import MAX_DEPTH, ParseContext, check_call_count, check_length
from harness.parsing.literals import parse_expression
from harness.parsing.pythonic import argument_value
from harness.parsing.shapes import json_text, plain_json
from harness.suite.cases import ToolCall


def _text(output: Any) -> str:
    """Prompt-mode handlers take the raw text; anything else fails their string operations."""
    if not isinstance(output, str):
        raise ParseError(f"this decoder reads text, got {type(output).__name__}")
    check_length(output)
    return output


def _call(name: Any, arguments: Any) -> ToolCall:
    """BFCL's decoded `{name: arguments}` as a ToolCall; anything else is "not in function-calling format"."""
    if not isinstance(name, str):
        raise ParseError(f"decoded function name is a {type(name).__name__}, not a string")
    if not isinstance(arguments, Mapping):
        raise ParseError(f"decoded arguments of {name!r} are a {type(arguments).__name__}, not an object")
    return ToolCall(name=name, arguments=plain_json(arguments))


def _calls(pairs: list[tuple[Any, Any]]) -> list[ToolCall]:
    check_call_count(len(pairs))
    return [_call(name, arguments) for name, arguments in pairs]


# ---- prompt mode: pythonic text ----

@decoder("BFCL's default prompt decoding: the whole answer is `[f(a=1), ...]` "
                                 "(backticks trimmed, brackets added; prose or a ```python fence fails)")
def bfcl_prompt(output: Any, context: ParseContext) -> list[ToolCall]:
    return default_prompt_decode(_text(output), context)


@decoder("BFCL's Gemma handler (open-weights prompt models): default prompt decoding")
def bfcl_gemma(output: Any, context: ParseContext) -> list[ToolCall]:
    return default_prompt_decode(_text(output), context)


@decoder("BFCL's Gemini prompt handler: ```tool_code fences removed, then default "
                                 "prompt decoding")
def bfcl_gemini(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output).replace("```tool_code\n", "").replace("\n```", "")
    return default_prompt_decode(text, context)


@decoder("BFCL's Mistral prompt handler (2025.6.8): escaped `\\_` unescaped, brackets "
                                  "added, older AST step")
def bfcl_mistral(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output).replace("\\_", "_")
    return bfcl_ast_parse(bracketed(text), context, legacy=True)


@decoder("BFCL's DeepSeek-Coder handler (2025.6.8): a leading ```json or ```python "
                                   "fence removed, then default prompt decoding (older AST step)")
def bfcl_deepseek(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output).strip()
    for fence in ("```json", "```python"):
        if text.startswith(fence):
            text = text[len(fence):]
    return default_prompt_decode(text, context, legacy=True)


@decoder("BFCL's Gorilla OpenFunctions handler: the answer wrapped in brackets")
def bfcl_gorilla(output: Any, context: ParseContext) -> list[ToolCall]:
    return bfcl_ast_parse("[" + _text(output) + "]", context)


@decoder("BFCL's DBRX handler (2025.6.8): single quotes around strings removed, "
                                     "brackets added, older AST step; the raw answer as a fallback")
def bfcl_databricks(output: Any, context: ParseContext) -> list[ToolCall]:
    raw = _text(output)
    text = re.sub(r"'([^']*)'", r"\1", raw).replace("\n    ", "")
    text = bracketed(text)
    if text.startswith("['"):
        text = text.replace("['", "[")
    try:
        return bfcl_ast_parse(text, context, legacy=True)
    except ParseError:
        return bfcl_ast_parse(raw, context, legacy=True)


@decoder("BFCL's Nexus Raven handler: `;` separates calls; `out_of_domain(...)` means "
                                "no call")
def bfcl_raven(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output)
    if text.endswith(";"):
        text = text[:-1]
    text = text.replace(";", ",")
    calls = bfcl_ast_parse("[" + text + "]", context)  # BFCL parses first: an unreadable answer fails
    return [] if "out_of_domain" in text else calls


# ---- prompt mode: JSON text ----

@decoder("BFCL's Hermes handler (2025.6.8): the one line after each `<tool_call>` line, "
                                 "quotes made double, read as JSON")
def bfcl_hermes(output: Any, context: ParseContext) -> list[ToolCall]:
    pairs: list[tuple[Any, Any]] = []
    inside = False
    for line in _text(output).split("\n"):
        if line == "<tool_call>":
            inside = True
        elif line == "</tool_call>":
            inside = False
        else:
            if inside:  # only the first line after the tag is read; the flag drops after any line
                call = json_text(line.replace("'", '"'))
                pairs.append(_keyed(call, "name", "arguments"))
            inside = False
    return _calls(pairs)


@decoder("BFCL's Qwen function-calling handler: JSON between `<tool_call>\\n` and "
                               "`\\n</tool_call>`; unreadable blocks are skipped")
def bfcl_qwen(output: Any, context: ParseContext) -> list[ToolCall]:
    pairs = []
    for body in re.findall(r"<tool_call>\n(.*?)\n</tool_call>", _text(output), re.DOTALL):
        try:
            call = json.loads(body)
        except (ValueError, RecursionError):
            continue  # BFCL drops a block it cannot read
        if not isinstance(call, Mapping):
            raise ParseError("a <tool_call> block holds JSON that is not an object")
        pairs.append(_keyed(call, "name", "arguments"))
    return _calls(pairs)


@decoder("BFCL's GLM handler: `name` on the first line, its JSON arguments on the second")
def bfcl_glm(output: Any, context: ParseContext) -> list[ToolCall]:
    lines = _text(output).split("\n")
    if len(lines) == 1:
        return []  # one line of text: BFCL's decoded `[text]` holds no call
    return _calls([(lines[0], json_text(lines[1]))])


@decoder("BFCL's Granite handler: JSON objects after `<function_call>`; "
                                  "`no_function` means no call")
def bfcl_granite(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output)
    chunks = [chunk.strip() for chunk in text.split("<function_call>") if chunk.strip()]
    pairs, said_none = [], False
    for chunk in chunks:
        try:
            call = json.loads(chunk)
        except (ValueError, RecursionError):
            if "<function_call>" not in text and len(chunks) == 1:
                return []  # plain text, no call marker: BFCL's decoded `[text]` holds no call
            raise ParseError(f"<function_call> is not followed by JSON: {chunk[:60]!r}") from None
        if not isinstance(call, Mapping):
            raise ParseError("a <function_call> holds JSON that is not an object")
        name = call.get("name", "")
        name = name.strip() if isinstance(name, str) else name
        if name == "no_function":
            said_none = True
            continue
        pairs.append((name, call.get("arguments", {})))
    if said_none:
        if pairs:  # BFCL keeps the marker as a text item, so calls beside it are not in calling format
            raise ParseError("the answer mixes calls with no_function")
        return []
    return _calls(pairs)


@decoder("BFCL's Llama 3.1 function-calling handler: JSON `{name, parameters}` objects "
                                "after <|python_tag|>, `;`-separated or as one Python literal")
def bfcl_llama(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output).replace("<|python_tag|>", "")
    if ";" in text:
        values = [json_text(part) for part in text.split(";")]
    else:
        values = _python_literal(text, context)  # BFCL `eval`s this text: Python syntax, so JSON's true fails
        if isinstance(values, Mapping):
            values = [values]
    if not isinstance(values, (list, tuple)):
        raise ParseError("the answer is neither a call object nor a list of them")
    return _calls([_keyed(value, "name", "parameters") for value in values])


@decoder("BFCL's Salesforce xLAM handler: a JSON list (or object) of {name, arguments}, "
                               "else `;`-separated JSON objects")
def bfcl_xlam(output: Any, context: ParseContext) -> list[ToolCall]:
    text = _text(output)
    try:
        values = json.loads(text)
        if not isinstance(values, list):
            values = [values]
    except ValueError:
        values = [json_text(part.strip()) for part in text.split(";")]
    except RecursionError:
        raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    return _calls([_keyed(value, "name", "arguments") for value in values])


# ---- function-calling mode: structured answers ----

@decoder("BFCL's function-calling handlers (OpenAI, Claude, Mistral, Gemini, ...): a list of "
                             "{name: arguments}, arguments an object or JSON text; text means no call")
def bfcl_fc(output: Any, context: ParseContext) -> list[ToolCall]:
    if isinstance(output, str):
        return []  # the API answered in text, with no call
    if isinstance(output, Mapping):  # an OpenAI message, as the harness's openai backend records it
        output = _message_calls(output)
    if not isinstance(output, list):
        raise ParseError(f"a function-calling answer is a list of calls, got {type(output).__name__}")
    texts = [item for item in output if isinstance(item, str)]
    if texts:
        if len(texts) == len(output):
            return []  # Gemini's text parts alone: an answer without a call
        # BFCL keeps text parts in the decoded list, which is then not in calling format
        raise ParseError("the answer mixes text parts with calls")
    pairs = []
    for index, item in enumerate(output):
        if not (isinstance(item, Mapping) and item):
            raise ParseError(f"item {index} of the answer is not a {{name: arguments}} object")
        name = next(iter(item))  # BFCL reads the first key only
        arguments = item[name]
        pairs.append((name, json_text(arguments) if isinstance(arguments, str) else arguments))
    return _calls(pairs)


@decoder("BFCL's Functionary handler: function-calling answers, as bfcl_fc")
def bfcl_functionary(output: Any, context: ParseContext) -> list[ToolCall]:
    return bfcl_fc.decode(output, context)


def _message_calls(message: Mapping[str, Any]) -> list[dict]:
    calls = []
    for entry in message.get("tool_calls") or []:
        function = entry.get("function", entry) if isinstance(entry, Mapping) else None
        if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
            raise ParseError("a tool_calls entry has no function name")
        calls.append({function["name"]: function.get("arguments", {})})
    return calls


def _keyed(value: Any, name_key: str, arguments_key: str) -> tuple[Any, Any]:
    """`(value[name_key], value[arguments_key])`; a missing key or a non-object fails as in BFCL."""
    if not isinstance(value, Mapping):
        raise ParseError(f"expected a call object, got {type(value).__name__}")
    if name_key not in value or arguments_key not in value:
        raise ParseError(f"a call object needs {name_key!r} and {arguments_key!r}")
    return value[name_key], value[arguments_key]


def _python_literal(text: str, context: ParseContext) -> Any:
    """A Python literal read as BFCL's `eval` of literal text would read it (names are errors)."""
    node = parse_expression(text, context)
    if node is None:
        raise ParseError(f"not a Python literal: {text.strip()[:60]!r}")
    return argument_value(node, context.with_mode("strict"))
