"""Tool-call metrics on held-out training examples: generate greedily, parse, score with the harness's own checker.

A teacher-forced `compute_metrics` cannot tell whether the model *emits* a parseable call, so this generates.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.parsing import ParseError, parse_tool_calls
from harness.scoring.relevance import RelevanceCounts, relevance_outcome
from harness.scoring.tool_call_accuracy import check_case
from harness.suite.cases import Case, ExpectedCall, ToolCall
from harness.training.examples import TrainingExample


def expected_case(example: TrainingExample, index: int = 0) -> Case:
    """The example as a test case: its reference answer's calls, each argument accepting exactly its value."""
    calls = parse_tool_calls(example.answer, decoder="hermes")
    expected = tuple(ExpectedCall(call.name, {name: (value,) for name, value in call.arguments.items()})
                     for call in calls)
    return Case(id=f"train-{index}", category="simple" if expected else "irrelevance",
                messages=tuple(example.prompt_messages), tools=example.tools, expected=expected)


def no_call_count(examples: Sequence[TrainingExample]) -> int:
    """How many examples answer without calling a tool in any assistant turn: what teaches a fine-tune when not
    to call (a conversation's closing text answer, after its calls, does not)."""
    return sum(1 for example in examples if all(_calls(answer) == [] for answer in example.assistant_answers))


def single_answer_examples(examples: Sequence[TrainingExample], limit: int) -> tuple[TrainingExample, ...]:
    """The first `limit` examples judged by one answer (`score_outputs` scores the last assistant turn):
    conversations are left out, since their last turn is only the text after the calls that matter."""
    return tuple(example for example in examples if not example.is_conversation)[:limit]


def score_outputs(examples: Sequence[TrainingExample], outputs: Sequence[str]) -> dict[str, float]:
    """`parse_rate` (output parses; plain text counts as parsed no-call), `call_rate` (output holds a call),
    `tool_call_accuracy` (strict AST match against the reference answer), `relevance_f1` (calls when the reference
    calls, as the test run scores it) and `exact_match` (same text)."""
    parsed = passed = with_calls = exact = 0
    relevance = RelevanceCounts()
    for index, (example, output) in enumerate(zip(examples, outputs, strict=True)):
        calls = _calls(output)
        case = expected_case(example, index)
        parsed += calls is not None
        with_calls += bool(calls)
        passed += check_case(case, calls, "strict").passed
        exact += output.strip() == example.answer.strip()
        relevance += relevance_outcome(case, calls)
    total = len(examples) or 1
    return {"parse_rate": parsed / total, "call_rate": with_calls / total,
            "tool_call_accuracy": passed / total, "relevance_f1": relevance.f1, "exact_match": exact / total,
            "cases": len(examples)}


def generation_metrics(model: Any, tokenizer: Any, examples: Sequence[TrainingExample],
                       max_new_tokens: int = 128, batch_size: int = 8) -> dict[str, float]:
    """Greedy answers for `examples` scored by `score_outputs`."""
    return score_outputs(examples, generate_answers(model, tokenizer, examples, max_new_tokens, batch_size))


def generate_answers(model: Any, tokenizer: Any, examples: Sequence[TrainingExample],
                     max_new_tokens: int = 128, batch_size: int = 8) -> list[str]:
    """Greedy generation for each example's prompt, batched with left padding, special tokens dropped."""
    import torch

    prompts = [tokenizer.apply_chat_template([dict(m) for m in example.prompt_messages], tokenize=True,
                                             add_generation_prompt=True, return_dict=True)["input_ids"]
               for example in examples]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    was_training = model.training
    model.eval()
    answers: list[str] = []
    try:
        for start in range(0, len(prompts), batch_size):
            batch = prompts[start:start + batch_size]
            width = max(len(ids) for ids in batch)
            input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in batch], device=model.device)
            mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in batch], device=model.device)
            with torch.no_grad():
                out = model.generate(input_ids=input_ids, attention_mask=mask, max_new_tokens=max_new_tokens,
                                     do_sample=False, pad_token_id=pad, eos_token_id=_stop_ids(tokenizer))
            answers.extend(tokenizer.decode(row[width:], skip_special_tokens=True).strip() for row in out)
    finally:
        model.train(was_training)
    return answers


def _stop_ids(tokenizer: Any) -> list[int]:
    """End of sequence and ChatML's end of turn: the trained answer ends with `<|im_end|>`."""
    ids = {tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<|im_end|>")}
    return sorted(i for i in ids if isinstance(i, int) and i != tokenizer.unk_token_id)


def _calls(output: str) -> list[ToolCall] | None:
    try:
        return parse_tool_calls(output)
    except ParseError:
        return None
