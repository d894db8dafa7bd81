"""The most a batched greedy generation could reach on a machine: a roofline from its own measured peaks.

A decode step multiplies every weight by a batch of a few dozen rows, so it reads the whole model and the
batch's KV cache from memory for little arithmetic: on a CPU it is bound by memory bandwidth, not by the
matmul peak. The compute-efficiency benchmark divides by the matmul peak, as its goal is stated; this floor on
the time, from the same run's matmul peak and memory bandwidth, says how much of that peak the workload's shape
allows at all, so a share below the goal can be told apart from a slow implementation.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence


@dataclass(frozen=True)
class DecoderShape:
    """What a decoder moves per token: its weights once per forward pass, its KV cache per row and position."""

    parameters: int
    weight_bytes: int
    kv_bytes_per_position: int  # keys and values of one position of one row, all layers

    @classmethod
    def of(cls, model) -> "DecoderShape":
        config = model.config
        heads = config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        kv_heads = getattr(config, "num_key_value_heads", None) or heads
        element = next(model.parameters()).element_size()
        return cls(parameters=sum(p.numel() for p in model.parameters()),
                   weight_bytes=sum(p.numel() * p.element_size() for p in model.parameters()),
                   kv_bytes_per_position=2 * config.num_hidden_layers * kv_heads * head_dim * element)


def generation_floor_seconds(shape: DecoderShape, batches: Sequence[Sequence[tuple[int, int]]],
                             peak_flops: float, bandwidth_bytes: float) -> float:
    """Least time for these batches of (prompt tokens, generated tokens) rows, left-padded as the backend pads.

    Prefill of a batch computes every padded position at the matmul peak. Each decode step takes the longer of
    its arithmetic at the peak and its reads (all weights, plus every row's cache up to that step) at the
    bandwidth; a batch decodes until its longest answer ends, as `generate` does without dropping ended rows.
    """
    seconds = 0.0
    for batch in batches:
        rows, width = len(batch), max(prompt for prompt, _ in batch)
        steps = max(generated for _, generated in batch)
        seconds += 2 * shape.parameters * rows * width / peak_flops
        for step in range(1, steps):  # the prefill already produced the first token
            reads = shape.weight_bytes + shape.kv_bytes_per_position * rows * (width + step)
            seconds += max(2 * shape.parameters * rows / peak_flops, reads / bandwidth_bytes)
    return seconds


def length_sorted_batches(rows: Sequence[tuple[int, int]], batch_size: int) -> list[list[tuple[int, int]]]:
    """The batches the HF backend forms from (prompt tokens, generated tokens) rows: by prompt length, in order."""
    ordered = sorted(rows, key=lambda row: row[0])
    return [ordered[start:start + batch_size] for start in range(0, len(ordered), batch_size)]


def best_seconds(run: Callable[[], object], repeats: int) -> float:
    """The fastest of `repeats` timed calls, after one untimed warm-up call: a machine's peak as torch reaches it."""
    run()
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def read_bandwidth_bytes(megabytes: int = 256, repeats: int = 8) -> float:
    """Best-of-`repeats` bytes per second of summing a tensor far larger than the caches: memory read speed."""
    import torch

    data = torch.ones(megabytes * 2 ** 20 // 4, dtype=torch.float32)
    return data.numel() * data.element_size() / best_seconds(data.sum, repeats)
