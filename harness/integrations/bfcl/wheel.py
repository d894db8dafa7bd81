"""The pinned BFCL wheel: find it in the cache (or fetch it once with pip) and read its bundled JSONL data.

The wheel is never installed (it pins old numpy and pulls many API clients); its files are read with zipfile.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from harness.io.paths import cache_root

#: The release `harness import bfcl` reads by default (BFCL v4).
BFCL_WHEEL_VERSION = "2026.3.23"
#: The last bfcl-eval release with BFCL v3's data (`BFCL_v3_*.json`) and the older model handlers.
BFCL_V3_WHEEL_VERSION = "2025.6.8"
BFCL_DISTRIBUTION = "bfcl-eval"
_DATA_DIR = "bfcl_eval/data/"
_DOWNLOAD_TIMEOUT_S = 600


class BfclWheelError(RuntimeError):
    """The BFCL wheel could not be found, fetched or read; the message says which and how to fix it."""


def default_wheel_cache() -> Path:
    """`<cache root>/wheels`: `$HARNESS_CACHE_DIR/wheels`, else `~/.cache/harness/wheels`."""
    return cache_root() / "wheels"


def bfcl_wheel_path(cache_dir: Path | None = None, version: str = BFCL_WHEEL_VERSION) -> Path:
    """The cached bfcl-eval `version` wheel in `cache_dir` (default: `default_wheel_cache()`), downloaded there
    on first use."""
    cache = Path(cache_dir) if cache_dir is not None else default_wheel_cache()
    wheel_glob = f"bfcl_eval-{version}-*.whl"
    cached = sorted(cache.glob(wheel_glob))
    if cached:
        return cached[0]
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BfclWheelError(f"cannot create the wheel cache {cache}: {exc.strerror}") from None
    requirement = f"{BFCL_DISTRIBUTION}=={version}"
    # Download into a scratch folder first, so an interrupted download never leaves a broken wheel cached.
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as scratch:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", requirement, "-d", scratch]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=_DOWNLOAD_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BfclWheelError(f"could not run pip to download {requirement}: {exc} "
                                 f"(put the wheel into {cache} to work offline)") from None
        downloaded = sorted(Path(scratch).glob(wheel_glob))
        if result.returncode != 0 or not downloaded:
            reason = (result.stderr.strip().splitlines() or [f"pip exited with {result.returncode}"])[-1]
            raise BfclWheelError(f"could not download {requirement} with pip: {reason} "
                                 f"(put the wheel into {cache} to work offline)")
        target = cache / downloaded[0].name
        os.replace(downloaded[0], target)
    return target


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
