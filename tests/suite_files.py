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
