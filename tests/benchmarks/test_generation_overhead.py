"""What the harness adds on top of the model: `HFBackend.generate` against bare `model.generate` on the very
same batches (tiny model), and batched against per-request generation (tiny, and SmolLM2 when `slow` runs).

Figures are reported (`--benchmark-enable`; ratios in each benchmark's `extra_info`), never asserted.
"""
from __future__ import annotations

import pytest

from harness.backends.base import GenerationSpec, Prompt
from harness.backends.hf import HFBackend, count_prompt_tokens, render_prompt
from harness.suite.load import load_suite

TOOLSHOP_TINY = "suites/toolshop/suite.tiny.yaml"
PROMPTS = 16
MAX_NEW_TOKENS = 32


def _prompts(count: int = PROMPTS) -> list[Prompt]:
    suite = load_suite(TOOLSHOP_TINY)
    return [Prompt(case.id, case.messages, case.tools) for case in suite.cases[:count]]


def _backend(model: str, latency_mode: str = "batched") -> HFBackend:
    backend = HFBackend(model, GenerationSpec(max_new_tokens=MAX_NEW_TOKENS, batch_size=8, latency_mode=latency_mode),
                        device="cpu")
    backend.load()
    return backend


def _bare_batches(backend: HFBackend, prompts: list[Prompt]) -> list[list[list[int]]]:
    """The batches the backend forms (length-sorted, batch_size each), tokenized once up front."""
    ids = sorted((count_prompt_tokens(backend.tokenizer, render_prompt(backend.tokenizer, p.messages, p.tools))
                  for p in prompts), key=len)
    return [ids[start:start + backend.batch_size] for start in range(0, len(ids), backend.batch_size)]


def _bare_generate(backend: HFBackend, batches: list[list[list[int]]]) -> None:
    import torch

    for batch in batches:
        width = max(len(row) for row in batch)
        input_ids = torch.full((len(batch), width), backend.pad_id, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for index, row in enumerate(batch):
            input_ids[index, width - len(row):] = torch.tensor(row)
            attention[index, width - len(row):] = 1
        with torch.inference_mode():
            backend.model.generate(input_ids=input_ids, attention_mask=attention, max_new_tokens=MAX_NEW_TOKENS,
                                   do_sample=False, num_beams=1, use_cache=True, pad_token_id=backend.pad_id,
                                   eos_token_id=sorted(backend.eos_ids))


@pytest.fixture(scope="module")
def tiny():
    return _backend("tiny")


@pytest.mark.benchmark(group="tiny: harness vs bare model.generate, 16 prompts")
def test_speed_bare_model_generate(benchmark, tiny):
    batches = _bare_batches(tiny, _prompts())
    benchmark.pedantic(_bare_generate, args=(tiny, batches), rounds=5, warmup_rounds=1)


@pytest.mark.benchmark(group="tiny: harness vs bare model.generate, 16 prompts")
def test_speed_harness_generate(benchmark, tiny):
    prompts = _prompts()
    generations = benchmark.pedantic(lambda: list(tiny.generate(prompts)), rounds=5, warmup_rounds=1)
    assert len(generations) == PROMPTS and all(g.error_type is None for g in generations)


@pytest.mark.benchmark(group="tiny: batched vs per-request, 16 prompts")
@pytest.mark.parametrize("latency_mode", ["batched", "per_request"])
def test_speed_tiny_latency_modes(benchmark, latency_mode):
    backend = _backend("tiny", latency_mode)
    prompts = _prompts()
    generations = benchmark.pedantic(lambda: list(backend.generate(prompts)), rounds=3, warmup_rounds=1)
    benchmark.extra_info["output_tokens"] = sum(g.output_tokens for g in generations)


@pytest.mark.slow
@pytest.mark.network_wheel
@pytest.mark.benchmark(group="smollm2-135m: batched vs per-request, 8 prompts")
@pytest.mark.parametrize("latency_mode", ["batched", "per_request"])
def test_speed_smollm2_latency_modes(benchmark, latency_mode):
    backend = _backend("smollm2-135m-instruct", latency_mode)
    prompts = _prompts(8)
    generations = benchmark.pedantic(lambda: list(backend.generate(prompts)), rounds=1, iterations=1)
    benchmark.extra_info["output_tokens"] = sum(g.output_tokens for g in generations)
