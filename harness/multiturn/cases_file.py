"""A suite's multi-turn case file: each line a conversation whose environment is a simulator file, recorded
responses or BFCL's simulated APIs, read by the reader of its kind; and, for any case, the maker of its fresh
environments.

This is the one entry point the suite loader and the runner use, so a suite can mix its own conversations with
ones `harness import bfcl` wrote without knowing which is which.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Mapping

from harness.multiturn.case import (
    CaseEnvironments, MultiTurnCase, RecordedSpec, SimulatorSpec, environment_factory, multi_turn_case_from_line,
)
from harness.multiturn.environment import EnvironmentFactory
from harness.suite.case_loader import read_cases

#: The environment key that marks a case of BFCL's simulated APIs (`harness.multiturn.bfcl_cases`).
BFCL_ENVIRONMENT_KEY = "bfcl_classes"


def load_multi_turn_file(path: str | Path) -> tuple[MultiTurnCase, ...]:
    """Every conversation in the JSONL file `path`, each checked by the reader of its environment's kind; the
    first problem is a HarnessInputError naming the file, line and field."""
    path = Path(path)
    return read_cases(path, lambda data, number: _case(data, path, number))


def case_environments(base_dir: str | Path) -> CaseEnvironments:
    """Given a case of a file in `base_dir`, the maker of its fresh environments (what `run_conversations`
    takes)."""
    base_dir = Path(base_dir)

    def make(case: MultiTurnCase) -> EnvironmentFactory:
        if isinstance(case.environment, (SimulatorSpec, RecordedSpec)):
            return environment_factory(case, base_dir)
        from harness.multiturn.bfcl_cases import bfcl_case_environment

        return bfcl_case_environment(case, _bfcl_wheel())

    return make


def _case(data: Mapping[str, Any], path: Path, line: int) -> MultiTurnCase:
    environment = data.get("environment")
    if isinstance(environment, Mapping) and BFCL_ENVIRONMENT_KEY in environment:
        from harness.multiturn.bfcl_cases import bfcl_case_from_line

        return bfcl_case_from_line(data, path, line, _bfcl_wheel(path, line))
    return multi_turn_case_from_line(data, path, line)


@functools.lru_cache(maxsize=1)
def _wheel() -> Path:
    from harness.integrations.bfcl.wheel import bfcl_wheel_path

    return bfcl_wheel_path()


def _bfcl_wheel(path: Path | None = None, line: int | None = None) -> Path:
    """The pinned bfcl-eval wheel (downloaded once); without it a BFCL case is bad input naming its line."""
    from harness.errors import HarnessInputError
    from harness.integrations.bfcl.wheel import BfclWheelError

    try:
        return _wheel()
    except BfclWheelError as exc:
        raise HarnessInputError(f"this case runs on BFCL's simulated APIs, from the bfcl-eval wheel: {exc}",
                                path=path, line=line, field="environment.bfcl_classes") from None


__all__ = ["BFCL_ENVIRONMENT_KEY", "case_environments", "load_multi_turn_file"]
