"""Tools and calls as plain chat text: compact signatures, `<tool_call>` lines the parser reads back, ChatML."""
from jinja2.sandbox import ImmutableSandboxedEnvironment

from harness.backends.prompt_format import CHATML_TEMPLATE, text_chat, tool_call_text, tool_signature
from harness.parsing import parse_tool_calls
from harness.suite.cases import ToolCall
from harness.suite.tools import parse_tool

WEATHER = parse_tool({"name": "get_weather", "description": "Current  weather\nfor a city.", "parameters": {
    "type": "object", "required": ["city"],
    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                   "days": {"type": "array", "items": {"type": "integer"}},
                   "where": {"type": "object", "required": ["lat"],
                             "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}}}}})


def test_signature_is_one_line_with_optional_marks_enums_and_nested_types():
    assert tool_signature(WEATHER) == (
        'get_weather(city: string, unit?: "celsius"|"fahrenheit", days?: list[integer], '
        'where?: {lat: number, lon?: number}) - Current weather for a city.')


def test_call_text_round_trips_through_the_parser():
    calls = [{"name": "get_weather", "arguments": {"city": "Zürich", "days": [1, 2]}},
             {"type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}]
    text = tool_call_text(calls)
    assert text.count("<tool_call>") == 2 and "Zürich" in text
    assert parse_tool_calls(text) == [ToolCall("get_weather", {"city": "Zürich", "days": [1, 2]}),
                                      ToolCall("get_weather", {"city": "Oslo"})]


def test_text_chat_merges_system_prompt_and_flattens_calls_and_results():
    messages = [{"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Weather in Oslo?"},
                {"role": "assistant", "content": None,
                 "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]},
                {"role": "tool", "content": {"temp": 3}},
                {"role": "user", "content": "Thanks"}]
    chat = text_chat(messages, [WEATHER])
    assert [m["role"] for m in chat] == ["system", "user", "assistant", "user", "user"]
    assert chat[0]["content"].startswith("Be brief.\n\nYou can call these functions:\nget_weather(")
    assert chat[2]["content"] == '<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}}</tool_call>'
    assert chat[3]["content"] == '<tool_response>{"temp": 3}</tool_response>'
    assert all(isinstance(m["content"], str) for m in chat)


def test_without_tools_no_system_message_is_invented():
    assert text_chat([{"role": "user", "content": "hi"}], []) == [{"role": "user", "content": "hi"}]


def test_chatml_template_renders_turns_and_generation_prompt():
    env = ImmutableSandboxedEnvironment()
    # transformers implements {% generation %} (marking trainable tokens); without it the markers are no-ops.
    text = env.from_string(CHATML_TEMPLATE.replace("{% generation %}", "").replace("{% endgeneration %}", "")).render(
        messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
        add_generation_prompt=True)
    assert text == ("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nyo<|im_end|>\n"
                    "<|im_start|>assistant\n")
