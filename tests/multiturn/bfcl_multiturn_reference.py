"""BFCL's own multi_turn_checker, imported from the cached wheel, as the reference our multi-turn checker must match.

BFCL keeps each simulator instance in its module's globals under a name built from the model name and entry id,
so two checks of one entry with one model name would share state; every check here gets a fresh model name and
its instances are dropped afterwards. BFCL executes the call strings with `eval`; that stays in this test-only
reference.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

from tests.bfcl_reference import bfcl_reference

#: BFCL error types -> our TurnErrorKind values.
BFCL_ERROR_KINDS = {
    "multi_turn:empty_turn_model_response": "empty_turn",
    "multi_turn:instance_state_mismatch": "state_mismatch",
    "multi_turn:execution_response_mismatch": "missing_response",
}


@dataclass(frozen=True)
class BfclMultiTurnReference:
    checker: Callable[..., dict]
    instances: dict  # multi_turn_utils' globals, where BFCL keeps its simulator instances
    names: Any

    def verdict(self, model_turns: list[list[str]], ground_truth: list[list[str]], entry: dict) -> dict:
        """BFCL's result for a model that made, in each turn, the calls `model_turns[i]` in one step."""
        decoded = [[calls] if calls else [] for calls in model_turns]
        model = f"mtref{next(self.names)}"
        try:
            return self.checker(decoded, ground_truth, entry, entry["id"].rsplit("_", 1)[0], model)
        finally:
            for key in [key for key in self.instances if key.startswith(model + "_")]:
                del self.instances[key]


def bfcl_multi_turn_reference() -> BfclMultiTurnReference:
    """The reference checker; skips the calling test only when the wheel cannot be obtained."""
    bfcl_reference()  # puts the wheel on sys.path (or skips)
    from bfcl_eval.eval_checker.multi_turn_eval import multi_turn_utils
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_checker import multi_turn_checker
    return BfclMultiTurnReference(checker=multi_turn_checker, instances=vars(multi_turn_utils),
                                  names=itertools.count())
