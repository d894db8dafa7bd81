"""Candidate specs: backend resolution and the combinations a suite may not declare."""
import pytest

from harness.errors import HarnessInputError
from harness.suite.candidate import CandidateSpec, LoraSpec
from harness.suite.load import load_suite
from tests.suite_files import small_example_bank, small_tool_library, weather_case, write_bank_suite


def test_backend_is_resolved_from_what_the_candidate_gives():
    assert CandidateSpec(name="a", outputs="o.jsonl").resolved_backend == "replay"
    assert CandidateSpec(name="b", model="tiny").resolved_backend == "hf"
    assert CandidateSpec(name="c", model="m", endpoint={"base_url": "http://x/v1"}).resolved_backend == "openai"


@pytest.mark.parametrize("candidate, field, message", [
    ("{name: x, backend: openai, model: m}", "endpoint", "required field is missing"),
    ("{name: x, backend: hf}", "model", "a hf candidate needs `model:`"),
    ("{name: x, outputs: o.jsonl, lora: {max_steps: 5}}", "lora", "needs a backend that runs a local model; replay"),
    ("{name: x, model: tiny, lora: {max_steps: 5}, adapter: a}", "adapter", "not both"),
    ("{name: x, model: tiny, adapter: no/such/folder}", "adapter", "adapter folder not found"),
    ("{name: x, model: tiny, lora: {r: 8}}", "lora", "`epochs` or `max_steps`"),
    ("{name: x, model: tiny, strategy_k: 3}", "strategy_k", "unknown field (check the spelling) (backend hf and "
                                                           "strategy zero_shot read: adapter, device, dtype, generation)"),
    ("{name: x, model: tiny, select: fixed}", "select", "unknown field"),
    ("{name: x, model: tiny, strategy: few_shot, select: best}", "select", "'fixed', 'random' or 'similar'"),
    ("{name: x, model: tiny, endpoint: {base_url: 'http://x/v1'}, backend: hf}", "endpoint", "unknown field"),
    ("{name: x, model: tiny, strategy: nope}", "strategy", "unknown strategy 'nope' (known: few_shot, rag, zero_shot)"),
    ("{name: x, backend: vllm, model: tiny}", "backend", "unknown backend 'vllm' (known: "),
])
def test_invalid_candidates_are_refused_at_load_naming_line_and_field(tmp_path, candidate, field, message):
    path = write_bank_suite(tmp_path, [weather_case()], small_example_bank(), small_tool_library(),
                            candidates=[candidate], train=small_example_bank())
    with pytest.raises(HarnessInputError) as caught:
        load_suite(path)
    assert (caught.value.line, caught.value.field) == (10, f"candidates[0].{field}")
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}:10: ")


def test_spec_hash_changes_with_training_config_only_when_it_changes():
    base = CandidateSpec(name="x", model="tiny", lora=LoraSpec(max_steps=10))
    same = CandidateSpec(name="x", model="tiny", lora={"max_steps": 10})
    other = CandidateSpec(name="x", model="tiny", lora={"max_steps": 11})
    assert base.spec_hash() == same.spec_hash() != other.spec_hash()
