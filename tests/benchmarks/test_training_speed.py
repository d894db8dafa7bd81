"""Training cost of the harness: `train_lora` against a bare trl SFTTrainer script, same tiny model, data and config.

One benchmark group, so pytest-benchmark prints the two side by side (`--benchmark-enable` to time them); each
records seconds per step in extra_info. The harness's extra work is its checks (every example tokenized once
more) and writing training.json; the steps themselves are trl's. Both group examples of similar length into
batches: the harness with its own shuffled buckets, the bare script with transformers' `group_by_length`
sampler, the nearest thing a trl user would write.
"""
from __future__ import annotations

import os

import pytest

from harness.suite.candidate import LoraSpec
from harness.training.data import load_training_examples
from harness.training.trainer import train_lora
from tests.training.synthetic import synthetic_records, tool_library, write_jsonl

LORA = LoraSpec(max_steps=20, batch_size=8, max_length=256, learning_rate=5e-3, r=8, alpha=16,
                validation_fraction=0.0, lr_scheduler="cosine", warmup_ratio=0.1)


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    from harness.backends.embedded import resolve_model

    saved = os.environ.get("HARNESS_CACHE_DIR")
    os.environ["HARNESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("models"))
    try:
        source = resolve_model("tiny")
    finally:
        os.environ.pop("HARNESS_CACHE_DIR") if saved is None else os.environ.update(HARNESS_CACHE_DIR=saved)
    examples = load_training_examples(write_jsonl(tmp_path_factory.mktemp("data") / "train.jsonl",
                                                  synthetic_records(200)), tool_library=tool_library())
    return source, examples, tmp_path_factory.mktemp("out")


def _fresh(source):
    from harness.backends.embedded import load_model, load_tokenizer

    return (load_model(source, "cpu"), load_tokenizer(source)), {}


def bare_sft(model, tokenizer, examples, lora: LoraSpec, output_dir) -> int:
    """What a user would write with trl and peft directly, with the same settings as `train_lora`."""
    from datasets import Dataset
    from peft import LoraConfig
    from trl import SFTConfig, SFTTrainer

    config = SFTConfig(output_dir=str(output_dir), max_steps=lora.max_steps, per_device_train_batch_size=lora.batch_size,
                       gradient_accumulation_steps=lora.grad_accum, learning_rate=lora.learning_rate,
                       lr_scheduler_type=lora.lr_scheduler, warmup_steps=lora.warmup_ratio, max_length=lora.max_length,
                       assistant_only_loss=True, bf16=False, activation_checkpointing=False, save_strategy="no",
                       report_to="none", disable_tqdm=True, seed=0, train_sampling_strategy="group_by_length")
    peft_config = LoraConfig(r=lora.r, lora_alpha=int(lora.alpha), lora_dropout=lora.dropout,
                             target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=model, args=config, processing_class=tokenizer, peft_config=peft_config,
                         train_dataset=Dataset.from_list([example.to_json() for example in examples]))
    trainer.train()
    trainer.save_model(str(output_dir))
    return trainer.state.global_step


@pytest.mark.benchmark(group="LoRA training, tiny model, 20 steps of 8 x <=256 tokens")
def test_speed_train_lora(benchmark, setting):
    source, examples, out = setting
    run = benchmark.pedantic(lambda model, tokenizer: train_lora(model, tokenizer, examples, LORA, seed=0,
                                                                 output_dir=out / "harness"),
                             setup=lambda: _fresh(source), rounds=3, warmup_rounds=1)
    benchmark.extra_info["steps"] = run.steps
    benchmark.extra_info["seconds_per_step_in_trainer"] = run.seconds_per_step


@pytest.mark.benchmark(group="LoRA training, tiny model, 20 steps of 8 x <=256 tokens")
def test_speed_bare_trl(benchmark, setting):
    source, examples, out = setting
    steps = benchmark.pedantic(lambda model, tokenizer: bare_sft(model, tokenizer, examples, LORA, out / "bare"),
                               setup=lambda: _fresh(source), rounds=3, warmup_rounds=1)
    benchmark.extra_info["steps"] = steps
