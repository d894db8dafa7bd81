"""BFCL v4 multi-turn entries as tool environments: its simulator classes, imported from the pinned wheel, and
its ground-truth call strings read into calls.

The wheel is never installed and never put on `sys.path`: its `bfcl_eval` package is imported from the zip
(zipimport), so the simulators' own `from bfcl_eval... import` lines resolve inside the same archive.
"""
from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import sys
import zipimport
from pathlib import Path
from typing import Any, Mapping, Sequence

from harness.errors import HarnessInputError
from harness.integrations.bfcl.wheel import BfclWheelError, bfcl_wheel_path
from harness.multiturn.environment import ClassEnvironment, EnvironmentFactory, tool_signatures
from harness.parsing.errors import ParseError
from harness.parsing.limits import ParseContext
from harness.parsing.literals import parse_expression
from harness.parsing.pythonic import argument_value
from harness.suite.cases import ToolCall

_PACKAGE = "bfcl_eval"
#: Where BFCL maps each simulator class to its module (`CLASS_FILE_PATH_MAPPING`).
_CLASS_MAP_MODULE = "bfcl_eval.constants.executable_backend_config"


def bfcl_simulator_classes(names: Sequence[str], wheel: Path | None = None) -> tuple[type, ...]:
    """BFCL's simulator classes `names` (an entry's `involved_classes`), from the wheel (default: the pinned one)."""
    mapping = _class_modules(str(wheel or bfcl_wheel_path()))
    classes = []
    for name in names:
        if name not in mapping:
            raise HarnessInputError(f"unknown BFCL simulator class {name!r}", field="involved_classes",
                                    hint=f"BFCL has {', '.join(sorted(mapping))}")
        try:
            module = importlib.import_module(mapping[name])
        except ImportError as exc:  # the memory and web-search simulators need numpy, faiss, serpapi, ...
            raise BfclWheelError(f"BFCL simulator {name} needs {exc.name or 'a package'}, which is not installed "
                                 "(the multi-turn categories use only the standard library and mpmath)") from None
        classes.append(getattr(module, name))
    return tuple(classes)


def is_long_context(entry: Mapping[str, Any]) -> bool:
    """BFCL's rule: the simulators load their long-context extras in the long_context and composite categories
    (read from the entry id, `multi_turn_long_context_12` -> `multi_turn_long_context`)."""
    category = str(entry["id"]).rsplit("_", 1)[0]
    return "long_context" in category or "composite" in category


def bfcl_environment_factory(entry: Mapping[str, Any], wheel: Path | None = None) -> EnvironmentFactory:
    """A maker of fresh environments for one BFCL multi-turn entry: its `involved_classes`, loaded with its
    `initial_config` (deep-copied per environment) and the long-context flag of its category."""
    classes = bfcl_simulator_classes(entry["involved_classes"], wheel)
    stateless = _stateless_classes(str(wheel or bfcl_wheel_path()))
    # BFCL never loads a state into its stateless classes (MathAPI has no `_load_scenario`), though entries
    # give MathAPI a config; passed to its constructor, that would fail.
    config = {name: value for name, value in (entry.get("initial_config") or {}).items() if name not in stateless}
    long_context = is_long_context(entry)
    return lambda: ClassEnvironment(classes, config, long_context=long_context, bfcl_wording=True)


def bfcl_ground_truth(ground_truth: Sequence[Sequence[str]], classes: Sequence[type]) -> list[list[ToolCall]]:
    """A possible_answer row's `ground_truth` (per turn, call strings like "cd(folder='document')") as calls.
    Positional arguments (`sort('final_report.pdf')`, 40 calls per category) are named from the simulator
    method's signature, as Python binds them when BFCL evaluates the string."""
    signatures = tool_signatures(classes)
    return [[parse_bfcl_call(text, signatures, field=f"ground_truth[{turn}][{step}]")
             for step, text in enumerate(calls)] for turn, calls in enumerate(ground_truth)]


def parse_bfcl_call(text: str, signatures: Mapping[str, inspect.Signature], field: str | None = None) -> ToolCall:
    """One call string `name(arg=value, ...)`, read with the project's literal reader (never evaluated):
    literal values only, positional arguments named by `signatures[name]`."""
    context = ParseContext("strict")
    node = parse_expression(text, context)
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise HarnessInputError(f"not a call of a plain function name: {text[:80]!r}", field=field)
    name = node.func.id
    try:
        positional = [argument_value(item, context, 2) for item in node.args]
        keywords = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise ParseError("`**` arguments need evaluation")
            keywords[keyword.arg] = argument_value(keyword.value, context, 2)
    except ParseError as exc:
        raise HarnessInputError(f"cannot read {text[:80]!r}: {exc}", field=field) from None
    if not positional:
        return ToolCall(name=name, arguments=keywords)
    signature = signatures.get(name)
    if signature is None:
        raise HarnessInputError(f"positional arguments to unknown function {name!r}", field=field)
    try:
        bound = signature.bind_partial(*positional, **keywords)
    except TypeError as exc:
        raise HarnessInputError(f"arguments of {text[:80]!r} do not fit {name}{signature}: {exc}",
                                field=field) from None
    return ToolCall(name=name, arguments=dict(bound.arguments))


@functools.cache
def _class_modules(wheel: str) -> dict[str, str]:
    _import_package(wheel)
    return dict(importlib.import_module(_CLASS_MAP_MODULE).CLASS_FILE_PATH_MAPPING)


@functools.cache
def _stateless_classes(wheel: str) -> frozenset[str]:
    _import_package(wheel)
    return frozenset(importlib.import_module(_CLASS_MAP_MODULE).STATELESS_CLASSES)


def _import_package(wheel: str) -> None:
    """Make `bfcl_eval` the wheel's package. One already imported from this wheel (a test's reference checker
    put it on sys.path) is kept; one from anywhere else is refused, so classes never mix two releases."""
    loaded = sys.modules.get(_PACKAGE)
    if loaded is not None:
        origin = getattr(loaded, "__file__", None) or ""
        if not Path(origin).is_relative_to(wheel):
            raise BfclWheelError(f"a different bfcl_eval is already imported ({origin or 'no file'}); the multi-turn "
                                 f"simulators must come from {wheel}")
        return
    try:
        importer = zipimport.zipimporter(wheel)
        spec = importer.find_spec(_PACKAGE)
    except (zipimport.ZipImportError, OSError) as exc:
        raise BfclWheelError(f"{wheel}: cannot import from the wheel ({exc}); delete it to download it again") from None
    if spec is None:
        raise BfclWheelError(f"{wheel}: no {_PACKAGE} package in the wheel")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[_PACKAGE]
        raise
