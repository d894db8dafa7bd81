"""Checks that run before any training step: a usable train split, LoRA targets that exist, a long enough max_length.

Each failure is one HarnessInputError naming the `lora.*` field to change, so a bad config costs seconds, not a run.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.errors import HarnessInputError
from harness.suite.candidate import LoraSpec
from harness.training.examples import TrainingExample

ALL_LINEAR = "all-linear"


@dataclass(frozen=True)
class Split:
    train: tuple[TrainingExample, ...]
    validation: tuple[TrainingExample, ...]


@dataclass(frozen=True)
class LengthReport:
    """Token lengths of the training examples under the model's chat template."""

    longest_prompt: int
    truncated: int  # examples whose answer is cut by max_length (the prompt still fits)
    lengths: tuple[int, ...] = ()  # every example's whole length, in the order given

    @property
    def longest_example(self) -> int:
        return max(self.lengths, default=0)


def split_examples(examples: Sequence[TrainingExample], lora: LoraSpec, seed: int) -> Split:
    """Seeded shuffle, keep `lora.max_examples`, hold out `lora.validation_fraction` (none if under one example)."""
    if not examples:
        raise HarnessInputError("the train split is empty: nothing to fine-tune on", field="data.train",
                                hint="add chat-format examples to the suite's train file")
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    chosen = [examples[i] for i in order[:lora.max_examples or len(order)]]
    held_out = int(len(chosen) * lora.validation_fraction)
    if held_out >= len(chosen):  # validation_fraction < 0.5, so only reachable with one example
        held_out = 0
    return Split(train=tuple(chosen[held_out:]), validation=tuple(chosen[:held_out]))


def check_target_modules(model: Any, target_modules: str | Sequence[str]) -> None:
    """Every named target must match a module of `model` (peft would fail later, deep in a traceback)."""
    names = [name for name, _ in model.named_modules() if name]
    linear = _linear_layer_names(model)
    hint = f"this model's linear layers: {', '.join(linear) or 'none'}; or use all-linear"
    if target_modules == ALL_LINEAR:
        if not linear:
            raise HarnessInputError("the model has no linear layers to adapt", field="lora.target_modules")
        return
    if isinstance(target_modules, str):  # peft reads a single string as a regex over full module names
        if not any(re.fullmatch(target_modules, name) for name in names):
            raise HarnessInputError(f"no module of the model matches {target_modules!r}",
                                    field="lora.target_modules", hint=hint)
        return
    for target in target_modules:
        if target == "lm_head":
            raise HarnessInputError("lm_head cannot be a LoRA target (trl computes the loss from its weight directly)",
                                    field="lora.target_modules", hint=hint)
        if not any(name == target or name.endswith("." + target) for name in names):
            raise HarnessInputError(f"the model has no module named {target!r}", field="lora.target_modules",
                                    hint=hint)


def check_lengths(examples: Sequence[TrainingExample], tokenizer: Any, max_length: int,
                  chat_template: str | None = None) -> LengthReport:
    """Fail when some prompt (system + user turns) fills `max_length`: trl would cut the whole answer and
    silently drop the example. Answers cut part-way are counted, not refused."""
    prompt_lengths, full_lengths = [], []
    for example in examples:
        prompt_lengths.append(_token_count(tokenizer, example.prompt_messages, chat_template, generation_prompt=True))
        full_lengths.append(_token_count(tokenizer, example.messages, chat_template, generation_prompt=False))
    too_long = sum(length >= max_length for length in prompt_lengths)
    if too_long:
        raise HarnessInputError(
            f"max_length {max_length} leaves no room for the answer in {too_long} of {len(examples)} examples "
            f"(their prompts run up to {max(prompt_lengths)} tokens)", field="lora.max_length",
            hint=f"set max_length to at least {max(full_lengths)}, the longest whole example")
    truncated = sum(length > max_length for length in full_lengths)
    return LengthReport(max(prompt_lengths, default=0), truncated, tuple(full_lengths))


def _token_count(tokenizer: Any, messages: Sequence[Any], chat_template: str | None, generation_prompt: bool) -> int:
    ids = tokenizer.apply_chat_template([dict(m) for m in messages], chat_template=chat_template, tokenize=True,
                                        add_generation_prompt=generation_prompt, return_dict=True)["input_ids"]
    return len(ids)


def _linear_layer_names(model: Any) -> list[str]:
    """Distinct short names of the linear layers LoRA can adapt (the output head excluded)."""
    import torch

    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, torch.nn.Linear) and module is not head})
