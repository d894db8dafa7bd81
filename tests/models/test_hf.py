"""The hf backend on the tiny model: order, token counts, batching vs per-request equality, identity, per-case
errors, prompt rendering, adapters. Also prints tiny's tokens/s at batch 1 and 8 (not asserted)."""
import time
from types import SimpleNamespace

import pytest

from tests.tiny_cache import private_tiny_cache

from harness.backends.base import GenerationSpec, Prompt, backend_plugin
from harness.backends.hf import GENERATION_ERROR, HFBackend, count_prompt_tokens, render_prompt
from harness.errors import HarnessInputError
from harness.suite.candidate import CandidateSpec
from harness.suite.cases import Tool

WEATHER = Tool("get_weather", "Current weather for a city.",
               {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
QUESTIONS = ["Weather in Paris?", "hi", "Is it raining in Rio de Janeiro today, and should I take an umbrella?",
             "Tell me about Oslo.", "What's the forecast for Lima this week, in celsius please?", "ok"]


def _prompts(questions=QUESTIONS, tools=(WEATHER,)):
    return [Prompt(f"c{i}", ({"role": "user", "content": q},), tuple(tools)) for i, q in enumerate(questions)]


def _backend(**generation):
    return HFBackend("tiny", GenerationSpec(**({"max_new_tokens": 12} | generation)), device="cpu")


@pytest.fixture(scope="module", autouse=True)
def tiny_cache(tmp_path_factory):
    """A private cache with tiny built once (tests/tiny_cache.py)."""
    with private_tiny_cache(tmp_path_factory.mktemp("cache")):
        yield


@pytest.fixture(scope="module")
def per_request_outputs():
    return list(_backend(latency_mode="per_request").generate(_prompts()))


def test_batched_generations_come_back_in_prompt_order_equal_to_per_request(per_request_outputs):
    batched = list(_backend(batch_size=5).generate(_prompts()))  # length-sorted batches of 5 and 1: order is rebuilt
    assert len(batched) == len(QUESTIONS)
    assert [g.output for g in batched] == [g.output for g in per_request_outputs]
    assert len({g.output for g in batched}) > 1  # distinct answers: a reordering would show
    for generation in batched:
        assert generation.error is None and isinstance(generation.output, str)
        assert isinstance(generation.input_tokens, int) and isinstance(generation.output_tokens, int)
        assert 0 < generation.output_tokens <= 12 and generation.latency_ms > 0 and generation.ttft_ms is None


def test_per_request_mode_times_each_call_and_its_first_token(per_request_outputs):
    for generation in per_request_outputs:
        assert 0 < generation.ttft_ms <= generation.latency_ms


def test_input_tokens_are_the_tokenizers_count_of_the_rendered_prompt(per_request_outputs):
    backend = _backend()
    for prompt, generation in zip(_prompts(), per_request_outputs, strict=True):
        text = render_prompt(backend.tokenizer, prompt.messages, prompt.tools)
        assert generation.input_tokens == len(backend.tokenizer(text, add_special_tokens=False)["input_ids"])
        assert text.endswith("<|im_start|>assistant\n") and "get_weather(city: string)" in text


def test_output_tokens_stop_at_the_first_eos(monkeypatch):
    backend = _backend()
    eos, pad = backend.tokenizer.eos_token_id, backend.tokenizer.pad_token_id
    word = backend.tokenizer("hello", add_special_tokens=False)["input_ids"]
    assert backend._decode(word + [eos, pad, pad]) == ("hello", len(word) + 1)
    assert backend._decode(word * 2) == ("hellohello", 2 * len(word))


def test_identity_names_model_template_and_settings_and_changes_with_them():
    backend = _backend()
    identity = backend.identity()
    assert identity["model"]["weights_sha256"] and identity["chat_template_sha256"]
    assert identity["tool_rendering"] == "text" and identity["dtype"] == "float32" and identity["adapter"] is None
    assert _backend(max_new_tokens=13).identity() != identity
    assert _backend().identity() == identity


def test_a_bfloat16_candidate_loads_bfloat16_weights_says_so_in_its_identity_and_still_answers():
    """`dtype: bfloat16` is the weights' dtype (not autocast), and it is a different cache identity from float32."""
    import torch

    backend = HFBackend("tiny", GenerationSpec(max_new_tokens=12), device="cpu", dtype="bfloat16")
    assert backend.identity()["dtype"] == "bfloat16" and backend.identity() != _backend().identity()
    assert next(backend.load().parameters()).dtype == torch.bfloat16
    generations = list(backend.generate(_prompts()))
    assert [g.error for g in generations] == [None] * len(QUESTIONS)
    assert all(g.output_tokens and g.input_tokens for g in generations)


def test_the_dtype_option_is_checked_and_auto_is_float32_on_a_cpu():
    from pydantic import ValidationError

    from harness.backends.embedded import resolve_dtype
    from harness.backends.hf import HFOptions
    import torch

    assert resolve_dtype("auto", "cpu") == torch.float32 and resolve_dtype("bfloat16", "cpu") == torch.bfloat16
    assert HFOptions(dtype="bfloat16").dtype == "bfloat16"
    with pytest.raises(ValidationError, match="dtype"):
        HFOptions(dtype="float16")


def test_a_prompt_beyond_the_context_is_a_per_case_error():
    questions = ["Weather in Paris?", "word " * 5000, "hi"]
    generations = list(_backend().generate(_prompts(questions)))
    assert generations[1].error_type == GENERATION_ERROR and "context of 4096" in generations[1].error
    assert generations[0].error is None and generations[2].error is None


def test_a_model_that_cannot_load_fails_the_run_not_each_case(monkeypatch):
    def broken(*args):
        raise HarnessInputError("cannot load the model of 'tiny': bad file", field="model")

    monkeypatch.setattr("harness.backends.hf.load_model", broken)
    with pytest.raises(HarnessInputError):
        list(_backend().generate(_prompts()))


def test_a_failing_prompt_costs_only_its_own_case(monkeypatch):
    backend = _backend(batch_size=3)
    generate_ids = backend._generate_ids
    poison = count_prompt_tokens(backend.tokenizer, render_prompt(backend.tokenizer, *_unpack(_prompts()[2])))

    def fail_on_poison(batch_ids):
        if poison in batch_ids:
            raise RuntimeError("CUDA out of memory\nlong details")
        return generate_ids(batch_ids)

    monkeypatch.setattr(backend, "_generate_ids", fail_on_poison)
    generations = list(backend.generate(_prompts()))
    assert [g.error_type for g in generations].count(GENERATION_ERROR) == 1
    assert generations[2].error == "RuntimeError: CUDA out of memory"


def test_few_shot_tool_calls_render_as_tool_call_lines():
    backend = _backend()
    messages = ({"role": "user", "content": "Weather in Rome?"},
                {"role": "assistant", "content": None, "tool_calls": [
                    {"type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}}]},
                {"role": "user", "content": "And Oslo?"})
    text = render_prompt(backend.tokenizer, messages, (WEATHER,))
    call = '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>'
    assert f"<|im_start|>assistant\n{call}<|im_end|>" in text


def test_a_template_that_renders_tools_gets_them_natively():
    backend = _backend()
    backend.tokenizer.chat_template = (
        "{% for t in tools %}TOOL {{ t['function']['name'] }}\n{% endfor %}"
        "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}"
        "{% for c in m.get('tool_calls', []) %} CALL {{ c['function']['arguments'] | tojson }}{% endfor %}"
        "{{ '\\n' }}{% endfor %}assistant:")
    messages = ({"role": "user", "content": "x"}, {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}}]})
    text = render_prompt(backend.tokenizer, messages, (WEATHER,))
    assert text.startswith("TOOL get_weather\nuser: x\n") and 'CALL {"city": "Rome"}' in text
    assert backend.identity()["tool_rendering"] == "native"


def test_an_adapter_loads_and_enters_the_identity(tmp_path):
    from peft import LoraConfig, PeftModel, get_peft_model

    base = _backend()
    lora = LoraConfig(r=2, target_modules=["q_proj"], task_type="CAUSAL_LM")
    get_peft_model(base.model, lora).save_pretrained(tmp_path / "lora")
    adapted = HFBackend("tiny", GenerationSpec(max_new_tokens=4), device="cpu", adapter_path=tmp_path / "lora")
    assert adapted.identity()["adapter"]["path"] == str(tmp_path / "lora") and adapted.identity()["adapter"]["sha256"]
    assert isinstance(adapted.model, PeftModel)
    (generation,) = adapted.generate(_prompts(["hi"]))
    assert generation.error is None and generation.output_tokens > 0


def test_the_registry_factory_resolves_the_adapter_against_the_suite(tmp_path):
    suite = SimpleNamespace(root=tmp_path, resolve=lambda relative: (tmp_path / relative).resolve())
    candidate = CandidateSpec(name="t", backend="hf", model="tiny", adapter="missing-lora")
    with pytest.raises(HarnessInputError) as error:
        backend_plugin("hf").from_candidate(candidate, suite)
    assert error.value.field == "adapter" and "missing-lora" in str(error.value)
    plain = backend_plugin("hf").from_candidate(CandidateSpec(name="t", backend="hf", model="tiny"), suite)
    assert isinstance(plain, HFBackend) and plain.identity()["adapter"] is None


def test_generation_speed_of_tiny_at_batch_1_and_8():
    """Printed for the record (run with -s); timing on shared CPUs is too noisy to assert."""
    prompts = _prompts(QUESTIONS + QUESTIONS[:2])
    for label, backend in (("batch 1", _backend(max_new_tokens=32, latency_mode="per_request")),
                           ("batch 8", _backend(max_new_tokens=32, batch_size=8))):
        backend.load()  # outside the timed region
        started = time.perf_counter()
        tokens = sum(g.output_tokens for g in backend.generate(prompts))
        print(f"\ntiny {label}: {tokens / (time.perf_counter() - started):.0f} tokens/s")


def _unpack(prompt):
    return prompt.messages, prompt.tools


@pytest.mark.parametrize("native", [True, False])
def test_bfloat16_if_native_is_bfloat16_only_where_the_cpu_computes_it(monkeypatch, native):
    """On a CPU without AVX512-BF16 or AMX, bf16 is emulated (0.3 vs 150 GFLOPS measured): the option falls back
    to float32 there, and the identity says which dtype the outputs came from."""
    import torch

    import harness.backends.embedded as embedded
    from harness.backends.embedded import resolve_dtype

    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: native)
    assert embedded.cpu_has_native_bf16() is native
    expected = torch.bfloat16 if native else torch.float32
    assert resolve_dtype("bfloat16_if_native", "cpu") == expected
    backend = HFBackend("tiny", GenerationSpec(max_new_tokens=4), device="cpu", dtype="bfloat16_if_native")
    assert backend.identity()["dtype"] == ("bfloat16" if native else "float32")
    # the explicit choices do not depend on the machine
    assert resolve_dtype("bfloat16", "cpu") == torch.bfloat16 and resolve_dtype("auto", "cpu") == torch.float32
