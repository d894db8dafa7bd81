"""Where built models live on disk, and how a model folder is built there exactly once, atomically.

A model is built in a hidden scratch folder and renamed into place, so a crashed or concurrent build never
leaves a half-written model where a loader would find it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from harness.io.atomic import publish_dir, scratch_dir
from harness.io.hashing import file_sha256, json_sha256
from harness.io.paths import cache_root

#: Written last into a built folder: its presence marks the folder complete, and it holds the model's identity.
IDENTITY_FILE = "harness_identity.json"


def models_dir() -> Path:
    return cache_root() / "models"


def read_identity(folder: Path) -> dict | None:
    """The identity of a complete built folder, or None when the folder is absent (or was never finished)."""
    try:
        return json.loads((folder / IDENTITY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build_once(target: Path, build: Callable[[Path], dict]) -> dict:
    """Return the identity of `target`, first building it with `build(scratch) -> identity` if it is missing.

    Two processes may build at once; the first rename wins and the loser discards its own (equivalent) copy.
    """
    identity = read_identity(target)
    if identity is not None:
        return identity
    with scratch_dir(target, "build") as scratch:
        identity = build(scratch)
        (scratch / IDENTITY_FILE).write_text(json.dumps(identity, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        publish_dir(scratch, target, lambda folder: read_identity(folder) is not None)
    return read_identity(target) or identity


def content_identity(folder: Path, weights: tuple[str, ...], tokenizer: tuple[str, ...]) -> dict:
    """Hashes of what decides a built model's outputs. `config.json` is hashed as data without its
    `transformers_version`, so a library upgrade that rewrites nothing else keeps the hash."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config.pop("transformers_version", None)
    return {
        "config_sha256": json_sha256(config),
        "weights_sha256": json_sha256({name: file_sha256(folder / name) for name in weights}),
        "tokenizer_sha256": json_sha256({name: file_sha256(folder / name) for name in tokenizer
                                         if (folder / name).is_file()}),
    }
