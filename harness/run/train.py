"""Train the adapters of a suite's fine-tunes, and nothing else: what `harness train` runs.

It works unchanged under `accelerate launch --num_processes N` or `torchrun --nproc_per_node N`: every
process runs the same command, the Trainer shards the batches across them, and the main process alone
writes the adapter into the cache, where `harness run` then finds it (the cache key does not depend on how
many processes trained it).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from harness.errors import HarnessInputError
from harness.progress import Progress
from harness.suite.candidate import CandidateSpec
from harness.suite.load import Suite


def train_adapter(suite: Suite, candidate: CandidateSpec, progress: Progress, cache_dir: str | Path | None = None):
    """The candidate's adapter (`harness.training.adapter_cache.AdapterResult`), from the cache or trained
    now; errors point at the candidate in the suite YAML."""
    from harness.training.candidate import candidate_adapter

    with suite.errors_at(candidate), progress.task(f"{candidate.name} training", unit="step"):
        return candidate_adapter(suite, candidate, cache_dir, progress if progress.enabled else None)


def fine_tunes(suite: Suite, names: Sequence[str] = ()) -> list[CandidateSpec]:
    """The named candidates (default: every one with a `lora:` block); a named one without it is bad input."""
    chosen = [suite.candidate(name) for name in names] if names else [c for c in suite.spec.candidates if c.lora]
    for candidate in chosen:
        if candidate.lora is None:
            raise suite.field_error(suite.candidate_location(candidate, "lora"),
                                    f"{candidate.name} has no `lora:` block, so there is nothing to train")
    if not chosen:
        raise HarnessInputError("the suite declares no fine-tune (no candidate has a `lora:` block)",
                                path=suite.path, field="candidates")
    return chosen


def is_main_process() -> bool:
    """True outside a distributed launch, and in its rank-0 process (torchrun and accelerate launch set RANK).
    Read from the environment: asking accelerate would set up its state before the Trainer does."""
    import os

    return int(os.environ.get("RANK", "0")) == 0
