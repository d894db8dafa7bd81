"""The pinned BFCL wheels (`harness.io.wheels`) and the JSONL data bundled in them.

A wheel is never installed (it pins old numpy and pulls many API clients); its files are read with zipfile.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from harness.io.wheels import PinnedWheel, WheelError, default_wheel_cache, pinned_wheel_path

#: The release `harness import bfcl` reads by default (BFCL v4).
BFCL_WHEEL_VERSION = "2026.3.23"
#: The last bfcl-eval release with BFCL v3's data (`BFCL_v3_*.json`) and the older model handlers.
BFCL_V3_WHEEL_VERSION = "2025.6.8"
BFCL_DISTRIBUTION = "bfcl-eval"
#: The files PyPI served for each pinned version.
BFCL_WHEELS = {
    BFCL_WHEEL_VERSION: PinnedWheel(BFCL_DISTRIBUTION, BFCL_WHEEL_VERSION,
                                    "3bb6dfa5f0c68ad403c9ec50b00db2bb3b4cc9b38ab1ff33f48fe30d853d3a0a"),
    BFCL_V3_WHEEL_VERSION: PinnedWheel(BFCL_DISTRIBUTION, BFCL_V3_WHEEL_VERSION,
                                       "f93fee3a66d33f8ea09e5174b4ba72aa80732b31506be1043da8ffb23c299cc3"),
}
_DATA_DIR = "bfcl_eval/data/"

#: Raised when a BFCL wheel cannot be fetched or read.
BfclWheelError = WheelError

__all__ = ["BFCL_DISTRIBUTION", "BFCL_V3_WHEEL_VERSION", "BFCL_WHEELS", "BFCL_WHEEL_VERSION", "BfclWheelError",
           "bfcl_wheel_path", "default_wheel_cache", "read_bfcl_jsonl"]


def bfcl_wheel_path(cache_dir: Path | None = None, version: str = BFCL_WHEEL_VERSION) -> Path:
    """The cached bfcl-eval `version` wheel in `cache_dir` (default: `default_wheel_cache()`), downloaded there
    on first use and checked against its pinned sha256."""
    if version not in BFCL_WHEELS:
        raise WheelError(f"no pinned bfcl-eval wheel {version} (pinned: {', '.join(sorted(BFCL_WHEELS))})")
    return pinned_wheel_path(BFCL_WHEELS[version], cache_dir)


def read_bfcl_jsonl(wheel: Path, name: str) -> list[dict]:
    """Rows of the JSONL file `name` under `bfcl_eval/data/` in the wheel, e.g. "BFCL_v4_simple_python.json"
    or "possible_answer/BFCL_v4_simple_python.json" (BFCL names its JSONL files `.json`)."""
    member = _DATA_DIR + name
    try:
        with zipfile.ZipFile(wheel) as archive:
            raw = archive.read(member)
    except KeyError:
        raise BfclWheelError(f"{wheel}: no data file {member!r} in the wheel") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise BfclWheelError(f"{wheel}: cannot read the wheel ({exc}); delete it to download it again") from None
    rows = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BfclWheelError(f"{wheel}:{member}:{number}: not JSON ({exc.msg})") from None
    return rows
