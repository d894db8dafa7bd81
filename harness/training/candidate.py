"""A candidate's `lora:` block made real: its adapter from the cache, or trained on the suite's train split first.

The runner calls `candidate_adapter` before building the backend and records `training_record` in the results, so
a report can put training cost next to the per-call savings.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from harness.backends.embedded import load_causal_lm, pick_device, resolve_dtype, resolve_model
from harness.suite.candidate import CandidateSpec
from harness.suite.load import Suite
from harness.training.adapter_cache import AdapterResult, get_or_train


def candidate_adapter(suite: Suite, candidate: CandidateSpec, cache_dir: str | Path | None = None,
                      progress: Callable[[str], None] | None = None) -> AdapterResult:
    """The adapter for a candidate with a `lora:` block, trained only when the cache has none for these inputs.

    The train split was parsed and checked when the suite loaded; the model weights load only when training is
    needed.
    """
    examples = list(suite.train_examples)
    source = resolve_model(candidate.model, suite.root)
    device = pick_device(candidate.backend_options().device)
    dtype = resolve_dtype(candidate.lora.dtype, device)

    def load_base() -> tuple[Any, Any]:
        loaded = load_causal_lm(candidate.model, device, suite.root, dtype=dtype)
        return loaded.model, loaded.tokenizer

    # `bfloat16_if_native` trains in a dtype that depends on the machine: the one used is part of the key.
    identity = source.identity | {"model": source.name}
    if candidate.lora.dtype == "bfloat16_if_native":
        identity["base_dtype"] = str(dtype).removeprefix("torch.")
    return get_or_train(identity, load_base, examples, candidate.lora,
                        seed=suite.spec.seed, cache_dir=cache_dir, progress=progress)


def training_record(result: AdapterResult, device_hour_usd: float | None) -> dict:
    """What the results file keeps about a fine-tune: the run (time, tokens, loss curve), whether this run
    trained or reused a cached adapter, and the training cost at the device-hour price."""
    run = result.run
    cost = run.wall_time_s / 3600 * device_hour_usd if device_hour_usd is not None else None
    return {
        "adapter_path": str(result.path),
        "trained_now": result.trained,
        "cost_usd": cost,
        "device_hour_usd": device_hour_usd,
        **run.to_json(),
    }
