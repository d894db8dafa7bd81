"""Find a causal LM by name: an embedded model built into the cache (`tiny`, `smollm2-135m-instruct`),
a local folder, or a hub id; load it with its tokenizer and an identity naming exactly which weights these are.
"""
from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from harness.backends.embedded.cache import read_identity
from harness.backends.embedded.smollm2 import smollm2_folder
from harness.backends.embedded.tiny import tiny_folder
from harness.errors import HarnessInputError
from harness.io.hashing import file_sha256, json_sha256
from harness.suite.candidate import Precision

#: Embedded model name -> function returning its built folder (building it on first use).
EMBEDDED_MODELS: dict[str, Callable[[], Path]] = {"tiny": tiny_folder, "smollm2-135m-instruct": smollm2_folder}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".gguf")
_FINGERPRINT_BYTES = 1 << 20


@dataclass(frozen=True)
class ModelSource:
    """Where a model's files are (`location`: a folder or hub id for `from_pretrained`) and what they are."""

    name: str
    location: str
    identity: dict = field(hash=False)
    embedded: bool = False


class LoadedModel(NamedTuple):
    model: Any
    tokenizer: Any
    identity: dict


def resolve_model(name_or_path: str, base_dir: str | Path | None = None) -> ModelSource:
    """Name -> files, without loading weights. Relative paths are tried against `base_dir` (a suite's folder) first."""
    if name_or_path in EMBEDDED_MODELS:
        folder = EMBEDDED_MODELS[name_or_path]()
        return ModelSource(name_or_path, str(folder), read_identity(folder) or {}, embedded=True)
    local = _local_folder(name_or_path, base_dir)
    if local is not None:
        return ModelSource(name_or_path, str(local), {"model": name_or_path} | folder_fingerprint(local))
    if not _HUB_ID.match(name_or_path):
        known = ", ".join(EMBEDDED_MODELS)
        raise HarnessInputError(f"unknown model {name_or_path!r}: not an embedded model ({known}), an existing "
                                "folder, or a hub id like owner/name", field="model")
    return ModelSource(name_or_path, name_or_path, {"model": name_or_path, "revision": _hub_revision(name_or_path)})


def check_model_name(name_or_path: str, base_dir: str | Path | None = None) -> None:
    """Refuse, without loading or fetching anything, a model that `resolve_model` could not find: not embedded,
    not a folder, and not a hub id, or a hub id that is not in the local Hugging Face cache while offline."""
    if name_or_path in EMBEDDED_MODELS or _local_folder(name_or_path, base_dir) is not None:
        return
    known = ", ".join(EMBEDDED_MODELS)
    if not _HUB_ID.match(name_or_path):
        raise HarnessInputError(f"unknown model {name_or_path!r}: not an embedded model ({known}), an existing "
                                "folder, or a hub id like owner/name")
    if _hub_offline():
        from huggingface_hub import try_to_load_from_cache

        if not isinstance(try_to_load_from_cache(name_or_path, "config.json"), str):
            raise HarnessInputError(f"model {name_or_path!r} is not in the local Hugging Face cache, and the hub "
                                    "is offline (HF_HUB_OFFLINE)",
                                    hint=f"download it on a machine with network access, or use a folder or an "
                                         f"embedded model ({known})")


def _hub_offline() -> bool:
    import os

    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def load_tokenizer(source: ModelSource):
    """The source's tokenizer. Embedded models load as PreTrainedTokenizerFast: AutoTokenizer may pick a
    model-specific class that swaps the pre-tokenizer and changes the ids (the Qwen2Tokenizer gotcha)."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    loader = PreTrainedTokenizerFast if source.embedded else AutoTokenizer
    with _load_errors(source, "tokenizer"):
        return loader.from_pretrained(source.location)


def load_model(source: ModelSource, device: str, dtype=None):
    """The source's weights on `device` in eval mode (dtype: `default_dtype(device)` unless given)."""
    from transformers import AutoModelForCausalLM

    with _load_errors(source, "model"):
        model = AutoModelForCausalLM.from_pretrained(source.location, dtype=dtype or default_dtype(device))
    return model.to(device).eval()


def load_causal_lm(name_or_path: str, device: str = "auto", base_dir: str | Path | None = None,
                   dtype=None) -> LoadedModel:
    """`(model, tokenizer, identity)` for an embedded name, a folder or a hub id (device "auto": cuda if present)."""
    source = resolve_model(name_or_path, base_dir)
    tokenizer = load_tokenizer(source)
    model = load_model(source, pick_device(device), dtype)
    return LoadedModel(model, tokenizer, dict(source.identity))


def pick_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise HarnessInputError("device 'cuda' requested but torch sees no CUDA device (use auto or cpu)",
                                field="device")
    return device


def default_dtype(device: str):
    """bfloat16 on GPUs that support it; float32 on a CPU. bf16 is not the CPU default although CPUs with
    AVX512-BF16 or AMX run it 2-10x faster: without those it is emulated and many times slower, and its
    outputs differ from float32's, so a suite opts in (`dtype: bfloat16`) rather than getting results that
    depend on the machine."""
    import torch

    if device.startswith("cuda") and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def resolve_dtype(precision: Precision, device: str):
    """The torch dtype for a candidate's `dtype:` on `device`."""
    import torch

    if precision == "auto":
        return default_dtype(device)
    if precision == "bfloat16_if_native":
        native = (torch.cuda.is_bf16_supported() if device.startswith("cuda") else cpu_has_native_bf16())
        return torch.bfloat16 if native else torch.float32
    return getattr(torch, precision)


def cpu_has_native_bf16() -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware (AVX512-BF16 or AMX tiles). Without either, torch
    emulates bf16: on a 2-core AMD EPYC without AVX-512 a 2048^3 bf16 matmul ran at 0.3 GFLOPS against 150 in
    float32, while CPUs with AMX run bf16 up to 10x faster than float32."""
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def folder_fingerprint(folder: Path) -> dict:
    """Identity of a local model folder without reading gigabytes: config hashed in full, each weight file by
    name, size and its first and last MiB (safetensors headers hold every tensor's offsets)."""
    config = folder / "config.json"
    weights = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix in _WEIGHT_SUFFIXES and p.is_file()):
        weights[path.name] = [path.stat().st_size, _edges_sha256(path)]
    return {"path": str(folder), "config_sha256": file_sha256(config) if config.is_file() else None,
            "weights_fingerprint": json_sha256(weights)}


def _edges_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        digest.update(handle.read(_FINGERPRINT_BYTES))
        size = path.stat().st_size
        if size > 2 * _FINGERPRINT_BYTES:
            handle.seek(size - _FINGERPRINT_BYTES)
        digest.update(handle.read(_FINGERPRINT_BYTES))
    return digest.hexdigest()


def _local_folder(name: str, base_dir: str | Path | None) -> Path | None:
    candidates = [Path(base_dir) / name] if base_dir is not None else []
    candidates.append(Path(name).expanduser())
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def _hub_revision(hub_id: str) -> str | None:
    """The commit the hub id resolves to (from the local HF cache when offline); fails early if unavailable."""
    from transformers import AutoConfig

    source = ModelSource(hub_id, hub_id, {})
    with _load_errors(source, "config"):
        config = AutoConfig.from_pretrained(hub_id)
    return getattr(config, "_commit_hash", None)


@contextmanager
def _load_errors(source: ModelSource, what: str) -> Iterator[None]:
    """Turn a library's load failure into one line naming the model; a cached embedded folder gets a hint."""
    try:
        yield
    except HarnessInputError:
        raise
    except Exception as exc:  # transformers raises OSError, ValueError, safetensors and hub errors alike
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        hint = f"delete {source.location} to rebuild it" if source.embedded else None
        raise HarnessInputError(f"cannot load the {what} of {source.name!r}: {first_line}",
                                field="model", hint=hint) from exc


__all__ = ["EMBEDDED_MODELS", "LoadedModel", "ModelSource", "Precision", "check_model_name", "cpu_has_native_bf16",
           "default_dtype", "folder_fingerprint", "load_causal_lm", "load_model", "load_tokenizer", "pick_device",
           "resolve_dtype", "resolve_model"]
