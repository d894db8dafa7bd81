"""Each `bfcl_*` decoder against the BFCL handler it reproduces, on outputs written the way those models write
them (well-formed, quirky and broken), plus the rules that matter for verdicts spelled out by hand.

Equal means equal for scoring: the same calls, or no usable call on both sides (a decode error, a decoded
value BFCL cannot check, or an empty list all fail an AST entry and pass an irrelevance entry in bfcl mode).
"""
from __future__ import annotations

from typing import Any

import pytest

from harness.parsing import ParseError, parse_tool_calls
from harness.parsing.pythonic import UNPACKED_ARGUMENT
from harness.suite.cases import ToolCall
from tests.bfcl_reference import REFERENCE_HANDLERS, bfcl_decode

CORPUS: dict[str, list[Any]] = {
    "bfcl_prompt": [
        "[get_weather(city='Paris', unit='celsius')]", "get_weather(city='Paris')",
        "[f(a=1), g(b='x')]", "f(a=1),\ng(b=2)", "```\n[f(a=1)]\n```", "```python\n[f(a=1)]\n```",
        "Sure! [f(a=1)]", "[f(a=1)]\nHope this helps!", "(f(a=1), g(b=2))", "[(f(a=1), g(b=2))]",
        "[f(a=x, b=true, c=2**3, d=..., e=g(1), h=y[0], i=(1, 2), j=g(k=1))]", "[f(1, a=2)]",
        "[f(**{'a': 1})]", "[f(a=+2, b=not True)]", "[f(a=-x)]", "[f(a={1, 2})]", "[f(a=1, a=2)]",
        "I cannot call any of these functions.", "", "[]", "[1, 2]", "[ f(a=1)]", "'[f(a=1)]'",
        "[math.factorial(number=5)]", "[f()]", "[f(a=lambda: 1)]", "[f(a='x' * 3)]", "[f(a=1/0)]",
        "[f(a={'k': v})]", "[obj.method().g(a=1)]",
    ],
    "bfcl_gemini": ["```tool_code\nget_weather(city='Paris')\n```", "```tool_code\n[f(a=1), g(b=2)]\n```",
                    "[f(a=1)]\n", "I'd call get_weather for you.", "```python\nf(a=1)\n```"],
    "bfcl_gemma": ["[f(a=1)]", "Sure, here is the solution:\n\n```python\n[f(a=1)]\n```", "[f(a=1)]\n```"],
    "bfcl_mistral": ["[calculate\\_triangle\\_area(base=10, height=5)]", "[f(a=1)]", "f(a=1)",
                     "[(f(a=1), g(b=2))]", " [f(a=1)]", "Sure: [f(a=1)]"],
    "bfcl_deepseek": ["```python\n[f(a=1)]\n```", "```json\n[{\"f\": {\"a\": 1}}]\n```", "[f(a=1)]",
                      "\n[{\"f\": {\"a\": 1}}]\n\nHere is why: ...", "f(a=1)"],
    "bfcl_databricks": ["[f(a='x', b=2)]", "f(a='New York, NY')", "['f(a=1)']", "[f(a=\"it's\")]", "text"],
    "bfcl_gorilla": ["f(a=1)", "f(a=1), g(b=2)", "[f(a=1)]", "no call"],
    "bfcl_raven": ["spotify.play(artist=['Taylor Swift', 'Maroon 5'], duration=[20, 15]);",
                   "f(a=1); g(b=2);", "out_of_domain(user_query='What is the weather?')", "Call: f(a=1)",
                   "f(a=1)", ""],
    "bfcl_hermes": [
        "\n<tool_call>\n{\"arguments\": {'artist': 'Taylor Swift', 'duration': 20}, \"name\": 'spotify_play'}\n"
        "</tool_call>\n<tool_call>\n{\"arguments\": {'artist': 'Maroon 5'}, \"name\": 'spotify_play'}\n</tool_call>\n",
        "<tool_call>\n{'arguments': {'q': \"it's\"}, 'name': 'search'}\n</tool_call>",
        "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}}</tool_call>",
        "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": true}}\n</tool_call>",
        "<tool_call>\n{\"name\": \"f\"}\n</tool_call>", "No tool needed.",
        "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1}}\n{\"name\": \"g\", \"arguments\": {}}\n</tool_call>",
    ],
    "bfcl_qwen": ["<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1}}\n</tool_call>",
                  "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1}}\n</tool_call>\n<tool_call>\n"
                  "{\"name\": \"g\", \"arguments\": {}}\n</tool_call>",
                  "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", "<tool_call>\n{bad}\n</tool_call>",
                  "<tool_call>\n[1]\n</tool_call>", "plain answer"],
    "bfcl_glm": ["calculate_triangle_area\n{\"base\": 10, \"height\": 5}", "math_factorial\n{\"number\": 5}",
                 "I can't help with that.", "f\n{bad json", "f\n[1, 2]", "Two lines\nof prose."],
    "bfcl_granite": ["<function_call> {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}",
                     "<function_call> {\"name\": \"f\", \"arguments\": {}} <function_call> {\"name\": \"g\", "
                     "\"arguments\": {\"b\": 2}}", "<function_call> {\"name\": \"no_function\", \"arguments\": {}}",
                     "The weather is nice.", "{\"name\": \"f\", \"arguments\": {\"a\": 1}}",
                     "<function_call> {\"name\": \"f\", \"arguments\": {} ", "<function_call> [1]",
                     "Sure <function_call> {\"name\": \"f\", \"arguments\": {}}"],
    "bfcl_llama": ["<|python_tag|>{\"name\": \"f\", \"parameters\": {\"a\": \"1\"}}",
                   "{\"name\": \"f\", \"parameters\": {\"a\": 1}}; {\"name\": \"g\", \"parameters\": {}}",
                   "[{\"name\": \"f\", \"parameters\": {\"a\": 1}}, {\"name\": \"g\", \"parameters\": {}}]",
                   "{\"name\": \"f\", \"parameters\": {\"a\": true}}", "{\"name\": \"f\", \"arguments\": {\"a\": 1}}",
                   "{\"name\": \"f\", \"parameters\": {\"a\": 1}};", "I will not call a tool."],
    "bfcl_xlam": ["[{\"name\": \"f\", \"arguments\": {\"a\": 1}}]", "{\"name\": \"f\", \"arguments\": {\"a\": 1}}",
                  "{\"tool_calls\": [{\"name\": \"f\", \"arguments\": {\"a\": 1}}]}",
                  "{\"name\": \"f\", \"arguments\": {}}; {\"name\": \"g\", \"arguments\": {\"b\": 2}}", "[]",
                  "Sorry, no."],
    "bfcl_fc": [[{"f": "{\"a\": 1}"}], [{"f": "{\"a\": 1}"}, {"g": "{}"}], [], [{"f": "not json"}], [{"f": "[1]"}],
                [{"math_factorial": "{\"number\": 5}"}], "I answer in text."],
}
#: Function-calling answers recorded with arguments as objects (Gemini, Cohere): the Gemini handler reads them.
FC_OBJECT_ARGUMENTS = [[{"f": {"a": 1}}], [{"f": {"a": 1}}, {"g": {}}], ["Just text."], [{"f": {"a": [1, 2]}}]]


def _their_calls(decoded: tuple[str, Any]) -> list[tuple[str, Any]] | None:
    status, value = decoded
    if status != "ok" or not isinstance(value, list) or not value:
        return None
    if not all(type(item) is dict and len(item) == 1 and type(next(iter(item.values()))) is dict for item in value):
        return None
    # BFCL keys a `**mapping` argument by None; ours is "**". Both fail as an argument outside the schema.
    return [(name, {UNPACKED_ARGUMENT if key is None else key: v for key, v in arguments.items()})
            for item in value for name, arguments in item.items()]


def _our_calls(output: Any, decoder: str) -> list[tuple[str, Any]] | None:
    try:
        calls = parse_tool_calls(output, decoder, mode="bfcl")
    except ParseError:
        return None
    return [(call.name, call.arguments) for call in calls] or None


@pytest.mark.network_wheel
@pytest.mark.parametrize("decoder", sorted(CORPUS))
def test_decoder_reads_what_bfcls_handler_reads(decoder):
    handler, version = REFERENCE_HANDLERS[decoder]
    outputs = CORPUS[decoder]
    theirs = bfcl_decode(handler, outputs, version)
    for output, their_decoding in zip(outputs, theirs):
        assert _our_calls(output, decoder) == _their_calls(their_decoding), (output, their_decoding)


@pytest.mark.network_wheel
def test_fc_answers_with_object_arguments_read_as_bfcls_gemini_handler_reads_them():
    theirs = bfcl_decode("gemini_fc", FC_OBJECT_ARGUMENTS, "2026.3.23")
    for output, their_decoding in zip(FC_OBJECT_ARGUMENTS, theirs):
        assert _our_calls(output, "bfcl_fc") == _their_calls(their_decoding), output


def test_every_bfcl_decoder_has_a_reference_and_a_corpus():
    from harness.parsing import decoder_names
    styles = {name for name in decoder_names() if name.startswith("bfcl_")}
    assert styles == set(REFERENCE_HANDLERS)
    assert styles - {"bfcl_functionary"} == set(CORPUS)  # functionary is bfcl_fc under another name


# ---- the rules, by hand ----

@pytest.mark.parametrize("decoder, output, calls", [
    ("bfcl_prompt", "[f(a=1)]", [ToolCall("f", {"a": 1})]),
    ("bfcl_prompt", "```\n[f(a=1)]\n```", [ToolCall("f", {"a": 1})]),           # backticks are trimmed
    ("bfcl_mistral", "[get\\_weather(city='Oslo')]", [ToolCall("get_weather", {"city": "Oslo"})]),
    ("bfcl_mistral", "[(f(a=1), g(b=2))]", [ToolCall("f", {"a": 1}), ToolCall("g", {"b": 2})]),  # older AST step
    ("bfcl_deepseek", "```python\n[f(a=1)]\n```", [ToolCall("f", {"a": 1})]),
    ("bfcl_gemini", "```tool_code\nf(a=1)\n```", [ToolCall("f", {"a": 1})]),
    ("bfcl_glm", "get_weather\n{\"city\": \"Oslo\"}", [ToolCall("get_weather", {"city": "Oslo"})]),
    ("bfcl_glm", "The weather is fine.", []),                                  # one line of text: no call
    ("bfcl_granite", "<function_call> {\"name\": \"no_function\", \"arguments\": {}}", []),
    ("bfcl_raven", "out_of_domain(user_query='hi')", []),
    ("bfcl_raven", "f(a=1); g(b=2);", [ToolCall("f", {"a": 1}), ToolCall("g", {"b": 2})]),
    ("bfcl_hermes", "<tool_call>\n{'name': 'f', 'arguments': {'a': 1}}\n</tool_call>", [ToolCall("f", {"a": 1})]),
    ("bfcl_fc", [{"math_factorial": "{\"number\": 5}"}], [ToolCall("math_factorial", {"number": 5})]),
    ("bfcl_fc", ["Plain text part."], []),
    ("bfcl_fc", "text", []),
])
def test_style_rules(decoder, output, calls):
    assert parse_tool_calls(output, decoder, mode="bfcl") == calls


@pytest.mark.parametrize("decoder, output", [
    ("bfcl_prompt", "```python\n[f(a=1)]\n```"),                 # GPT-style prompting: a fence fails
    ("bfcl_prompt", "(f(a=1), g(b=2))"),                          # newest AST step: a tuple in the list
    ("bfcl_prompt", "Sure! [f(a=1)]"),
    ("bfcl_mistral", "[ f(a=1)]"),                                # older AST step strips "[": " f(a=1)" is indented
    ("bfcl_hermes", "<tool_call>\n{'q': \"it's\"}\n</tool_call>"),  # quotes swapped, JSON broken
    ("bfcl_granite", "<function_call> {\"name\": \"f\", \"arguments\": {}} <function_call> "
                     "{\"name\": \"no_function\", \"arguments\": {}}"),
    ("bfcl_llama", "{\"name\": \"f\", \"parameters\": {\"a\": true}}"),  # BFCL evals this: `true` is undefined
    ("bfcl_xlam", "{\"tool_calls\": [{\"name\": \"f\", \"arguments\": {}}]}"),
    ("bfcl_fc", ["Some text", {"f": "{}"}]),                     # Gemini parts mixing text and calls
    ("bfcl_fc", [{"f": "not json"}]),
])
def test_style_failures(decoder, output):
    with pytest.raises(ParseError):
        parse_tool_calls(output, decoder, mode="bfcl")
