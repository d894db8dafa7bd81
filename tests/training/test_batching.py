"""Length-bucketed training order: a seeded permutation whose batches hold similar lengths, in shuffled order."""
from __future__ import annotations

import random

import pytest

from harness.training.batching import LengthBucketedSampler, length_bucketed_order, padded_positions


def _lengths(count: int, seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(40, 600) for _ in range(count)]


def test_order_is_a_permutation_and_repeatable():
    lengths = _lengths(1_000)
    order = length_bucketed_order(lengths, batch_size=8, seed=3)
    assert sorted(order) == list(range(1_000))
    assert order == length_bucketed_order(lengths, batch_size=8, seed=3)
    assert order != length_bucketed_order(lengths, batch_size=8, seed=4)


def test_bucketing_cuts_padding_against_a_random_order():
    lengths = _lengths(1_200)
    shuffled = list(range(1_200))
    random.Random(3).shuffle(shuffled)
    bucketed = padded_positions(lengths, length_bucketed_order(lengths, 8, seed=3), 8)
    random_order = padded_positions(lengths, shuffled, 8)
    assert bucketed < 0.75 * random_order
    assert bucketed >= sum(lengths)  # padding can only add positions


def test_batches_are_not_a_long_to_short_curriculum():
    """transformers' group_by_length runs each bucket longest first; here batch order is shuffled."""
    lengths = _lengths(800)
    order = length_bucketed_order(lengths, 8, seed=1, bucket_batches=100)  # one bucket holds everything
    longest = [max(lengths[i] for i in order[start:start + 8]) for start in range(0, 800, 8)]
    assert longest != sorted(longest) and longest != sorted(longest, reverse=True)
    first_half, second_half = longest[:50], longest[50:]
    assert abs(sum(first_half) / 50 - sum(second_half) / 50) < 100  # no drift from long to short


def test_only_the_last_batch_may_be_short():
    lengths = _lengths(803)
    order = length_bucketed_order(lengths, 8, seed=2, bucket_batches=5)
    assert sorted(order) == list(range(803))
    tail = order[800:]
    assert len(tail) == 3 and {lengths[i] for i in tail} <= set(lengths)


def test_handles_tiny_inputs_and_refuses_bad_sizes():
    assert length_bucketed_order([], 8, seed=0) == []
    assert length_bucketed_order([5], 8, seed=0) == [0]
    with pytest.raises(ValueError):
        length_bucketed_order([1, 2], 0, seed=0)


def test_padded_positions_counts_each_batch_at_its_longest():
    assert padded_positions([3, 1, 2, 5], [0, 1, 2, 3], 2) == 2 * 3 + 2 * 5


def test_sampler_draws_a_new_order_each_epoch_from_the_same_seed():
    lengths = _lengths(300)
    sampler = LengthBucketedSampler(lengths, batch_size=8, seed=5)
    first = list(sampler)
    assert len(sampler) == 300 and sorted(first) == list(range(300))
    assert list(sampler) == first  # same epoch, same order
    sampler.set_epoch(1)
    second = list(sampler)
    assert second != first and sorted(second) == list(range(300))
    assert second == list(LengthBucketedSampler(lengths, 8, seed=6))  # epoch e draws with seed + e
