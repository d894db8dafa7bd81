"""Trained LoRA adapters cached by content: the same base model, data, LoRA block, seed and libraries train once.

An entry is trained in a scratch folder beside the cache and renamed into place, so a crash or Ctrl-C mid-training
never leaves a half-written adapter where a lookup would find it.
"""
from __future__ import annotations

import copy
import json
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from harness.backends.cache import default_cache_dir
from harness.io.atomic import publish_dir, scratch_dir
from harness.io.hashing import json_sha256
from harness.suite.candidate import LoraSpec
from harness.training.data import examples_sha256
from harness.training.examples import TrainingExample
from harness.training.trainer import TRAINING_JSON, Progress, TrainingRun, library_versions, train_lora

#: Bump when the layout of an entry, the meaning of a key or the training recipe (e.g. the order examples are
#: fed in) changes, so old entries are not reused. 2: length-bucketed batches.
CACHE_FORMAT = 2
#: Library versions that decide what an adapter is (the key includes them).
KEY_LIBRARIES = ("torch", "transformers", "peft", "trl")
#: Subfolder of an entry holding the base model with the adapter merged in (`lora.merge`).
MERGED_DIR = "merged"
#: A scratch folder untouched this long belongs to a run that was killed outright.
STALE_SCRATCH_S = 24 * 3600
_ADAPTER_FILES = ("adapter_config.json",)
#: Files in an adapter folder that are not the tokenizer (the merged model gets its own README and config).
_NOT_TOKENIZER_FILES = (TRAINING_JSON, "training_args.bin", "README.md")
_ADAPTER_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")

#: The base model and its tokenizer, or a function loading them only when training is needed.
BaseSource = tuple[Any, Any] | Callable[[], tuple[Any, Any]]


class AdapterResult(NamedTuple):
    """`path`: a PEFT adapter folder (load with `PeftModel.from_pretrained(base, path)`); `trained`: False on a
    cache hit; `merged_path`: a full model folder when `lora.merge` is set."""

    path: Path
    run: TrainingRun
    trained: bool
    merged_path: Path | None = None


def adapters_dir(cache_dir: str | Path | None = None) -> Path:
    """`<cache_dir>/adapters`; by default `$HARNESS_CACHE_DIR/adapters`, else `~/.cache/harness/adapters`."""
    return Path(cache_dir if cache_dir is not None else default_cache_dir()) / "adapters"


def adapter_cache_key(base_identity: Mapping[str, Any] | str, examples: Sequence[TrainingExample], lora: LoraSpec,
                      seed: int = 0) -> str:
    """sha256 of everything that decides the adapter's weights. `merge` is left out: it changes how the
    adapter is served, not what is trained, so flipping it reuses the trained adapter. The seed is the one
    training uses (`lora.seed` when set, else `seed`)."""
    versions = library_versions()
    return json_sha256({
        "format": CACHE_FORMAT,
        "base": base_identity,
        "data": examples_sha256(examples),
        "lora": lora.model_dump(mode="json", exclude={"merge", "seed"}),
        "seed": lora.seed if lora.seed is not None else seed,
        "libraries": {name: versions[name] for name in KEY_LIBRARIES},
    })


def cached_adapter(key: str, cache_dir: str | Path | None = None) -> AdapterResult | None:
    """The complete entry for `key`, or None."""
    entry = adapters_dir(cache_dir) / key
    if not is_complete(entry):
        return None
    run = TrainingRun.from_json(json.loads((entry / TRAINING_JSON).read_text(encoding="utf-8")))
    merged = entry / MERGED_DIR
    return AdapterResult(entry, run, False, merged if merged.is_dir() else None)


def is_complete(entry: Path) -> bool:
    return (entry / TRAINING_JSON).is_file() and all((entry / f).is_file() for f in _ADAPTER_FILES) \
        and any((entry / f).is_file() for f in _ADAPTER_WEIGHTS)


def get_or_train(base_identity: Mapping[str, Any] | str, base: BaseSource, examples: Sequence[TrainingExample],
                 lora: LoraSpec, seed: int = 0, *, cache_dir: str | Path | None = None,
                 progress: Progress | None = None, callbacks: Sequence[Any] = (),
                 generation_eval: int = 0) -> AdapterResult:
    """The cached adapter for these inputs, training (and caching) it first when there is none.

    `base_identity` must name the exact base weights and chat template (e.g. `LoadedModel.identity`); `base` is
    the loaded `(model, tokenizer)` or a function returning it, called only when training or merging is needed.
    """
    key = adapter_cache_key(base_identity, examples, lora, seed)
    found = cached_adapter(key, cache_dir)
    if found is not None:
        if lora.merge and found.merged_path is None:
            found = found._replace(merged_path=_merge_into_entry(found.path, _load(base)))
        if progress:
            progress(f"adapter cache hit: {found.path}")
        return found
    return _train_into_cache(key, base, examples, lora, seed, adapters_dir(cache_dir), progress, callbacks,
                             generation_eval)


def _train_into_cache(key: str, base: BaseSource, examples: Sequence[TrainingExample], lora: LoraSpec, seed: int,
                      root: Path, progress: Progress | None, callbacks: Sequence[Any],
                      generation_eval: int) -> AdapterResult:
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_scratch(root)
    entry = root / key
    # Each process of a distributed run has its own scratch folder; only the main one is written and published.
    with scratch_dir(entry, "train") as scratch:
        model, tokenizer = _load(base)
        run = train_lora(model, tokenizer, examples, lora, seed, scratch, progress, callbacks=callbacks,
                         generation_eval=generation_eval)
        if _is_main_process():
            if lora.merge:
                merge_adapter(model, scratch, scratch / MERGED_DIR)
            if entry.exists() and not is_complete(entry):  # only a hand-edited cache gets here: set it aside
                shutil.rmtree(entry)
            publish_dir(scratch, entry, is_complete)
            if lora.merge and not (entry / MERGED_DIR).is_dir():  # lost the race to a run without merge
                _merge_into_entry(entry, (model, tokenizer))
        _wait_for_everyone()
    return AdapterResult(entry, run, True, entry / MERGED_DIR if lora.merge else None)


def merge_adapter(base_model: Any, adapter_dir: Path, target: Path) -> Path:
    """Save the base model with the adapter merged into its weights (a full model folder, no PEFT at serving
    time), with the adapter's tokenizer files. Works on a copy: `base_model` stays the base model."""
    from peft import PeftModel

    merged = PeftModel.from_pretrained(copy.deepcopy(base_model), str(adapter_dir)).merge_and_unload()
    merged.save_pretrained(str(target))
    for file in adapter_dir.iterdir():
        if file.is_file() and not file.name.startswith("adapter_") and file.name not in _NOT_TOKENIZER_FILES:
            shutil.copy2(file, target / file.name)  # tokenizer and chat template, as trained
    return target


def _merge_into_entry(entry: Path, loaded: tuple[Any, Any]) -> Path:
    """Add the merged model to an existing entry, built in a scratch folder inside it and renamed into place."""
    with scratch_dir(entry / MERGED_DIR, "merge") as scratch:
        merge_adapter(loaded[0], entry, scratch)
        publish_dir(scratch, entry / MERGED_DIR, Path.is_dir)
    return entry / MERGED_DIR


def _remove_stale_scratch(root: Path) -> None:
    """Scratch folders a killed run left behind (a crash or Ctrl-C removes its own); a day old means dead."""
    cutoff = time.time() - STALE_SCRATCH_S
    for folder in root.glob(".*.train-*"):
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # another process removed it first


def _load(base: BaseSource) -> tuple[Any, Any]:
    loaded = base() if callable(base) else base
    return loaded[0], loaded[1]


def _is_main_process() -> bool:
    from accelerate import PartialState

    return PartialState().is_main_process


def _wait_for_everyone() -> None:
    from accelerate import PartialState

    PartialState().wait_for_everyone()
