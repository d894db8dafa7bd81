"""How much of this machine's matrix-multiply throughput SmolLM2 work reaches, in float32 and bfloat16.

Absolute speed differs between machines of one kind by up to 2x, so the figure is a ratio taken within one run:
model FLOPs per second (2 x parameters x tokens processed for generation; 4 x for a LoRA step, whose frozen
base needs activation gradients but no weight gradients) over the peak of a large matmul in the same dtype,
measured a moment before. Generation also reports its roofline (tests/benchmarks/roofline.py): the least time
its batches could take at that peak and this machine's memory bandwidth, measured in the same run, as a share of
the peak, since decode steps are bound by memory reads rather than by arithmetic. Every ratio is in the
benchmark's `extra_info` and printed:

    bash scripts/test.sh tests/benchmarks/test_compute_efficiency.py --benchmark-enable -s

Nothing is asserted about speed (a noisy machine would make it flake); the tests assert only that the counts
behind the ratios are real (tokens generated, steps trained). On a CPU without AVX512-BF16 or AMX, bf16 is
emulated (0.3 GFLOPS against 150 in float32 on one such machine: a bf16 LoRA step would take many minutes), so
float32 is the best dtype there and the bf16 cases are skipped.
"""
from __future__ import annotations

import tempfile
import time

import pytest

from harness.backends.base import GenerationSpec, Prompt
from harness.backends.hf import HFBackend
from harness.suite.load import load_suite
from tests.benchmarks.roofline import DecoderShape, best_seconds, generation_floor_seconds, \
    length_sorted_batches, read_bandwidth_bytes

TOOLSHOP = "suites/toolshop/suite.yaml"
MODEL = "smollm2-135m-instruct"
DTYPES = ("float32", "bfloat16")


def _measured_dtypes() -> tuple[str, ...]:
    """The dtypes worth measuring here: bf16 only where the hardware computes it."""
    from harness.backends.embedded import cpu_has_native_bf16

    return DTYPES if cpu_has_native_bf16() else ("float32",)


def _skip_emulated(dtype: str) -> None:
    if dtype not in _measured_dtypes():
        pytest.skip("this CPU has no AVX512-BF16 or AMX: bf16 is emulated here, float32 is the best dtype")
PROMPTS = 32
BATCH = 32
TRAIN_STEPS = 3

pytestmark = [pytest.mark.slow, pytest.mark.network_wheel]


def matmul_peak_gflops(dtype_name: str, size: int = 2048, repeats: int = 8) -> float:
    """Best-of-`repeats` GFLOPS of a size^3 matmul: the machine's peak for the dtype as torch reaches it."""
    import torch

    dtype = getattr(torch, dtype_name)
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(size, size, generator=generator).to(dtype)
    b = torch.randn(size, size, generator=generator).to(dtype)
    # the warm-up call lets oneDNN pick and cache its kernel
    return 2 * size ** 3 / best_seconds(lambda: a @ b, repeats) / 1e9


@pytest.fixture(scope="module")
def peaks() -> dict[str, float]:
    found = {name: matmul_peak_gflops(name) for name in _measured_dtypes()}
    print("\nmatmul peak (2048^3): " + ", ".join(f"{name} {gflops:.0f} GFLOPS" for name, gflops in found.items()))
    return found


@pytest.fixture(scope="module")
def bandwidth() -> float:
    found = read_bandwidth_bytes()
    print(f"\nmemory read bandwidth: {found / 1e9:.1f} GB/s")
    return found


@pytest.fixture(scope="module")
def suite():
    return load_suite(TOOLSHOP)


def _record(benchmark, peaks: dict[str, float], dtype: str, model_gflops: float, work: str) -> None:
    best = max(peaks.values())
    info = {"model_gflops": round(model_gflops, 1), "peak_gflops_same_dtype": round(peaks[dtype], 1),
            "share_of_same_dtype_peak": round(model_gflops / peaks[dtype], 3),
            "share_of_best_dtype_peak": round(model_gflops / best, 3),
            "share_of_float32_peak": round(model_gflops / peaks["float32"], 3)}
    benchmark.extra_info.update(info)
    print(f"{work} {dtype}: {model_gflops:.0f} model GFLOPS = {info['share_of_same_dtype_peak']:.0%} of the {dtype} "
          f"peak, {info['share_of_best_dtype_peak']:.0%} of the best dtype's, {info['share_of_float32_peak']:.0%} "
          f"of float32's")


@pytest.mark.benchmark(group="smollm2-135m compute efficiency: generation")
@pytest.mark.parametrize("dtype", DTYPES)
def test_generation_share_of_matmul_peak(benchmark, peaks, bandwidth, suite, dtype):
    _skip_emulated(dtype)
    backend = HFBackend(MODEL, GenerationSpec(max_new_tokens=96, batch_size=BATCH), device="cpu", dtype=dtype)
    model = backend.load()
    shape = DecoderShape.of(model)
    parameters = shape.parameters
    prompts = [Prompt(case.id, case.messages, case.tools) for case in suite.cases[:PROMPTS]]
    list(backend.generate(prompts[:2]))  # warm-up
    started = time.perf_counter()
    generations = benchmark.pedantic(lambda: list(backend.generate(prompts)), rounds=1, iterations=1)
    seconds = time.perf_counter() - started
    tokens = sum(g.input_tokens + g.output_tokens for g in generations)
    assert all(g.error is None for g in generations) and sum(g.output_tokens for g in generations) > PROMPTS
    benchmark.extra_info.update({"tokens_processed": tokens, "seconds": round(seconds, 2),
                                 "seconds_per_case": round(seconds / PROMPTS, 3)})
    _record(benchmark, peaks, dtype, 2 * parameters * tokens / seconds / 1e9, "generation")
    batches = length_sorted_batches([(g.input_tokens, g.output_tokens) for g in generations], BATCH)
    floor = generation_floor_seconds(shape, batches, peaks[dtype] * 1e9, bandwidth)
    roofline = 2 * parameters * tokens / floor / 1e9 / peaks[dtype]
    benchmark.extra_info.update({"roofline_seconds": round(floor, 2), "roofline_share_of_same_dtype_peak":
                                 round(roofline, 3), "share_of_roofline": round(floor / seconds, 3)})
    print(f"generation {dtype} roofline: at best {floor:.1f} s = {roofline:.0%} of the {dtype} peak at this batch "
          f"shape and {bandwidth / 1e9:.1f} GB/s; measured {seconds:.1f} s = {floor / seconds:.0%} of the roofline")


@pytest.mark.benchmark(group="smollm2-135m compute efficiency: LoRA training step")
@pytest.mark.parametrize("dropout", [None, 0.05], ids=["suite-dropout", "dropout-0.05"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_lora_step_share_of_matmul_peak(benchmark, peaks, suite, dtype, dropout):
    """The default study's step (LoRA dropout 0), and the same step with peft's usual dropout of 0.05: on a CPU,
    drawing the dropout masks (`bernoulli_` on the input of every adapted layer) was 19% of a float32 step's
    profile and 29% of a bfloat16 one's."""
    _skip_emulated(dtype)
    from harness.backends.embedded import load_causal_lm, resolve_dtype
    from harness.training.trainer import train_lora

    candidate = next(c for c in suite.spec.candidates if c.lora)
    lora = candidate.lora.model_copy(update={"max_steps": TRAIN_STEPS, "epochs": None, "validation_fraction": 0.0,
                                             "dev_examples": 0, "dtype": dtype,
                                             "max_examples": TRAIN_STEPS * candidate.lora.batch_size,
                                             "dropout": candidate.lora.dropout if dropout is None else dropout})
    loaded = load_causal_lm(MODEL, "cpu", suite.root, dtype=resolve_dtype(dtype, "cpu"))
    parameters = sum(p.numel() for p in loaded.model.parameters())
    with tempfile.TemporaryDirectory() as out:
        run = benchmark.pedantic(lambda: train_lora(loaded.model, loaded.tokenizer, list(suite.train_examples),
                                                    lora, suite.spec.seed, out), rounds=1, iterations=1)
    assert run.steps == TRAIN_STEPS and run.tokens_trained > 0 and run.base_dtype == dtype
    benchmark.extra_info.update({"seconds_per_step": round(run.seconds_per_step, 2),
                                 "tokens_per_step": run.tokens_trained // run.steps, "lora_dropout": lora.dropout})
    # The wall time includes tokenizing those examples and the first step's warm-up: a floor on a step's own share.
    _record(benchmark, peaks, dtype, 4 * parameters * run.tokens_trained / run.wall_time_s / 1e9,
            f"LoRA step (dropout {lora.dropout:g})")
