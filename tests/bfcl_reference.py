"""BFCL's own ast_checker, imported straight from the cached wheel, as the reference our `bfcl` mode must match.

The checker imports `bfcl_eval.constants.model_config` (about 60 model handlers and API clients) only for a
model's `underscore_to_dot` flag; a stand-in module answering `False` for every model lets it run on the stdlib.
"""
from __future__ import annotations

import functools
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from harness.bfcl import BfclWheelError, bfcl_wheel_path, read_bfcl_jsonl

REFERENCE_MODEL_NAME = "reference-model"  # any name: the stand-in config answers every key alike
_MODEL_CONFIG_MODULE = "bfcl_eval.constants.model_config"


class _AnyModelConfig(dict):
    """MODEL_CONFIG_MAPPING stand-in: every model keeps '.' in function names (underscore_to_dot=False)."""

    def __missing__(self, key: str) -> Any:
        return types.SimpleNamespace(underscore_to_dot=False)


@dataclass(frozen=True)
class BfclReference:
    wheel: Path
    ast_checker: Callable[..., dict]
    python: Any  # bfcl_eval.constants.enums.Language.PYTHON

    def verdict(self, functions: list[dict], model_output: list[dict], ground_truth: list[dict],
                category: str) -> dict:
        """BFCL's result dict for a decoded output `[{name: {arg: value}}, ...]` in an AST category."""
        return self.ast_checker(functions, model_output, ground_truth, self.python, category, REFERENCE_MODEL_NAME)

    @staticmethod
    def irrelevance_passes(decoded_output: list[dict] | None) -> bool:
        """BFCL's relevance rule (eval_runner `_evaluate_single_relevance_entry` with `is_empty_output`): an
        irrelevance entry passes when decoding fails (None here) or yields no call ([] or [{}])."""
        if decoded_output is None:
            return True
        return len(decoded_output) == 0 or (len(decoded_output) == 1 and len(decoded_output[0]) == 0)

    def read(self, name: str) -> list[dict]:
        return read_bfcl_jsonl(self.wheel, name)


@functools.cache
def _load() -> BfclReference | str:
    try:
        wheel = bfcl_wheel_path()
    except BfclWheelError as exc:
        return str(exc)
    if str(wheel) not in sys.path:
        sys.path.append(str(wheel))  # a pure-Python wheel is a zip archive zipimport can read
    stand_in = types.ModuleType(_MODEL_CONFIG_MODULE)
    stand_in.MODEL_CONFIG_MAPPING = _AnyModelConfig()
    sys.modules[_MODEL_CONFIG_MODULE] = stand_in
    from bfcl_eval.constants.enums import Language
    from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker
    return BfclReference(wheel=wheel, ast_checker=ast_checker, python=Language.PYTHON)


def bfcl_reference() -> BfclReference:
    """The reference checker; skips the calling test only when the wheel cannot be obtained."""
    loaded = _load()
    if isinstance(loaded, str):
        pytest.skip(f"BFCL wheel unavailable: {loaded}")
    return loaded


def ground_truth_output(ground_truth: list[dict]) -> list[tuple[str, dict]]:
    """The answer a perfect model would give: per argument the first acceptable value, omitting arguments
    whose first value is the omission marker "" (or that have none)."""
    return [(name, {argument: value_instance(values[0]) for argument, values in arguments.items()
                    if values and values[0] != ""})
            for call in ground_truth for name, arguments in call.items()]


def value_instance(value: Any) -> Any:
    """A concrete value from one acceptable value. A dict answer (or each dict of a list-of-dicts answer)
    lists acceptable values per key, {key: [acceptable]}; deeper levels are compared as-is, as BFCL does."""
    if isinstance(value, dict):
        return _dict_instance(value)
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [_dict_instance(item) for item in value]
    return value


def _dict_instance(answer: dict) -> dict:
    return {key: values[0] for key, values in answer.items()
            if isinstance(values, list) and values and values[0] != ""}


def perfect_answer(case) -> list[dict]:
    """What a perfect model answers to a case, in BFCL's decoded form `[{name: {argument: value}}]`.

    Unlike `ground_truth_output` (first listed value, as BFCL's own test data is read), this omits exactly
    the arguments that may be omitted and the schema does not require, and otherwise supplies the first
    acceptable non-omission value (also inside dict answers), so every sound answer key passes.
    """
    answer = []
    for expected in case.expected:
        tool = case.tool(expected.name)
        required = set(tool.required) if tool is not None else set()
        arguments = {}
        for name, values in expected.arguments.items():
            concrete = [value for value in values if value != ""]
            if concrete and (name in required or not expected.is_omittable(name)):
                arguments[name] = _concrete(concrete[0])
        answer.append({expected.name: arguments})
    return answer


def _concrete(value: Any) -> Any:
    """As `value_instance`, one level deep (BFCL compares deeper levels as-is), skipping omission markers."""
    if isinstance(value, dict):
        return {key: next(v for v in values if v != "") for key, values in value.items()
                if isinstance(values, list) and any(v != "" for v in values)}
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [_concrete(item) for item in value]
    return value

#: The BFCL v4 entries (bfcl-eval 2026.3.23) whose ground truth no answer can pass, with the reason each is
#: flagged; `harness.bfcl.ground_truth_defect` must find exactly these.
GROUND_TRUTH_DEFECTS = {
    "live_simple_106-63-0": "empty acceptable-value list",
    "live_simple_112-68-0": "empty acceptable-value list",
    "live_multiple_507-149-4": "required argument 'origin_airport' may only be omitted",
    "live_multiple_862-181-3": "answer argument 'journey_start_time' not in the schema",
    "live_multiple_964-207-0": "answer argument 'question' not in the schema",
}
