"""Adapter cache: content keys, a hit without loading or training anything, no half-written entry after a crash,
and the optional merged model."""
from __future__ import annotations

import pytest

from harness.suite.candidate import LoraSpec
from harness.training import adapter_cache
from harness.training.adapter_cache import adapter_cache_key, adapters_dir, get_or_train, is_complete

LORA = LoraSpec(max_steps=3, batch_size=8, max_length=256, learning_rate=5e-3, r=4, alpha=8, max_examples=24,
                validation_fraction=0.0)
BASE = {"model": "tiny", "version": "test"}


def _crash_at_step(step: int, error: BaseException):
    from transformers import TrainerCallback

    class Crash(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == step:
                raise error

    return Crash()


def test_key_covers_base_data_lora_and_seed_but_not_merge(synthetic_examples):
    key = adapter_cache_key(BASE, synthetic_examples, LORA, seed=0)
    assert key == adapter_cache_key(dict(BASE), list(synthetic_examples), LORA.model_copy(), seed=0)
    assert key == adapter_cache_key(BASE, synthetic_examples, LORA.model_copy(update={"merge": True}), seed=0)
    changed = [adapter_cache_key({**BASE, "version": "other"}, synthetic_examples, LORA, 0),
               adapter_cache_key(BASE, synthetic_examples[1:], LORA, 0),
               adapter_cache_key(BASE, synthetic_examples, LORA.model_copy(update={"r": 8}), 0),
               adapter_cache_key(BASE, synthetic_examples, LORA, 1),
               adapter_cache_key(BASE, synthetic_examples, LORA.model_copy(update={"seed": 0}), 1)]
    assert key not in changed[:4] and changed[4] == key  # lora.seed overrides the seed argument


def test_cache_dir_follows_harness_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path))
    assert adapters_dir() == tmp_path / "adapters"
    assert adapters_dir(tmp_path / "x") == tmp_path / "x" / "adapters"


def test_second_call_is_a_hit_that_neither_loads_nor_trains(tiny, synthetic_examples, tmp_path, monkeypatch):
    first = get_or_train(BASE, tiny, synthetic_examples, LORA, cache_dir=tmp_path)
    key = adapter_cache_key(BASE, synthetic_examples, LORA, 0)
    assert first.trained and first.path == tmp_path / "adapters" / key and is_complete(first.path)
    assert [p.name for p in (tmp_path / "adapters").iterdir()] == [key]  # no scratch folder left behind

    def refuse(*args, **kwargs):
        raise AssertionError("a cache hit must not train or load the base model")

    monkeypatch.setattr(adapter_cache, "train_lora", refuse)
    second = get_or_train(BASE, refuse, synthetic_examples, LORA, cache_dir=tmp_path)
    assert (second.path, second.run, second.trained) == (first.path, first.run, False)


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("power cut")])
def test_a_crash_mid_training_leaves_no_entry(tiny, synthetic_examples, tmp_path, error):
    with pytest.raises(type(error)):
        get_or_train(BASE, tiny, synthetic_examples, LORA, cache_dir=tmp_path, callbacks=[_crash_at_step(2, error)])
    assert list((tmp_path / "adapters").iterdir()) == []
    assert not any("lora_" in name for name, _ in tiny[0].named_modules())  # the base model is given back


def test_merge_saves_a_full_model_that_matches_base_plus_adapter(tiny, synthetic_examples, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model, tokenizer = tiny
    result = get_or_train(BASE, tiny, synthetic_examples, LORA.model_copy(update={"merge": True}), cache_dir=tmp_path)
    merged = AutoModelForCausalLM.from_pretrained(result.merged_path).eval()
    adapted = PeftModel.from_pretrained(model, str(result.path)).eval()
    ids = torch.tensor([tokenizer("What's the weather in Oslo?")["input_ids"]])
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, adapted(ids).logits, atol=1e-4)
    assert (result.merged_path / "tokenizer.json").is_file()


def test_merge_is_added_to_an_existing_entry(tiny, synthetic_examples, tmp_path):
    plain = get_or_train(BASE, tiny, synthetic_examples, LORA, cache_dir=tmp_path)
    assert plain.merged_path is None
    merged = get_or_train(BASE, lambda: tiny, synthetic_examples, LORA.model_copy(update={"merge": True}),
                          cache_dir=tmp_path)
    assert not merged.trained and merged.path == plain.path and (merged.merged_path / "config.json").is_file()


def test_scratch_left_by_a_killed_run_is_removed_once_stale(tmp_path):
    import os
    import time

    root = tmp_path / "adapters"
    stale, fresh = root / ".abc.train-1", root / ".abc.train-2"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
    old = time.time() - adapter_cache.STALE_SCRATCH_S - 60
    os.utime(stale, (old, old))
    adapter_cache._remove_stale_scratch(root)
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a run still going


@pytest.mark.parametrize("precision, keyed", [("bfloat16_if_native", True), ("bfloat16", False), ("auto", False)])
def test_a_machine_dependent_dtype_is_part_of_the_adapter_key(monkeypatch, tmp_path, precision, keyed):
    """`bfloat16_if_native` trains in bf16 on one machine and float32 on another: the adapter cache keys on the
    dtype used, so one never stands in for the other; a fixed dtype keeps its key (and its cached adapters)."""
    import torch

    import harness.training.candidate as candidate_module
    from harness.suite.candidate import CandidateSpec, LoraSpec

    seen = {}
    monkeypatch.setattr(candidate_module, "get_or_train", lambda identity, *args, **kwargs: seen.update(identity))
    monkeypatch.setattr(candidate_module, "resolve_model",
                        lambda name, root: type("Source", (), {"identity": {"hub_id": name}, "name": name})())
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    suite = type("Suite", (), {"train_examples": (), "root": tmp_path,
                               "spec": type("Spec", (), {"seed": 0})()})()
    spec = CandidateSpec(name="ft", model="tiny", lora=LoraSpec(dtype=precision, max_steps=1), device="cpu")
    candidate_module.candidate_adapter(suite, spec)
    assert seen == ({"hub_id": "tiny", "model": "tiny", "base_dtype": "float32"} if keyed
                    else {"hub_id": "tiny", "model": "tiny"})
