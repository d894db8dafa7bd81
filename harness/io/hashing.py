"""Content hashes for caching and reproducibility: of files, and of JSON-able data in canonical form.

Every cache key (generations, adapters) and every recorded input hash goes through these two functions.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks (adapters and data files may be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def json_sha256(data: Any) -> str:
    """Hex sha256 of `data` as canonical JSON (sorted keys, no whitespace), so equal data hashes equal."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
