"""Where the harness keeps what it builds or downloads once: generations, adapters, models, wheels.

One root for all of them, so one environment variable moves (or isolates) every cache.
"""
from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """`$HARNESS_CACHE_DIR`, else `~/.cache/harness`."""
    root = os.environ.get("HARNESS_CACHE_DIR")
    return Path(root) if root else Path.home() / ".cache" / "harness"
