"""BFCL's own ast_checker, imported straight from the cached wheel, as the reference our `bfcl` mode must match.

The checker imports `bfcl_eval.constants.model_config` (about 60 model handlers and API clients) only for a
model's `underscore_to_dot` flag; a stand-in module answering `False` for every model lets it run on the stdlib.
"""
from __future__ import annotations

import functools
import os
import pickle
import subprocess
import sys
import tempfile
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

from harness.integrations.bfcl.wheel import BFCL_V3_WHEEL_VERSION, BfclWheelError, bfcl_wheel_path, read_bfcl_jsonl

REFERENCE_MODEL_NAME = "reference-model"  # keeps '.' in function names
#: A model name the stand-in config gives BFCL's underscore_to_dot (an API that forbids '.' in names).
UNDERSCORE_MODEL_NAME = "reference-underscore-model"
_MODEL_CONFIG_MODULE = "bfcl_eval.constants.model_config"
_HANDLER_SCRIPT = Path(__file__).with_name("bfcl_handler_reference.py")


class _AnyModelConfig(dict):
    """MODEL_CONFIG_MAPPING stand-in: a model keeps '.' in function names unless its name says underscore.
    (BFCL looks models up with '_' written as '/'.)"""

    def __missing__(self, key: str) -> Any:
        return types.SimpleNamespace(underscore_to_dot="underscore" in key)


@dataclass(frozen=True)
class BfclReference:
    wheel: Path
    ast_checker: Callable[..., dict]
    python: Any  # bfcl_eval.constants.enums.Language.PYTHON

    def verdict(self, functions: list[dict], model_output: list[dict], ground_truth: list[dict],
                category: str, underscore_to_dot: bool = False) -> dict:
        """BFCL's result dict for a decoded output `[{name: {arg: value}}, ...]` in an AST category."""
        model = UNDERSCORE_MODEL_NAME if underscore_to_dot else REFERENCE_MODEL_NAME
        return self.ast_checker(functions, model_output, ground_truth, self.python, category, model)

    def entry_passes(self, decoded: tuple[str, Any], functions: list[dict], ground_truth: list[dict] | None,
                     category: str, underscore_to_dot: bool = False) -> bool:
        """BFCL's eval-runner verdict for one entry from a handler's `("ok", decoded)` or `("error", message)`:
        an irrelevance entry passes unless a non-empty call list decoded; an AST entry needs a decoded list of
        `{name: {arguments}}` that the checker accepts (a checker crash is no pass)."""
        status, value = decoded
        if ground_truth is None:
            return status == "error" or _is_empty_output(value)
        if status == "error" or not _is_calling_format(value):
            return False
        try:
            return self.verdict(functions, value, ground_truth, category, underscore_to_dot)["valid"]
        except (AttributeError, TypeError, KeyError, IndexError, ValueError):
            return False

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
#: flagged; `harness.integrations.bfcl.ground_truth_defect` must find exactly these.
GROUND_TRUTH_DEFECTS = {
    "live_simple_106-63-0": "empty acceptable-value list",
    "live_simple_112-68-0": "empty acceptable-value list",
    "live_multiple_507-149-4": "required argument 'origin_airport' may only be omitted",
    "live_multiple_862-181-3": "answer argument 'journey_start_time' not in the schema",
    "live_multiple_964-207-0": "answer argument 'question' not in the schema",
}


def _is_calling_format(decoded: Any) -> bool:
    """BFCL's `is_function_calling_format_output`: a list of one-key dicts whose values are dicts."""
    return isinstance(decoded, list) and all(
        type(item) is dict and len(item) == 1 and type(next(iter(item.values()))) is dict for item in decoded)


def _is_empty_output(decoded: Any) -> bool:
    """BFCL's `is_empty_output`: not in calling format, [] or [{}]."""
    return not _is_calling_format(decoded) or not decoded or (len(decoded) == 1 and not decoded[0])


@functools.cache
def handler_wheel(version: str) -> str:
    """A bfcl-eval wheel for the handler reference (downloaded once); skips the test when unobtainable."""
    try:
        return str(bfcl_wheel_path(version=version))
    except BfclWheelError as exc:
        pytest.skip(f"bfcl-eval {version} wheel unavailable: {exc}")


def bfcl_decode(handler: str, outputs: Sequence[Any], version: str) -> list[tuple[str, Any]]:
    """BFCL's own `decode_ast` of `handler` (see tests/bfcl_handler_reference.py) on every output, run from the
    bfcl-eval `version` wheel in a child process: `("ok", decoded)` or `("error", message)` per output."""
    return _run_handlers([(handler, output) for output in outputs], version)


def bfcl_decode_seconds(handler: str, outputs: Sequence[Any], version: str, repeat: int = 5) -> float:
    """The best of `repeat` passes of BFCL's own decoding over `outputs`, timed inside the child process."""
    return _run_handlers([(handler, output) for output in outputs], version, repeat)


def _run_handlers(requests: list, version: str, repeat: int = 0) -> Any:
    wheel = handler_wheel(version)
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run([sys.executable, str(_HANDLER_SCRIPT), wheel, str(repeat)], capture_output=True,
                              timeout=600, input=pickle.dumps(requests), env=os.environ | {"BFCL_PROJECT_ROOT": scratch})
    if done.returncode != 0:
        raise RuntimeError(f"BFCL handler reference failed: {done.stderr.decode()[-2000:]}")
    return pickle.loads(done.stdout)


#: Our decoder -> (BFCL handler in tests/bfcl_handler_reference.py, bfcl-eval wheel version it comes from).
REFERENCE_HANDLERS: dict[str, tuple[str, str]] = {
    "bfcl_prompt": ("default", "2026.3.23"), "bfcl_gemma": ("gemma", "2026.3.23"),
    "bfcl_gemini": ("gemini_prompt", "2026.3.23"), "bfcl_gorilla": ("gorilla", "2026.3.23"),
    "bfcl_raven": ("nexus", "2026.3.23"), "bfcl_glm": ("glm", "2026.3.23"),
    "bfcl_granite": ("granite", "2026.3.23"), "bfcl_llama": ("llama_3_1", "2026.3.23"),
    "bfcl_xlam": ("salesforce", "2026.3.23"), "bfcl_qwen": ("qwen_fc", "2026.3.23"),
    "bfcl_fc": ("openai_fc", "2026.3.23"), "bfcl_functionary": ("openai_fc", "2026.3.23"),
    "bfcl_hermes": ("hermes", BFCL_V3_WHEEL_VERSION), "bfcl_mistral": ("mistral_prompt", BFCL_V3_WHEEL_VERSION),
    "bfcl_deepseek": ("deepseek", BFCL_V3_WHEEL_VERSION), "bfcl_databricks": ("databricks", BFCL_V3_WHEEL_VERSION),
}
