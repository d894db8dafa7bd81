"""Builders for small suites on disk, shared by the loader, runner and CLI tests."""
from __future__ import annotations

import json
from pathlib import Path

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["city"],
        },
    },
}


def weather_case(case_id: str = "c1", city: str = "Paris", **overrides) -> dict:
    case = {
        "id": case_id,
        "category": "simple",
        "messages": [{"role": "user", "content": f"Weather in {city}?"}],
        "tools": [WEATHER_TOOL],
        "expected": [{"get_weather": {"city": [city], "unit": ["celsius", ""]}}],
    }
    case.update(overrides)
    return case


def write_jsonl(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows))
    return path


def write_suite(root: Path, cases: list, outputs: dict[str, list] | None = None, extra_yaml: str = "") -> Path:
    """A suite folder with `data/test.jsonl`, one replay candidate per `outputs` entry; returns suite.yaml."""
    write_jsonl(root / "data" / "test.jsonl", cases)
    candidates = ""
    for name, rows in (outputs or {}).items():
        write_jsonl(root / "outputs" / f"{name}.jsonl", rows)
        candidates += f"  - {{name: {name}, backend: replay, outputs: outputs/{name}.jsonl}}\n"
    text = "name: tmp-suite\nversion: 1\ndata:\n  test: data/test.jsonl\n"
    text += ("candidates:\n" + candidates if candidates else "") + extra_yaml
    (root / "suite.yaml").write_text(text)
    return root / "suite.yaml"


def write_bank_suite(root: Path, cases: list, examples: list | None = None, library: list | None = None,
                     candidates: list[str] = (), seed: int = 0, train: list | None = None) -> Path:
    """A suite with an example bank (`data/examples.jsonl`), a tool library (`data/tools.json`) and/or a train
    split (`data/train.jsonl`).

    `candidates` are YAML flow mappings, one per candidate; returns suite.yaml.
    """
    write_jsonl(root / "data" / "test.jsonl", cases)
    text = f"name: tmp-bank-suite\nversion: 1\nseed: {seed}\ndata:\n  test: data/test.jsonl\n"
    if examples is not None:
        write_jsonl(root / "data" / "examples.jsonl", examples)
        text += "  examples: data/examples.jsonl\n"
    if library is not None:
        (root / "data" / "tools.json").write_text(json.dumps(library))
        text += "  tools: data/tools.json\n"
    if train is not None:
        write_jsonl(root / "data" / "train.jsonl", train)
        text += "  train: data/train.jsonl\n"
    if candidates:
        text += "candidates:\n" + "".join(f"  - {candidate}\n" for candidate in candidates)
    (root / "suite.yaml").write_text(text)
    return root / "suite.yaml"


def _tool(name: str, description: str, properties: dict, required: list) -> dict:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": properties, "required": required}}}


def small_tool_library() -> list[dict]:
    """Five unlike tools (weather, lights, email, currency, timer) for few-shot and RAG tests."""
    return [
        WEATHER_TOOL,
        _tool("set_light", "Switch the lights in a room on or off.",
              {"room": {"type": "string"}, "on": {"type": "boolean"}}, ["room", "on"]),
        _tool("send_email", "Send an email message to someone.",
              {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}}, ["to", "body"]),
        _tool("convert_currency", "Convert an amount of money from one currency to another.",
              {"amount": {"type": "number"}, "from_currency": {"type": "string"}, "to_currency": {"type": "string"}},
              ["amount", "from_currency", "to_currency"]),
        _tool("set_timer", "Start a countdown timer.", {"minutes": {"type": "integer", "minimum": 1}}, ["minutes"]),
    ]


def bank_example(text: str, tool: str | None, arguments: dict | None = None, tools: list | None = None,
                 answer: str = "I can't help with that.") -> dict:
    """An example-bank line: a user request and a call to `tool` (or a plain-text `answer` when tool is None)."""
    if tool is None:
        reply = {"role": "assistant", "content": answer}
    else:
        reply = {"role": "assistant", "tool_calls": [{"type": "function", "function": {
            "name": tool, "arguments": arguments or {}}}]}
    return {"messages": [{"role": "user", "content": text}, reply], "tools": tools or ([tool] if tool else [])}


def small_example_bank() -> list[dict]:
    """Six solved examples over `small_tool_library()`: two about lights, one per other tool, one with no call."""
    return [
        bank_example("Weather in Rome?", "get_weather", {"city": "Rome"}),
        bank_example("Turn off the kitchen lights.", "set_light", {"room": "kitchen", "on": False}),
        bank_example("Email bob@example.com that the meeting moved.", "send_email",
                     {"to": "bob@example.com", "body": "The meeting moved."}),
        bank_example("Convert 100 US dollars to euros.", "convert_currency",
                     {"amount": 100, "from_currency": "USD", "to_currency": "EUR"}),
        bank_example("What is the capital of France?", None, tools=["set_timer"], answer="Paris."),
        bank_example("Switch on the lights in the garden.", "set_light", {"room": "garden", "on": True}),
    ]


def request_case(case_id: str, text: str, tools: list[str], expected: list | None = None,
                 category: str = "simple") -> dict:
    """A test case naming its tools from the library (expected defaults to no call)."""
    return {"id": case_id, "category": category if expected else "irrelevance",
            "messages": [{"role": "user", "content": text}], "tools": tools, "expected": expected or []}
