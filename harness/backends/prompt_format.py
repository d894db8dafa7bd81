"""How tools and tool calls are written into plain chat text, for models (or endpoints) without native tool support.

One rendering serves prompting (hf fallback template, openai prompt mode, few-shot examples) and fine-tuning
data, so a LoRA adapter is trained on exactly the text it is later prompted with. Calls are written in the
Hermes `<tool_call>` form, which `harness.parsing` reads back.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from harness.suite.cases import Tool
from harness.suite.message_calls import call_function, decoded_arguments

TOOL_INSTRUCTIONS = (
    "You can call these functions:\n{signatures}\n\n"
    "To call a function, answer only with one line per call, exactly like\n"
    '<tool_call>{{"name": "function_name", "arguments": {{"argument": "value"}}}}</tool_call>\n'
    "If no function fits the request, answer in plain text without any <tool_call>."
)


def tool_signature(tool: Tool) -> str:
    """One compact line per tool, e.g. `get_weather(city: string, unit?: "celsius"|"fahrenheit") - Weather now.`

    Compact signatures keep prompts (and training examples) far shorter than full JSON Schemas, which matters
    for small models with short contexts; `?` marks an optional argument.
    """
    properties = tool.parameters.get("properties", {})
    required = set(tool.required)
    arguments = ", ".join(f"{name}{'' if name in required else '?'}: {_type_text(schema)}"
                          for name, schema in properties.items())
    description = " ".join(tool.description.split())
    return f"{tool.name}({arguments})" + (f" - {description}" if description else "")


def tools_system_prompt(tools: Sequence[Tool]) -> str:
    return TOOL_INSTRUCTIONS.format(signatures="\n".join(tool_signature(tool) for tool in tools))


def tool_call_text(calls: Iterable[Mapping[str, Any]]) -> str:
    """Assistant text for calls given as `{"name", "arguments"}` or OpenAI `{"function": {...}}` entries."""
    lines = []
    for call in calls:
        function = call_function(call)
        # A string that is not JSON is kept as written: the text shows what the example held.
        arguments = decoded_arguments(function.get("arguments", {}))
        body = json.dumps({"name": function["name"], "arguments": arguments}, ensure_ascii=False)
        lines.append(f"<tool_call>{body}</tool_call>")
    return "\n".join(lines)


def text_chat(messages: Sequence[Mapping[str, Any]], tools: Sequence[Tool]) -> list[dict[str, str]]:
    """Messages with only `role` and string `content`: tools go into the system message, assistant
    `tool_calls` become `<tool_call>` lines, and tool results become `<tool_response>` user turns."""
    out: list[dict[str, str]] = []
    system = tools_system_prompt(tools) if tools else ""
    for message in messages:
        role, content = message.get("role"), message.get("content") or ""
        if role == "system":
            system = f"{content}\n\n{system}".strip() if system else str(content)
        elif role == "assistant" and message.get("tool_calls"):
            text = tool_call_text(message["tool_calls"])
            out.append({"role": "assistant", "content": f"{content}\n{text}".strip() if content else text})
        elif role == "tool":
            out.append({"role": "user", "content": f"<tool_response>{_as_text(content)}</tool_response>"})
        else:
            out.append({"role": str(role), "content": _as_text(content)})
    return ([{"role": "system", "content": system}] if system else []) + out


#: A ChatML template with `{% generation %}` markers around assistant turns: used for models whose own
#: template cannot render tools (tools are already in the system message via `text_chat`), and needed by
#: trl's `assistant_only_loss` so only the assistant's answer is trained on.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{ '\n' }}"
    "{% else %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def _type_text(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "|".join(json.dumps(value, ensure_ascii=False) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list[{_type_text(schema.get('items', {}))}]"
    if kind == "object" and schema.get("properties"):
        required = set(schema.get("required", ()))
        inner = ", ".join(f"{name}{'' if name in required else '?'}: {_type_text(sub)}"
                          for name, sub in schema["properties"].items())
        return "{" + inner + "}"
    return kind if isinstance(kind, str) else "|".join(kind)


def _as_text(content: Any) -> str:
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
