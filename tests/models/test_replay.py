"""The replay backend: recorded outputs by case id, BFCL result shapes, per-case missing errors."""
import pytest

from harness.backends.base import Prompt
from harness.backends.replay import MISSING_OUTPUT, ReplayBackend
from harness.errors import HarnessInputError
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


def test_bfcl_results_are_replayed_as_recorded_with_their_latency_and_tokens(tmp_path):
    """The decoder reads the recorded list; BFCL's latency (seconds) and token counts carry over."""
    result = [{"f": {"x": 1}}, {"g": '{"y": 2}'}]
    path = write_jsonl(tmp_path / "o.jsonl", [
        {"id": "a", "result": result, "latency": 1.25, "input_token_count": 310, "output_token_count": 22},
        {"id": "b", "result": "[f(x=1)]", "latency": [0.5, [0.25, 0.25]], "input_token_count": [10, 20],
         "output_token_count": [1, 2]},
    ])
    first, second = ReplayBackend(path).generate(_prompts("a", "b"))
    assert first.output == result
    assert (first.latency_ms, first.input_tokens, first.output_tokens) == (1250.0, 310, 22)
    assert (second.latency_ms, second.input_tokens, second.output_tokens) == (1000.0, 30, 3)


def test_our_spelling_wins_over_bfcls(tmp_path):
    path = write_jsonl(tmp_path / "o.jsonl", [{"id": "a", "result": "x", "latency_ms": 7, "latency": 9.0}])
    (generation,) = ReplayBackend(path).generate(_prompts("a"))
    assert generation.latency_ms == 7


@pytest.mark.parametrize("row, field", [
    ({"output": "x"}, "case_id"),
    ({"case_id": "a"}, "output"),
    ({"case_id": "a", "output": "x", "latency_ms": "fast"}, "latency_ms"),
    ({"case_id": "a", "output": "x", "input_tokens": -1}, "input_tokens"),
    ({"id": "a", "result": "x", "latency": "slow"}, "latency"),
    ({"id": "a", "result": "x", "output_token_count": [1, "two"]}, "output_token_count"),
])
def test_bad_recorded_lines_are_input_errors(tmp_path, row, field):
    path = write_jsonl(tmp_path / "o.jsonl", [{"case_id": "ok", "output": "x"}, row])
    with pytest.raises(HarnessInputError) as info:
        ReplayBackend(path)
    assert (info.value.line, info.value.field) == (2, field)
