"""The generation roofline's arithmetic, on cases small enough to work out by hand."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.benchmarks.roofline import DecoderShape, generation_floor_seconds, length_sorted_batches

SHAPE = DecoderShape(parameters=100, weight_bytes=200, kv_bytes_per_position=10)


def test_memory_bound_decode_steps_take_their_reads_over_the_bandwidth():
    # prefill 2*100*2 rows*5 padded positions / 1000 = 2.0 s; then 2 decode steps (the longest answer is 3 tokens)
    # reading 200 + 10*2*6 = 320 and 200 + 10*2*7 = 340 bytes at 100 B/s: 3.2 + 3.4 s (their arithmetic, 0.4 s, is less)
    assert generation_floor_seconds(SHAPE, [[(3, 2), (5, 3)]], peak_flops=1000, bandwidth_bytes=100) == \
        pytest.approx(8.6)


def test_compute_bound_decode_steps_take_their_arithmetic_at_the_peak():
    assert generation_floor_seconds(SHAPE, [[(3, 2), (5, 3)]], peak_flops=1000, bandwidth_bytes=1e12) == \
        pytest.approx(2.0 + 0.4 + 0.4)


def test_each_batch_is_padded_to_its_own_longest_prompt():
    one_row = generation_floor_seconds(SHAPE, [[(4, 1)]], peak_flops=1000, bandwidth_bytes=1e12)
    assert one_row == pytest.approx(0.8)  # a one-token answer needs no decode step
    assert generation_floor_seconds(SHAPE, [[(4, 1)], [(4, 1)]], 1000, 1e12) == pytest.approx(2 * one_row)
    assert generation_floor_seconds(SHAPE, [[(1, 1), (4, 1)]], 1000, 1e12) == pytest.approx(1.6)


def test_batches_are_formed_by_prompt_length_as_the_backend_forms_them():
    assert length_sorted_batches([(5, 1), (3, 2), (4, 1)], 2) == [[(3, 2), (4, 1)], [(5, 1)]]


def test_decoder_shape_reads_grouped_query_heads_from_the_config():
    import torch

    model = torch.nn.Linear(8, 4)  # 36 float32 parameters
    model.config = SimpleNamespace(num_attention_heads=4, hidden_size=32, num_key_value_heads=2, num_hidden_layers=3)
    shape = DecoderShape.of(model)
    assert (shape.parameters, shape.weight_bytes) == (36, 144)
    assert shape.kv_bytes_per_position == 2 * 3 * 2 * 8 * 4  # k and v, 3 layers, 2 kv heads of 32/4 dims, 4 bytes
