"""Strip the markup around calls: `<think>` reasoning blocks and markdown code fences.

Both scans use `str.find` only, so they are linear on any input.
"""
from __future__ import annotations

import re

_THINK_OPEN, _THINK_CLOSE = "<think>", "</think>"
_FENCE = "```"
#: End-of-turn tokens some backends leave in decoded text; they would spoil a whole-text parse.
_MAX_END_TOKENS = 4
_END_TOKENS = ("<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<|endoftext|>", "<end_of_turn>", "</s>")
#: A fence line holding only an info string (`json`, `python`, `tool_code`); stops at a backtick,
#: so matching costs at most the distance to the next fence.
_INFO_LINE = re.compile(r"[\w+.-]*[ \t\r]*\n")


def strip_reasoning(text: str) -> str:
    """`text` without its `<think>...</think>` blocks.

    A `</think>` before any `<think>` closes reasoning the chat template opened in the prompt
    (Qwen3, DeepSeek-R1), so everything before it goes. An unterminated `<think>` means the
    model never left its reasoning: everything from it on goes, so no call is read from it.
    """
    close, open_ = text.find(_THINK_CLOSE), text.find(_THINK_OPEN)
    if close != -1 and (open_ == -1 or close < open_):
        text = text[close + len(_THINK_CLOSE):]
    kept, position = [], 0
    while (open_ := text.find(_THINK_OPEN, position)) != -1:
        kept.append(text[position:open_])
        close = text.find(_THINK_CLOSE, open_)
        if close == -1:
            return "".join(kept)
        position = close + len(_THINK_CLOSE)
    kept.append(text[position:])
    return "".join(kept)


def strip_end_tokens(text: str) -> str:
    """`text` without the end-of-turn tokens (and whitespace) it ends with.

    At most a few: a model emits one or two, and a capped loop stays cheap on hostile text.
    """
    end = len(text.rstrip())
    for _ in range(_MAX_END_TOKENS):
        token = next((token for token in _END_TOKENS if text.endswith(token, 0, end)), None)
        if token is None:
            break
        end = len(text[:end - len(token)].rstrip())
    return text[:end]


def split_fences(text: str) -> list[str]:
    """`text` cut into pieces at markdown fences, in order: prose, fence body, prose, ...

    Each piece is read on its own, so a fenced `f(a=1)` after a line of prose is still a
    whole-piece pythonic call. An unterminated fence runs to the end of the text.
    """
    pieces, position = [], 0
    while (opening := text.find(_FENCE, position)) != -1:
        pieces.append(text[position:opening])
        body_start = _body_start(text, opening + len(_FENCE))
        closing = text.find(_FENCE, body_start)
        if closing == -1:
            pieces.append(text[body_start:])
            return pieces
        pieces.append(text[body_start:closing])
        position = closing + len(_FENCE)
    pieces.append(text[position:])
    return pieces


def _body_start(text: str, after_fence: int) -> int:
    """Skip the info string (` ```json `) when it is alone on the fence line."""
    info_line = _INFO_LINE.match(text, after_fence)
    return info_line.end() if info_line else after_fence
