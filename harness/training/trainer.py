"""LoRA supervised fine-tuning with trl's SFTTrainer, configured from a suite's `lora:` block.

`train_lora` checks everything first, trains on the assistant turns only, saves a standard PEFT adapter and
returns a `TrainingRun` (cost, tokens, loss curve). It runs unchanged under `accelerate launch`.
"""
from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.backends.prompt_format import CHATML_TEMPLATE
from harness.io.atomic import atomic_write_json
from harness.io.hashing import json_sha256
from harness.progress import Progress as HarnessProgress
from harness.suite.candidate import LoraSpec
from harness.training.batching import LengthBucketedSampler
from harness.training.checks import check_lengths, check_target_modules, split_examples
from harness.training.data import training_dataset
from harness.training.examples import TrainingExample
from harness.training.learning_curve import learning_curve_callback
from harness.training.loss import answer_token_loss
from harness.training.metrics import single_answer_examples

#: Written beside the adapter; the cache reads it back on a hit.
TRAINING_JSON = "training.json"
#: Log the train loss about 25 times per run: enough for a loss curve, and logging costs nothing.
LOG_EVERY = 0.04
#: Evaluate on the validation split four times per run: each evaluation costs about a third of a training
#: step per batch of validation examples, so evaluating at every log point more than doubled a CPU run.
EVAL_EVERY = 0.25
#: Libraries whose versions decide what a training run produces.
TRAINING_LIBRARIES = ("torch", "transformers", "peft", "trl", "datasets", "accelerate")

#: Where training messages go: any message function; a `harness.progress.Progress` also gets every step.
Progress = Callable[[str], None]


@dataclass(frozen=True)
class LossPoint:
    """One logging step: the train loss averaged since the last point, and the validation loss if evaluated."""

    step: int
    epoch: float
    train_loss: float | None = None
    eval_loss: float | None = None
    learning_rate: float | None = None


@dataclass(frozen=True)
class TrainingRun:
    """What a fine-tune cost and how it went; written as `training.json` beside the adapter."""

    base_model: str
    device: str
    world_size: int
    seed: int
    lora: Mapping[str, Any] = field(hash=False)
    train_examples: int = 0          # examples in the train split (after the validation hold-out)
    eval_examples: int = 0
    examples_seen: int = 0           # epochs x train examples: repeats across epochs included
    examples_truncated: int = 0      # answers cut by max_length
    no_call_examples: int | None = None  # train-split examples whose answer calls no tool (None: not counted)
    epochs: float = 0.0
    steps: int = 0
    tokens_trained: int = 0          # non-padding input tokens fed to the model, all processes together
    wall_time_s: float = 0.0
    trainable_parameters: int = 0
    final_train_loss: float | None = None
    mean_train_loss: float | None = None
    eval_loss: float | None = None
    loss_curve: tuple[LossPoint, ...] = field(default=(), hash=False)
    library_versions: Mapping[str, str] = field(default_factory=dict, hash=False)
    chat_template_sha256: str = ""
    generation_metrics: Mapping[str, float] | None = field(default=None, hash=False)
    #: At each evaluation: step, examples_seen and the dev split's scores (`harness.training.learning_curve`).
    learning_curve: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)
    #: The frozen base model's weight dtype while training ("" in runs recorded before it was kept).
    base_dtype: str = ""

    @property
    def seconds_per_step(self) -> float | None:
        return self.wall_time_s / self.steps if self.steps else None

    @property
    def initial_train_loss(self) -> float | None:
        return next((p.train_loss for p in self.loss_curve if p.train_loss is not None), None)

    def to_json(self) -> dict:
        data = asdict(self)
        data["loss_curve"] = [asdict(point) for point in self.loss_curve]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TrainingRun:
        curve = tuple(LossPoint(**point) for point in data.get("loss_curve", ()))
        return cls(**{**data, "loss_curve": curve, "learning_curve": tuple(data.get("learning_curve", ()))})


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in TRAINING_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def train_lora(model: Any, tokenizer: Any, train_examples: Sequence[TrainingExample], lora: LoraSpec,
               seed: int, output_dir: str | Path, progress: Progress | None = None, *,
               callbacks: Sequence[Any] = (), generation_eval: int = 0) -> TrainingRun:
    """Fine-tune a LoRA adapter on `train_examples` and save it (PEFT format) with `training.json` in `output_dir`.

    `model` is a loaded causal LM, or a name for `harness.backends.embedded.load_causal_lm` (`tiny`,
    `smollm2-135m-instruct`, a folder, a hub id; then `tokenizer` may be None). A loaded model is given back
    unchanged: the LoRA layers are removed again after saving. `lora.seed`, when set, overrides `seed`.
    `generation_eval` > 0 greedily generates on that many validation examples after training and records the
    harness's tool-call metrics on them. Raises HarnessInputError before training on bad input.
    Under `accelerate launch` / `torchrun` every process calls this alike: the Trainer shards the data and
    gathers the counts, and only the main process writes.
    """
    seed = lora.seed if lora.seed is not None else seed
    model, tokenizer, base_name = _load(model, tokenizer, lora)
    tokenizer = _with_training_template(tokenizer)
    split = split_examples(train_examples, lora, seed)
    check_target_modules(model, lora.target_modules)
    lengths = check_lengths([*split.train, *split.validation], tokenizer, lora.max_length)
    if lengths.truncated and progress:
        progress(f"{lengths.truncated} examples are longer than max_length {lora.max_length}; their answers are cut")
    peft_model = _add_lora(model, lora, seed)
    try:
        started = time.perf_counter()  # the cost includes tokenizing the data and the final evaluation
        curve: list[dict] = []
        dev = single_answer_examples(split.validation, lora.dev_examples)
        extra = [learning_curve_callback(dev, tokenizer, len(split.train), curve)] if dev else []
        trainer = _build_trainer(peft_model, tokenizer, split, lora, seed, Path(output_dir),
                                 [*callbacks, *extra, *_progress(progress)], lengths.lengths[:len(split.train)])
        result = trainer.train()
        eval_loss = _final_eval_loss(trainer) if split.validation else None
        wall_time = time.perf_counter() - started
        generation = _generation_metrics(trainer, tokenizer, single_answer_examples(split.validation, generation_eval))
        run = dataclasses.replace(_training_run(trainer, result, base_name, seed, lora, split, lengths.truncated,
                                                wall_time, eval_loss, tokenizer, generation),
                                  learning_curve=tuple(curve))
        _save(trainer, run, Path(output_dir))
        return run
    finally:
        peft_model.unload().eval()  # the caller's model is the base model again


def _final_eval_loss(trainer: Any) -> float:
    """The validation loss after the last step: from the log when the last scheduled evaluation fell on it."""
    last = next((entry for entry in reversed(trainer.state.log_history) if "eval_loss" in entry), None)
    if last is not None and last.get("step") == trainer.state.global_step:
        return float(last["eval_loss"])
    return float(trainer.evaluate()["eval_loss"])


def _save(trainer: Any, run: TrainingRun, output_dir: Path) -> None:
    trainer.save_model(str(output_dir))  # adapter (save_pretrained) and tokenizer; only the main process writes
    if trainer.is_world_process_zero():
        atomic_write_json(output_dir / TRAINING_JSON, run.to_json())


def _load(model: Any, tokenizer: Any, lora: LoraSpec) -> tuple[Any, Any, str]:
    if isinstance(model, (str, Path)):
        from harness.backends.embedded import load_causal_lm, pick_device, resolve_dtype

        loaded = load_causal_lm(str(model), dtype=resolve_dtype(lora.dtype, pick_device()))
        return loaded.model, tokenizer or loaded.tokenizer, str(model)
    if tokenizer is None:
        raise TypeError("train_lora needs the tokenizer when given a loaded model")
    return model, tokenizer, str(getattr(model.config, "_name_or_path", "") or type(model).__name__)


def _with_training_template(tokenizer: Any) -> Any:
    """The tokenizer, or a copy with the harness's ChatML template when its own lacks `{% generation %}`
    markers, which `assistant_only_loss` needs. The caller's tokenizer is never changed."""
    template = tokenizer.chat_template if isinstance(tokenizer.chat_template, str) else None
    if template and "generation" in template and "endgeneration" in template:
        return tokenizer
    tokenizer = copy.deepcopy(tokenizer)
    tokenizer.chat_template = CHATML_TEMPLATE
    return tokenizer


def _add_lora(model: Any, lora: LoraSpec, seed: int) -> Any:
    """The model wrapped in fresh LoRA layers, made here (not inside SFTTrainer) so that they can be
    removed again whatever happens, and seeded so the adapter's initial weights depend on `seed` alone."""
    from peft import get_peft_model
    from transformers import set_seed

    set_seed(seed)
    return get_peft_model(model, lora_config(lora))


def _build_trainer(model: Any, tokenizer: Any, split, lora: LoraSpec, seed: int, output_dir: Path,
                   callbacks: list, train_lengths: Sequence[int]) -> Any:
    from datasets.utils import logging as datasets_logging
    from transformers import PrinterCallback
    from trl import SFTTrainer

    class LengthBucketedSFTTrainer(SFTTrainer):
        """trl's trainer fed batches of similar length (harness.training.batching): far less padding on a CPU."""

        def _get_train_sampler(self, train_dataset=None):
            dataset = train_dataset if train_dataset is not None else self.train_dataset
            if len(dataset) != len(train_lengths):  # trl dropped or added rows: fall back to a random order
                return super()._get_train_sampler(train_dataset)
            return LengthBucketedSampler(train_lengths, lora.batch_size, seed)

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            """Off CUDA, the loss from the answer positions' logits alone (harness.training.loss); trl's own
            elsewhere, and wherever trl adds to the plain loss (MoE aux loss, label smoothing, a loss function)."""
            if return_outputs or self.model.device.type == "cuda" or self.aux_loss_enabled \
                    or self.compute_loss_func is not None or self.label_smoother is not None:
                return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
            loss = answer_token_loss(model, inputs, num_items_in_batch)
            if self.args.average_tokens_across_devices and num_items_in_batch is not None:
                loss = loss * self.accelerator.num_processes  # as trl: DDP averages, the count is global
            return loss

    bars = datasets_logging.is_progress_bar_enabled()
    datasets_logging.disable_progress_bar()  # four tokenizing bars per split: noise in a harness run
    try:
        trainer = LengthBucketedSFTTrainer(
            model=model, args=sft_config(lora, seed, output_dir, bool(split.validation)),
            train_dataset=training_dataset(split.train),
            eval_dataset=training_dataset(split.validation) if split.validation else None,
            processing_class=tokenizer, callbacks=callbacks)
    finally:
        if bars:
            datasets_logging.enable_progress_bar()
    trainer.remove_callback(PrinterCallback)  # with tqdm off, Trainer prints every log dict; `progress` reports instead
    return trainer


def sft_config(lora: LoraSpec, seed: int, output_dir: Path, evaluate: bool) -> Any:
    """trl's SFTConfig for a `lora:` block. `max_steps`, when given, wins over `epochs`."""
    import torch
    from trl import SFTConfig

    on_gpu = torch.cuda.is_available()
    # A step's batch is fed in micro-batches whose gradients accumulate: the Trainer divides the summed token
    # losses by the tokens of the whole step, so the update equals one pass over the batch. On a CPU, one
    # example per pass keeps the peak at one example's activations (8 x 640 tokens at once: 21 GB).
    micro = lora.micro_batch(on_gpu)
    return SFTConfig(
        output_dir=str(output_dir),
        num_train_epochs=lora.epochs or 1.0,
        max_steps=lora.max_steps or -1,
        per_device_train_batch_size=micro,
        per_device_eval_batch_size=micro,
        gradient_accumulation_steps=lora.grad_accum * (lora.batch_size // micro),
        learning_rate=lora.learning_rate,
        lr_scheduler_type=_scheduler(lora),
        warmup_steps=lora.warmup_ratio,  # a float below 1 is a fraction of the total steps
        max_length=lora.max_length,
        assistant_only_loss=True,
        # trl defaults to bf16 and gradient checkpointing; on CPU bf16 made steps 14x slower.
        bf16=on_gpu and torch.cuda.is_bf16_supported(),
        fp16=False,
        **{_checkpointing_field(SFTConfig): on_gpu},
        logging_strategy="steps",
        logging_steps=LOG_EVERY,
        logging_first_step=True,
        eval_strategy="steps" if evaluate else "no",
        eval_steps=EVAL_EVERY,
        save_strategy="no",  # the adapter is saved once, at the end; the cache makes that write atomic
        report_to="none",
        seed=seed,
        data_seed=seed,
        include_num_input_tokens_seen="non_padding",
        disable_tqdm=True,
        dataloader_num_workers=0,
        dataloader_pin_memory=on_gpu,  # pinning only helps host-to-GPU copies (and warns on CPU)
        ddp_find_unused_parameters=False,  # every LoRA weight is used; the search costs a graph walk per step
        # Without a GPU, say so: under torchrun / accelerate launch that makes the processes one gloo group
        # (DDP on CPU) instead of each training alone.
        use_cpu=not on_gpu,
    )


def _checkpointing_field(config_class: Any) -> str:
    """transformers 5.x renamed `gradient_checkpointing` (now a deprecated alias) to `activation_checkpointing`."""
    from dataclasses import fields

    names = {f.name for f in fields(config_class)}
    return "activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing"


def lora_config(lora: LoraSpec) -> Any:
    from peft import LoraConfig

    targets = lora.target_modules if isinstance(lora.target_modules, str) else list(lora.target_modules)
    alpha = int(lora.alpha) if float(lora.alpha).is_integer() else lora.alpha
    return LoraConfig(r=lora.r, lora_alpha=alpha, lora_dropout=lora.dropout, target_modules=targets,
                      bias="none", task_type="CAUSAL_LM")


def _scheduler(lora: LoraSpec) -> str:
    if lora.lr_scheduler == "constant" and lora.warmup_ratio > 0:
        return "constant_with_warmup"
    return lora.lr_scheduler


def _progress(progress: Progress | None) -> list:
    """A callback reporting each logged loss and, to a `harness.progress.Progress`, every step, so a log shows
    where training is between loss logs."""
    if progress is None:
        return []
    from transformers import TrainerCallback

    say = progress
    update = progress.update if isinstance(progress, HarnessProgress) else None

    class ReportProgress(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if state.is_world_process_zero and logs:
                losses = " ".join(f"{key}={logs[key]:.4f}" for key in ("loss", "eval_loss") if key in logs)
                if losses:
                    say(f"step {state.global_step}/{state.max_steps} {losses}")
                    if update is not None:
                        update(detail=losses)

        def on_step_end(self, args, state, control, **kwargs):
            if update is not None and state.is_world_process_zero:
                update(done=state.global_step, total=state.max_steps)

    return [ReportProgress()]


def _training_run(trainer: Any, result: Any, base_name: str, seed: int, lora: LoraSpec, split, truncated: int,
                  wall_time: float, eval_loss: float | None, tokenizer: Any,
                  generation: Mapping[str, float] | None) -> TrainingRun:
    from harness.training.metrics import no_call_count

    state = trainer.state
    curve = loss_curve(state.log_history)
    final = next((p.train_loss for p in reversed(curve) if p.train_loss is not None), None)
    return TrainingRun(
        base_model=base_name, device=_device_name(trainer.args.device), world_size=trainer.args.world_size,
        seed=seed, lora=lora.model_dump(mode="json"), train_examples=len(split.train),
        eval_examples=len(split.validation), examples_seen=round(state.epoch * len(split.train)),
        examples_truncated=truncated, no_call_examples=no_call_count(split.train), epochs=round(state.epoch, 4),
        steps=state.global_step,
        tokens_trained=int(state.num_input_tokens_seen), wall_time_s=round(wall_time, 3),
        trainable_parameters=sum(p.numel() for p in trainer.model.parameters() if p.requires_grad),
        final_train_loss=final, mean_train_loss=result.training_loss, eval_loss=eval_loss, loss_curve=curve,
        library_versions=library_versions(), chat_template_sha256=json_sha256(tokenizer.chat_template),
        generation_metrics=generation, base_dtype=_dtype_name(trainer.model))


def _dtype_name(model: Any) -> str:
    """The dtype of the frozen weights (the LoRA weights are float32 whatever the base is)."""
    frozen = next((p for p in model.parameters() if not p.requires_grad), None)
    return str(frozen.dtype).removeprefix("torch.") if frozen is not None else ""


def loss_curve(log_history: Sequence[Mapping[str, Any]]) -> tuple[LossPoint, ...]:
    """Train and eval losses from the Trainer's log, one point per step that logged either."""
    points: dict[int, dict[str, Any]] = {}
    for entry in log_history:
        if "loss" not in entry and "eval_loss" not in entry:
            continue
        point = points.setdefault(entry["step"], {"step": entry["step"], "epoch": entry.get("epoch", 0.0)})
        if "loss" in entry:
            point["train_loss"] = float(entry["loss"])
            point["learning_rate"] = float(entry.get("learning_rate", 0.0))
        if "eval_loss" in entry:
            point["eval_loss"] = float(entry["eval_loss"])
    return tuple(LossPoint(**points[step]) for step in sorted(points))


def _device_name(device: Any) -> str:
    import torch

    if getattr(device, "type", "") == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return str(device)


def _generation_metrics(trainer: Any, tokenizer: Any, examples: Sequence[TrainingExample]) -> dict | None:
    from harness.training.metrics import generation_metrics

    if not examples or not trainer.is_world_process_zero():  # generating once is enough
        return None
    model = trainer.accelerator.unwrap_model(trainer.model)
    return generation_metrics(model, tokenizer, examples)
