"""The replay backend: recorded outputs by case id, BFCL result shapes, per-case missing errors."""
import pytest

from harness.errors import HarnessInputError
from harness.models.base import Prompt
from harness.models.replay import MISSING_OUTPUT, ReplayBackend
from tests.suite_files import write_jsonl


def _prompts(*ids):
    return [Prompt(case_id=i, messages=({"role": "user", "content": "q"},), tools=()) for i in ids]


def test_outputs_come_back_in_prompt_order_with_recorded_costs(tmp_path):
    path = write_jsonl(tmp_path / "o.jsonl", [
        {"case_id": "b", "output": "B", "latency_ms": 12.5, "input_tokens": 10, "output_tokens": 3},
        {"id": "a", "result": "A"},
    ])
    generations = list(ReplayBackend(path).generate(_prompts("a", "b", "c")))
    assert [g.output for g in generations] == ["A", "B", None]
    assert (generations[1].latency_ms, generations[1].input_tokens, generations[1].output_tokens) == (12.5, 10, 3)
    assert generations[0].latency_ms is None
    assert generations[2].error_type == MISSING_OUTPUT and "'c'" in generations[2].error


def test_bfcl_decoded_results_become_a_tool_calls_message(tmp_path):
    path = write_jsonl(tmp_path / "o.jsonl", [{"id": "a", "result": [{"f": {"x": 1}}, {"g": '{"y": 2}'}]}])
    (generation,) = ReplayBackend(path).generate(_prompts("a"))
    assert generation.output["tool_calls"] == [
        {"type": "function", "function": {"name": "f", "arguments": {"x": 1}}},
        {"type": "function", "function": {"name": "g", "arguments": '{"y": 2}'}},
    ]


@pytest.mark.parametrize("row, field", [
    ({"output": "x"}, "case_id"),
    ({"case_id": "a"}, "output"),
    ({"case_id": "a", "output": "x", "latency_ms": "fast"}, "latency_ms"),
    ({"case_id": "a", "output": "x", "input_tokens": -1}, "input_tokens"),
])
def test_bad_recorded_lines_are_input_errors(tmp_path, row, field):
    path = write_jsonl(tmp_path / "o.jsonl", [{"case_id": "ok", "output": "x"}, row])
    with pytest.raises(HarnessInputError) as info:
        ReplayBackend(path)
    assert (info.value.line, info.value.field) == (2, field)
