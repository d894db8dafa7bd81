"""Seconds per LoRA training step of a model on a suite's train split: the figure behind docs/training.md.

    source scripts/allocator.sh    # omit (or HARNESS_MALLOC=system) to measure glibc's malloc instead
    HF_HUB_OFFLINE=1 .venv/bin/python scripts/lora_step_speed.py --steps 6

Trains `--steps` steps (no validation split, nothing cached) with the suite's LoRA settings otherwise, and
prints the wall time of each logged step, seconds per step, real tokens per step and the training's peak resident
memory. The same seed gives the same batches, so runs under different allocators or micro-batch sizes
(`--micro-batch 8`: a step's 8 examples in one pass, as before micro-batching) or base dtypes (`--dtype bfloat16`)
compare step for step.
"""
from __future__ import annotations

import argparse
import tempfile
import time

from harness.backends.embedded import load_causal_lm, resolve_dtype
from harness.errors import HarnessInputError
from harness.run.memory import peak_memory
from harness.suite.load import load_suite
from harness.training.trainer import train_lora


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="suites/toolshop/suite.yaml")
    parser.add_argument("--candidate", default="smollm2-lora", help="a candidate with a lora: block")
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--micro-batch", type=int, default=None,
                        help="examples per forward/backward pass (default: the candidate's, else 1 on a CPU)")
    parser.add_argument("--dtype", choices=["auto", "float32", "bfloat16"], default=None,
                        help="the frozen base's dtype (default: the candidate's `lora.dtype`)")
    args = parser.parse_args()

    try:
        suite = load_suite(args.suite)
    except HarnessInputError as error:
        parser.error(str(error))
    candidate = next((c for c in suite.spec.candidates if c.name == args.candidate and c.lora), None)
    if candidate is None:
        parser.error(f"{args.suite} has no candidate {args.candidate!r} with a lora: block")
    update = {"max_steps": args.steps, "epochs": None, "validation_fraction": 0.0}
    if args.micro_batch is not None:
        update["micro_batch_size"] = args.micro_batch
    if args.dtype is not None:
        update["dtype"] = args.dtype
    lora = candidate.lora.model_copy(update=update)
    loaded = load_causal_lm(candidate.model, "cpu", suite.root, dtype=resolve_dtype(lora.dtype, "cpu"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out, peak_memory() as peak:
        run = train_lora(loaded.model, loaded.tokenizer, list(suite.train_examples), lora, suite.spec.seed, out,
                         progress=lambda message: print(f"{time.perf_counter() - started:7.1f} s  {message}"))
    print(f"{run.steps} steps in {run.wall_time_s:.1f} s: {run.seconds_per_step:.1f} s/step, "
          f"{run.tokens_trained / run.steps:.0f} real tokens/step, micro-batch {lora.micro_batch(False)}, "
          f"base {run.base_dtype}, "
          f"peak RSS {peak.rss_mib:,.0f} MiB ({peak.scope})")


if __name__ == "__main__":
    main()
