"""BFCL v4's multi-turn categories in `harness import bfcl`: the names that select them, the data they may come
from, and the conversations written to the suite's `data/multi_turn.jsonl`.

They import only from the pinned bfcl-eval wheel: the suite runs and checks the conversations on that wheel's
simulated APIs (`harness.multiturn.cases_file`), so entries from any other data could not be trusted to fit them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from harness.errors import HarnessInputError
from harness.integrations.bfcl.releases import RELEASES, V4, Release
from harness.integrations.bfcl.sources import BfclSource
from harness.integrations.bfcl.wheel import BFCL_WHEEL_VERSION, BFCL_WHEELS, BfclWheelError
from harness.io.hashing import file_sha256
from harness.multiturn.bfcl_cases import BFCL_MULTI_TURN_CATEGORIES, bfcl_multi_turn_cases
from harness.multiturn.case import MultiTurnCase

#: `--categories multi_turn` names all four multi-turn categories, in BFCL's order.
MULTI_TURN_SHORTHAND = "multi_turn"
MULTI_TURN_FILE = "data/multi_turn.jsonl"
#: How the shorthand reads in `--help` and in errors.
SHORTHAND_TEXT = f"{MULTI_TURN_SHORTHAND} for all four"


def expand_shorthand(categories: Sequence[str]) -> list[str]:
    """The named categories with `multi_turn` spelled out in place, so the rest of the import sees real names."""
    expanded: list[str] = []
    for category in categories:
        expanded.extend(BFCL_MULTI_TURN_CATEGORIES if category == MULTI_TURN_SHORTHAND else (category,))
    return expanded


def is_multi_turn(category: str) -> bool:
    """Whether `category` (or the shorthand) names conversations rather than single-turn cases."""
    return category == MULTI_TURN_SHORTHAND or category in BFCL_MULTI_TURN_CATEGORIES


def refuse_before_reading(categories: Sequence[str] | None, release: str | None) -> None:
    """Refuse multi-turn categories with `--release` other than v4 before that release's data is fetched (the v3
    wheel is a download), naming what it can import instead. An unknown release is left to the release check."""
    wanted = [category for category in categories or () if is_multi_turn(category)]
    if wanted and release in RELEASES and RELEASES[release] is not V4:
        chosen = RELEASES[release]
        raise unavailable(wanted[0], f"{chosen.label} has no multi-turn categories to import (importable: "
                                     f"{', '.join(chosen.categories)})")


def multi_turn_wheel(categories: Sequence[str], release: Release, data: BfclSource,
                     importable: Sequence[str]) -> Path | None:
    """The wheel to read the chosen multi-turn categories from (None when none is chosen): the source itself when
    it is v4 in the pinned wheel (the default, or `--from` that same file, known by its sha256). Any other
    source is refused, naming the categories it can import (`importable`)."""
    if not categories:
        return None
    if release is not V4:
        raise unavailable(categories[0], f"{release.label} has no multi-turn categories to import (importable: "
                                         f"{', '.join(importable)})")
    if not data.is_wheel or _sha256(data.path) != BFCL_WHEELS[BFCL_WHEEL_VERSION].sha256:
        raise unavailable(categories[0], f"the {data.describe()} is not the pinned bfcl-eval {BFCL_WHEEL_VERSION} "
                                         f"wheel, whose simulated APIs run them (importable from it: "
                                         f"{', '.join(importable)})")
    return data.path


def _sha256(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def unavailable(category: str, why: str) -> HarnessInputError:
    """The one-line refusal of a multi-turn category this import cannot read, saying where it can be had."""
    return HarnessInputError(f"cannot import {category!r}: {why}", field="--categories",
                             hint=f"BFCL v4's multi-turn categories import from the pinned bfcl-eval "
                                  f"{BFCL_WHEEL_VERSION} wheel: drop --from and --release, or pass that wheel to "
                                  "--from")


def multi_turn_conversations(categories: Sequence[str], wheel: Path) -> tuple[MultiTurnCase, ...]:
    """Every entry of the chosen multi-turn categories as conversations, read from `wheel`; a bad entry or an
    unreadable wheel is a one-line HarnessInputError, raised before the import writes anything."""
    try:
        return tuple(case for category in categories for case in bfcl_multi_turn_cases(category, wheel))
    except BfclWheelError as exc:
        raise HarnessInputError(str(exc), field="--from") from None


def multi_turn_lines(conversations: Sequence[MultiTurnCase]) -> str:
    """The case file's text: one `to_json()` per line, keys in their own order so each tool's parameters stay
    in the order of BFCL's function docs (the order a model is shown them)."""
    return "".join(json.dumps(case.to_json(), ensure_ascii=False) + "\n" for case in conversations)


__all__ = ["MULTI_TURN_FILE", "MULTI_TURN_SHORTHAND", "SHORTHAND_TEXT", "expand_shorthand", "is_multi_turn",
           "multi_turn_conversations", "multi_turn_lines", "multi_turn_wheel", "refuse_before_reading",
           "unavailable"]
