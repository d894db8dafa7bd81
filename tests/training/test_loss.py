"""The answer-token loss equals the plain causal-LM loss over every position's logits, in value and gradient."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from harness.training.loss import IGNORE_INDEX, answer_token_loss, answer_token_positions


def _batch(vocab: int) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    input_ids = torch.randint(0, vocab, (2, 12), generator=generator)
    labels = input_ids.clone()
    labels[0, :7] = IGNORE_INDEX     # a prompt of 7 tokens, then the answer
    labels[1, :4] = IGNORE_INDEX
    labels[1, 10:] = IGNORE_INDEX    # padding at the end of the second row
    attention_mask = torch.ones_like(input_ids)
    attention_mask[1, 10:] = 0
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


def _full_logits_loss(model, batch, denominator=None):
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    shifted = batch["labels"][:, 1:]
    summed = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), shifted.reshape(-1),
                             ignore_index=IGNORE_INDEX, reduction="sum")
    return summed / (denominator if denominator is not None else (shifted != IGNORE_INDEX).sum())


def test_positions_are_those_whose_next_token_is_a_label():
    labels = torch.tensor([[IGNORE_INDEX, IGNORE_INDEX, 5, 6, IGNORE_INDEX]])
    assert answer_token_positions(labels).tolist() == [[False, True, True, False, False]]


def test_equals_the_full_logits_loss_in_value_and_gradient(tiny):
    model, _ = tiny
    batch = _batch(model.config.vocab_size)
    ours = answer_token_loss(model, batch)
    ours.backward()
    ours_grads = [p.grad.clone() for p in model.parameters() if p.grad is not None]
    model.zero_grad()
    reference = _full_logits_loss(model, batch)
    reference.backward()
    reference_grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert ours.item() == pytest.approx(reference.item(), rel=1e-5) and ours.item() > 0
    assert len(ours_grads) == len(reference_grads) > 0
    assert all(torch.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(ours_grads, reference_grads))


def test_num_items_in_batch_is_the_denominator(tiny):
    """Gradient accumulation: the summed loss over the label tokens of the whole optimizer step."""
    model, _ = tiny
    batch = _batch(model.config.vocab_size)
    with torch.no_grad():
        ours = answer_token_loss(model, batch, num_items_in_batch=torch.tensor(40))
        reference = _full_logits_loss(model, batch, denominator=40)
        own_count = answer_token_loss(model, batch)
    assert ours.item() == pytest.approx(reference.item(), rel=1e-5)
    assert ours.item() == pytest.approx(own_count.item() * 11 / 40, rel=1e-5)  # 5 + 6 label tokens


def test_a_batch_without_labels_gives_a_zero_that_still_backpropagates(tiny):
    model, _ = tiny
    batch = _batch(model.config.vocab_size)
    batch["labels"] = torch.full_like(batch["labels"], IGNORE_INDEX)
    loss = answer_token_loss(model, batch)
    loss.backward()
    assert loss.item() == 0.0
    assert all(torch.count_nonzero(p.grad) == 0 for p in model.parameters() if p.grad is not None)
