"""The training loss on a CPU: cross-entropy over the answer tokens only, with logits for those positions alone.

trl's SFTTrainer computes its loss with a chunked, fused LM head. Off CUDA it scores every position, prompt
included, recomputes the logits in the backward pass and accumulates their gradients with float32 matmuls; on
SmolLM2 (a 49,152-token vocabulary) that was 29% of a bfloat16 LoRA step on a 2-core CPU, although with
`assistant_only_loss` only the answer tokens count. Here the model projects only the positions whose next token
is a label (transformers' boolean `logits_to_keep`), and autograd does the backward in the model's dtype.

The value is trl's: the summed negative log-likelihood of the label tokens over `num_items_in_batch` (the label
tokens of the whole optimizer step, so gradient accumulation equals one pass) or, without it, over this batch's
label tokens.
"""
from __future__ import annotations

from typing import Any

#: Label positions that carry no loss (the prompt, padding), as in transformers and trl.
IGNORE_INDEX = -100


def answer_token_positions(labels: Any) -> Any:
    """A boolean (batch, length) mask of the positions whose *next* token is a label: where logits are needed."""
    import torch

    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = labels[:, 1:] != IGNORE_INDEX
    return keep


def answer_token_loss(model: Any, inputs: dict[str, Any], num_items_in_batch: Any = None) -> Any:
    """The causal-LM loss of `inputs` (input_ids, attention_mask, labels) over its label tokens."""
    import torch
    import torch.nn.functional as F

    labels = inputs["labels"]
    model_inputs = {key: value for key, value in inputs.items() if key != "labels"}
    model_inputs["use_cache"] = False
    logits = model(**model_inputs, logits_to_keep=answer_token_positions(labels)).logits
    targets = labels[:, 1:][labels[:, 1:] != IGNORE_INDEX]
    logits = logits.reshape(-1, logits.shape[-1])
    summed = F.cross_entropy(logits.float(), targets, reduction="sum")
    count = num_items_in_batch if num_items_in_batch is not None else torch.clamp(targets.new_tensor(targets.numel()),
                                                                                   min=1)
    return summed / count
