"""Candidate specs: backend resolution and the combinations a suite may not declare."""
import pytest
from pydantic import ValidationError

from harness.suite.spec import CandidateSpec, LoraSpec


def test_backend_is_resolved_from_what_the_candidate_gives():
    assert CandidateSpec(name="a", outputs="o.jsonl").resolved_backend == "replay"
    assert CandidateSpec(name="b", model="tiny").resolved_backend == "hf"
    assert CandidateSpec(name="c", model="m", endpoint={"base_url": "http://x/v1"}).resolved_backend == "openai"


@pytest.mark.parametrize("fields, message", [
    ({"backend": "openai", "model": "m"}, "needs `endpoint"),
    ({"backend": "hf"}, "needs `model:`"),
    ({"outputs": "o.jsonl", "lora": {"max_steps": 5}}, "needs the hf backend"),
    ({"model": "tiny", "lora": {"max_steps": 5}, "adapter": "a"}, "not both"),
    ({"model": "tiny", "lora": {"r": 8}}, "`epochs` or `max_steps`"),
    ({"model": "tiny", "strategy_k": 3}, "Extra inputs"),
    ({"model": "tiny", "select": "best"}, "'fixed', 'random' or 'similar'"),
])
def test_invalid_combinations_are_refused_with_the_reason(fields, message):
    with pytest.raises(ValidationError, match=message):
        CandidateSpec(name="x", **fields)


def test_spec_hash_changes_with_training_config_only_when_it_changes():
    base = CandidateSpec(name="x", model="tiny", lora=LoraSpec(max_steps=10))
    same = CandidateSpec(name="x", model="tiny", lora={"max_steps": 10})
    other = CandidateSpec(name="x", model="tiny", lora={"max_steps": 11})
    assert base.spec_hash() == same.spec_hash() != other.spec_hash()
