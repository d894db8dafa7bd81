"""LoRA training with trl on the embedded tiny model: checks before training, a real run that lowers the loss,
honest token counts, the saved adapter, and the caller's model and tokenizer left as they were."""
from __future__ import annotations

import copy
import json

import pytest

from harness.errors import HarnessInputError
from harness.suite.candidate import LoraSpec
from harness.training.checks import split_examples
from harness.training.trainer import TRAINING_JSON, TrainingRun, loss_curve, train_lora

FAST = {"batch_size": 8, "max_length": 256, "learning_rate": 5e-3, "r": 8, "alpha": 16}


def _whole_lengths(tokenizer, examples) -> list[int]:
    """Token count of each whole example under the tokenizer's own template: an oracle independent of train_lora."""
    return [len(tokenizer.apply_chat_template([dict(m) for m in ex.messages], tokenize=True,
                                              return_dict=True)["input_ids"]) for ex in examples]


def _has_lora_layers(model) -> bool:
    return any("lora_" in name for name, _ in model.named_modules())


@pytest.mark.parametrize("targets, message", [
    (("q_proj", "qq_proj"), "field 'lora.target_modules': the model has no module named 'qq_proj'"),
    (r".*\.attn\.nothing", "no module of the model matches"),
    (("lm_head",), "lm_head cannot be a LoRA target"),
])
def test_bad_target_modules_fail_before_training(tiny, synthetic_examples, tmp_path, targets, message):
    model, tokenizer = tiny
    lora = LoraSpec(max_steps=2, target_modules=targets, **FAST)
    with pytest.raises(HarnessInputError) as error:
        train_lora(model, tokenizer, synthetic_examples, lora, seed=0, output_dir=tmp_path / "out")
    assert message in str(error.value) and "q_proj" in str(error.value)  # the hint lists the real layers
    assert not (tmp_path / "out").exists() and not _has_lora_layers(model)


def test_max_length_shorter_than_the_prompts_fails_with_the_needed_length(tiny, synthetic_examples, tmp_path):
    model, tokenizer = tiny
    lora = LoraSpec(max_steps=2, **{**FAST, "max_length": 64})
    with pytest.raises(HarnessInputError) as error:
        train_lora(model, tokenizer, synthetic_examples, lora, seed=0, output_dir=tmp_path / "out")
    text = str(error.value)
    assert f"of {len(synthetic_examples)} examples" in text and "field 'lora.max_length'" in text
    assert "set max_length to at least" in text and "\n" not in text


def test_empty_train_split_fails(tiny, tmp_path):
    model, tokenizer = tiny
    with pytest.raises(HarnessInputError, match="field 'data.train': the train split is empty"):
        train_lora(model, tokenizer, [], LoraSpec(max_steps=2, **FAST), seed=0, output_dir=tmp_path / "out")


def test_training_lowers_the_loss_and_records_the_run(tiny, synthetic_examples, tmp_path):
    from peft import PeftModel

    model, tokenizer = tiny
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    lora = LoraSpec(epochs=2, validation_fraction=0.05, lr_scheduler="constant", warmup_ratio=0.0, **FAST)
    messages: list[str] = []
    run = train_lora(model, tokenizer, synthetic_examples, lora, seed=1, output_dir=tmp_path / "adapter",
                     progress=messages.append, generation_eval=2)

    split = split_examples(synthetic_examples, lora, seed=1)
    assert (run.train_examples, run.eval_examples) == (len(split.train), len(split.validation)) == (114, 6)
    assert run.steps == 30 and run.epochs == 2.0 and run.examples_seen == 228
    assert run.final_train_loss < run.initial_train_loss
    assert run.eval_loss is not None and any(p.eval_loss is not None for p in run.loss_curve)
    # Every non-padding token of the train split, seen once per epoch.
    lengths = _whole_lengths(tokenizer, split.train)
    assert run.tokens_trained == 2 * sum(min(n, lora.max_length) for n in lengths)
    assert run.device == "cpu" and run.world_size == 1 and run.trainable_parameters > 0
    assert set(run.generation_metrics) >= {"parse_rate", "tool_call_accuracy"}
    assert {"torch", "transformers", "peft", "trl"} <= set(run.library_versions)
    assert any(m.startswith("step 30/30") for m in messages)

    saved = json.loads((tmp_path / "adapter" / TRAINING_JSON).read_text())
    assert TrainingRun.from_json(saved) == run
    # The caller's model is the untouched base again; the adapter loads on top of it.
    assert not _has_lora_layers(model)
    assert all((p == before[name]).all() for name, p in model.named_parameters())
    assert _has_lora_layers(PeftModel.from_pretrained(model, str(tmp_path / "adapter")))


def test_same_seed_same_run_and_a_template_without_markers_is_replaced_on_a_copy(tiny_source, synthetic_examples,
                                                                               tmp_path):
    from harness.backends.embedded import load_model, load_tokenizer

    tokenizer = load_tokenizer(tiny_source)
    tokenizer.chat_template = tokenizer.chat_template.replace("{% generation %}", "").replace(
        "{% endgeneration %}", "")
    original = copy.deepcopy(tokenizer.chat_template)
    lora = LoraSpec(max_steps=3, validation_fraction=0.0, max_examples=24, **FAST)
    runs = [train_lora(load_model(tiny_source, "cpu"), tokenizer, synthetic_examples, lora, seed=5,
                       output_dir=tmp_path / str(i)) for i in range(2)]
    assert tokenizer.chat_template == original
    assert "{% generation %}" in (tmp_path / "0" / "chat_template.jinja").read_text()
    assert runs[0].loss_curve == runs[1].loss_curve and runs[0].eval_loss is None


def test_a_bfloat16_base_trains_float32_lora_weights_and_records_its_dtype(tiny_source, synthetic_examples, tmp_path):
    """`lora.dtype: bfloat16` loads the frozen base in bf16 (the speed lever on AVX512-BF16/AMX CPUs) while peft
    keeps the trained weights in float32, so the optimizer's small updates are not rounded away."""
    import torch

    lora = LoraSpec(max_steps=3, validation_fraction=0.0, max_examples=24, dtype="bfloat16", **FAST)
    run = train_lora("tiny", None, synthetic_examples, lora, seed=5, output_dir=tmp_path / "bf16")
    assert run.base_dtype == "bfloat16" and run.lora["dtype"] == "bfloat16"
    assert run.final_train_loss is not None and run.steps == 3
    from safetensors.torch import load_file

    weights = load_file(str(tmp_path / "bf16" / "adapter_model.safetensors"))
    assert weights and {tensor.dtype for tensor in weights.values()} == {torch.float32}
    fp32 = train_lora("tiny", None, synthetic_examples, lora.model_copy(update={"dtype": "float32"}), seed=5,
                      output_dir=tmp_path / "fp32")
    assert fp32.base_dtype == "float32"
    # Same data and seed: the losses agree to bf16's precision, not exactly.
    assert fp32.initial_train_loss == pytest.approx(run.initial_train_loss, rel=0.05)


def test_loss_curve_merges_train_and_eval_logs_by_step():
    history = [{"loss": 3.0, "learning_rate": 0.1, "step": 1, "epoch": 0.1}, {"loss": 2.0, "step": 2, "epoch": 0.2},
               {"eval_loss": 2.5, "step": 2, "epoch": 0.2}, {"train_runtime": 1.0, "step": 2}]
    curve = loss_curve(history)
    assert [(p.step, p.train_loss, p.eval_loss) for p in curve] == [(1, 3.0, None), (2, 2.0, 2.5)]


def test_training_text_starts_with_exactly_the_inference_prompt(tiny, synthetic_examples):
    """The tokens trained on begin with the tokens the model is prompted with, so the adapter learns to answer
    the prompt it will be given, not a differently tokenized one."""
    _, tokenizer = tiny
    for example in synthetic_examples[:20]:
        prompt = tokenizer.apply_chat_template([dict(m) for m in example.prompt_messages], tokenize=True,
                                               add_generation_prompt=True, return_dict=True)["input_ids"]
        full = tokenizer.apply_chat_template([dict(m) for m in example.messages], tokenize=True,
                                             return_dict=True)["input_ids"]
        assert full[:len(prompt)] == prompt


def test_training_prompt_is_what_the_hf_backend_renders_at_inference(tiny):
    """Guards the pairing of trainer and backend: the same system prompt, tool signatures and template."""
    import json
    from pathlib import Path

    from harness.backends.hf import render_prompt
    from harness.suite.load import load_suite

    _, tokenizer = tiny
    suite = load_suite(Path(__file__).resolve().parents[2] / "suites" / "toolshop" / "suite.tiny.yaml")
    examples = suite.train_examples
    lines = (suite.root / suite.spec.data.train).read_text().splitlines()
    for example, line in list(zip(examples, lines))[:25]:
        record = json.loads(line)
        tools = [suite.tool_library[name] for name in record["tools"]]
        served = render_prompt(tokenizer, record["messages"][:-1], tools)
        trained = tokenizer.apply_chat_template([dict(m) for m in example.messages], tokenize=False)
        assert trained.startswith(served)


@pytest.mark.slow
def test_tiny_model_learns_to_emit_tool_calls(tiny, tmp_path):
    """The measured recipe: 200 examples, 300 steps (about a minute on 2 CPU cores) take the random `tiny`
    model from no calls at all to parseable `<tool_call>` lines on held-out requests."""
    from peft import PeftModel

    from harness.training.data import load_training_examples
    from harness.training.metrics import generation_metrics
    from tests.training.synthetic import synthetic_records, tool_library, write_jsonl

    model, tokenizer = tiny
    train = load_training_examples(write_jsonl(tmp_path / "train.jsonl", synthetic_records(200)), "auto",
                                   tool_library())
    held_out = load_training_examples(write_jsonl(tmp_path / "test.jsonl", synthetic_records(40, seed=99)), "auto",
                                      tool_library())
    assert generation_metrics(model, tokenizer, held_out, max_new_tokens=64)["call_rate"] == 0.0
    lora = LoraSpec(max_steps=300, batch_size=8, max_length=256, learning_rate=5e-3, r=16, alpha=32)
    run = train_lora(model, tokenizer, train, lora, seed=0, output_dir=tmp_path / "adapter")
    adapted = PeftModel.from_pretrained(model, str(tmp_path / "adapter"))
    scores = generation_metrics(adapted, tokenizer, held_out, max_new_tokens=64)
    assert run.final_train_loss < 0.5 and scores["parse_rate"] >= 0.9 and scores["call_rate"] >= 0.7
    assert scores["tool_call_accuracy"] >= 0.2


def test_batches_hold_examples_of_similar_length(tiny, synthetic_examples, tmp_path):
    """The Trainer is fed length-bucketed batches, so it pads far less than a random order would."""
    import random

    from transformers import TrainerCallback

    from harness.training.batching import padded_positions

    seen: list[tuple[int, int]] = []  # (padded positions, real tokens) per batch

    class CaptureBatches(TrainerCallback):
        def on_train_begin(self, args, state, control, train_dataloader=None, **kwargs):
            for batch in train_dataloader:
                mask = batch["attention_mask"]
                seen.append((mask.numel(), int(mask.sum())))

    model, tokenizer = tiny
    lora = LoraSpec(max_steps=1, validation_fraction=0.0, **FAST)
    train_lora(model, tokenizer, synthetic_examples, lora, seed=2, output_dir=tmp_path / "out",
               callbacks=[CaptureBatches()])
    padded, real = sum(p for p, _ in seen), sum(r for _, r in seen)
    lengths = _whole_lengths(tokenizer, synthetic_examples)
    shuffled = list(range(len(lengths)))
    random.Random(2).shuffle(shuffled)
    assert real == sum(lengths) and padded < padded_positions(lengths, shuffled, lora.batch_size)
    assert padded < 1.1 * real


def test_micro_batches_give_the_same_update_as_one_pass(tiny_source, synthetic_examples, tmp_path):
    """A step of 8 fed one example at a time (the CPU default) learns what one pass over the 8 learns: the
    gradients add up and the loss is normalised by the whole step's tokens, not per micro-batch."""
    from harness.backends.embedded import load_model, load_tokenizer

    tokenizer = load_tokenizer(tiny_source)
    runs = {}
    for micro in (8, 1):
        lora = LoraSpec(max_steps=3, validation_fraction=0.0, max_examples=24, micro_batch_size=micro, **FAST)
        assert lora.micro_batch(on_gpu=False) == micro
        runs[micro] = train_lora(load_model(tiny_source, "cpu"), tokenizer, synthetic_examples, lora, seed=5,
                                 output_dir=tmp_path / str(micro))
    one_pass, micro_batched = ([p.train_loss for p in runs[m].loss_curve] for m in (8, 1))
    # the first loss is before any update; later ones differ only by float summation order, which grows a little
    # with each update at this high learning rate
    for loss, reference, tolerance in zip(micro_batched, one_pass, (1e-5, 1e-4, 1e-3)):
        assert loss == pytest.approx(reference, rel=tolerance)
    assert micro_batched != one_pass  # two different feeds really ran
    assert runs[1].tokens_trained == runs[8].tokens_trained and runs[1].steps == runs[8].steps == 3


def test_micro_batch_defaults_and_must_divide_the_batch():
    assert LoraSpec(max_steps=1, batch_size=8).micro_batch(on_gpu=False) == 1
    assert LoraSpec(max_steps=1, batch_size=8).micro_batch(on_gpu=True) == 8
    with pytest.raises(ValueError, match="micro_batch_size 3 must divide batch_size 8"):
        LoraSpec(max_steps=1, batch_size=8, micro_batch_size=3)


def test_a_conversation_with_tool_results_trains_on_the_assistant_turns_only(tiny, tmp_path):
    """A multi-turn example (call, tool result, answer, next request, ...): trl's assistant mask covers the
    assistant's calls and answers and none of the user turns or tool results fed back to it."""
    import json

    from harness.training.checks import Split
    from harness.training.data import load_training_examples
    from harness.training.trainer import _build_trainer, _with_training_template

    tool = {"name": "balance", "parameters": {"type": "object", "properties": {"account": {"type": "string"}}}}
    call = {"type": "function", "function": {"name": "balance", "arguments": {"account": "bob"}}}
    record = {"messages": [
        {"role": "user", "content": "How much does bob have?"},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "content": "{\"account\": \"bob\", \"balance\": 80}"},
        {"role": "assistant", "content": "Bob has 80."},
        {"role": "user", "content": "And alice?"},
        {"role": "assistant", "tool_calls": [{**call, "function": {"name": "balance", "arguments": {"account": "alice"}}}]},
        {"role": "tool", "content": "{\"account\": \"alice\", \"balance\": 70}"},
        {"role": "assistant", "content": "Alice has 70."}], "tools": [tool]}
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(record) + "\n")
    example, = load_training_examples(path)
    model, tokenizer = tiny
    tokenizer = _with_training_template(tokenizer)
    lora = LoraSpec(max_steps=1, batch_size=1, max_length=512)
    trainer = _build_trainer(model, tokenizer, Split(train=(example,), validation=()), lora, 0, tmp_path / "out",
                             [], [len(tokenizer.apply_chat_template(list(example.messages), tokenize=True))])
    row = trainer.train_dataset[0]  # trl's tokenized row: labels are -100 wherever no loss is taken
    trained = tokenizer.decode([token for token, label in zip(row["input_ids"], row["labels"]) if label != -100])
    assert trained == ('<tool_call>{"name": "balance", "arguments": {"account": "bob"}}</tool_call><|im_end|>'
                       'Bob has 80.<|im_end|>'
                       '<tool_call>{"name": "balance", "arguments": {"account": "alice"}}</tool_call><|im_end|>'
                       'Alice has 70.<|im_end|>')
    untrained = tokenizer.decode([token for token, label in zip(row["input_ids"], row["labels"]) if label == -100])
    assert "<tool_response>{\"account\": \"bob\", \"balance\": 80}</tool_response>" in untrained
    assert "And alice?" in untrained and "Bob has" not in untrained
