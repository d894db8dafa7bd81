"""The growing KV cache: the same keys and values as transformers' concatenating layer at every step, through
crop, batch selection and reset, without copying the cache at each step; and the same greedy answers."""
import warnings
from types import SimpleNamespace

import pytest
import torch

from tests.tiny_cache import private_tiny_cache

from harness.backends import hf
from harness.backends.base import GenerationSpec, Prompt
from harness.backends.kv_cache import BLOCK, growing_cache, growing_layer_class
from harness.suite.cases import Tool


def _states(rows: int, positions: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(rows, 3, positions, 8, generator=generator),
            torch.randn(rows, 3, positions, 4, generator=generator))  # values may be narrower than keys


def _both_layers():
    from transformers.cache_utils import DynamicLayer

    return growing_layer_class()(), DynamicLayer()


def _update_both(growing, reference, keys, values):
    got = growing.update(keys, values)
    want = reference.update(keys, values)
    assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
    assert growing.get_seq_length() == reference.get_seq_length()


def test_every_step_returns_what_concatenation_returns_and_crosses_its_block():
    growing, reference = _both_layers()
    _update_both(growing, reference, *_states(2, 5, seed=0))
    for step in range(BLOCK + 10):  # past the first buffer's headroom: one rebuild, the values carried over
        _update_both(growing, reference, *_states(2, 1, seed=step + 1))
    assert growing.get_seq_length() == 5 + BLOCK + 10


def test_steps_within_the_headroom_write_in_place_instead_of_copying_the_cache():
    growing, _ = _both_layers()
    growing.update(*_states(2, 5, seed=0))
    start = growing.keys.data_ptr()
    for step in range(BLOCK):
        growing.update(*_states(2, 1, seed=step + 1))
        assert growing.keys.data_ptr() == start and growing.values.data_ptr() == growing._value_buffer.data_ptr()
    growing.update(*_states(2, 1, seed=999))  # the block is full: a new buffer
    assert growing.keys.data_ptr() != start


def test_crop_batch_selection_and_reset_are_followed_by_the_next_update():
    growing, reference = _both_layers()
    _update_both(growing, reference, *_states(4, 6, seed=0))
    for layer in (growing, reference):
        layer.crop(-2)
    _update_both(growing, reference, *_states(4, 1, seed=1))
    keep = torch.tensor([3, 1])
    for layer in (growing, reference):
        layer.batch_select_indices(keep)
    _update_both(growing, reference, *_states(2, 1, seed=2))
    for layer in (growing, reference):
        layer.reset()
    _update_both(growing, reference, *_states(3, 2, seed=3))


def test_a_model_whose_cache_transformers_builds_otherwise_gets_none():
    assert growing_cache(SimpleNamespace(config=object())) is None


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    with private_tiny_cache(tmp_path_factory.mktemp("cache")):
        yield


def test_greedy_answers_equal_those_of_generates_own_cache(tiny_cache, monkeypatch):
    weather = Tool("get_weather", "Current weather for a city.",
                   {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})
    prompts = [Prompt(f"c{i}", ({"role": "user", "content": text},), (weather,))
               for i, text in enumerate(["Weather in Paris?", "hi", "Is it raining in Rio today, and should I go?"])]
    backend = hf.HFBackend("tiny", GenerationSpec(max_new_tokens=24, batch_size=3), device="cpu")
    assert growing_cache(backend.load()) is not None  # the tiny model does take the growing cache
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with_growing = list(backend.generate(prompts))
    assert not [w for w in caught if "past_key_values" in str(w.message)]  # passed under the name generate takes
    monkeypatch.setattr(hf, "growing_cache", lambda model: None)
    with_own = list(backend.generate(prompts))
    assert [(g.output, g.output_tokens) for g in with_growing] == [(g.output, g.output_tokens) for g in with_own]
    assert all(g.error is None for g in with_growing) and sum(g.output_tokens for g in with_growing) > 3
