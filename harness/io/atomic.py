"""Crash-safe writes: a file or folder is made beside its target under a hidden scratch name, then renamed
into place.

A reader (or a killed run) sees either the old file or the new one, never half of one; a half-built folder
is never found under its final name.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace `path` with `text` atomically (same-directory temp file + `os.replace`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); results and reports are meant to be shared like any
        # file the user writes, so give it the mode the umask allows.
        os.chmod(temp_name, 0o666 & ~_current_umask())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write_json(path: str | Path, data: Any) -> None:
    """`atomic_write_text` of pretty, key-sorted JSON (stable bytes for stable inputs)."""
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def scratch_dir(target: Path, purpose: str) -> Iterator[Path]:
    """A new hidden folder beside `target` (`.<name>.<purpose>-XXXX`), removed on exit whatever happens; what
    should outlive it is moved out first (`publish_dir`, or a rename of a file in it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.{purpose}-", dir=target.parent))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def publish_dir(scratch: Path, target: Path, is_complete: Callable[[Path], bool]) -> None:
    """Rename the finished `scratch` folder to `target`, readable like any file the user writes (mkdtemp makes
    it private). When another process got there first (`is_complete(target)`), its equivalent copy wins."""
    for path in (scratch, *scratch.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    try:
        os.rename(scratch, target)
    except OSError:
        if not is_complete(target):  # not a lost race: something else occupies the target
            raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
