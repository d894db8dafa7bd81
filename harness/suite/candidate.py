"""One candidate, as frozen data: the keys every candidate has, plus the options its backend and strategy read.

A candidate = backend + model (+ an optional LoRA fine-tune) + prompting strategy, read as BFCL reads it
(`decoder`, `names`). Keys such as `k:`, `endpoint:` or `outputs:` belong to the plugin that declares them in
its `Options` model (`harness.plugins`); `load_suite` checks each against its plugin, with file and line.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from harness.errors import HarnessInputError
from harness.io.hashing import json_sha256

NameMapping = Literal["exact", "underscore_to_dot"]


def known_decoder(value: str | None) -> str | None:
    """Validator: `value` names a registered decoder (or is None)."""
    from harness.parsing import decoder_names

    if value is not None and value not in decoder_names():
        raise ValueError(f"unknown decoder {value!r} (known: {', '.join(decoder_names())})")
    return value


#: The weight dtype a model runs in (`dtype:` of a candidate and of a `lora:` block). `auto`: bfloat16 on a GPU
#: that supports it, else float32 (`harness.backends.embedded.default_dtype`). `bfloat16_if_native`: bfloat16
#: where the device computes it in hardware (such a GPU, or a CPU with AVX512-BF16 or AMX), else float32: the
#: fast choice on every machine, at the price of outputs that depend on the machine (the dtype used is recorded
#: in the backend identity and the training record). Plain `bfloat16` on a CPU without them is emulated and
#: can be hundreds of times slower.
Precision = Literal["auto", "float32", "bfloat16", "bfloat16_if_native"]


class LoraSpec(BaseModel):
    """A LoRA fine-tune on the suite's train split, run before the candidate is evaluated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    r: int = Field(16, ge=1)
    alpha: float = Field(32, gt=0)
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: str | tuple[str, ...] = "all-linear"
    epochs: Optional[float] = Field(None, gt=0)
    max_steps: Optional[int] = Field(None, ge=1)
    learning_rate: float = Field(2e-4, gt=0)
    lr_scheduler: Literal["linear", "cosine", "constant"] = "cosine"
    warmup_ratio: float = Field(0.1, ge=0, lt=1)
    batch_size: int = Field(8, ge=1)
    grad_accum: int = Field(1, ge=1)
    #: Examples per forward/backward pass; the `batch_size` examples of a step are fed in `batch_size /
    #: micro_batch_size` passes whose gradients add up, so the update is the same. None: 1 on a CPU (each
    #: example unpadded; activations of one example instead of eight: a quarter or less of the peak memory, and no
    #: slower), `batch_size` on a GPU.
    micro_batch_size: Optional[int] = Field(None, ge=1)
    max_length: int = Field(384, ge=16)
    #: The frozen base model's weights while training (the LoRA weights and their optimizer stay float32).
    #: bfloat16 on a CPU with AVX512-BF16/AMX: a step about 1.3x faster than float32 (docs/training.md).
    dtype: Precision = "auto"
    #: Fraction of the train split held out for evaluation during training (0: none).
    validation_fraction: float = Field(0.05, ge=0, lt=0.5)
    #: Validation examples answered greedily at every evaluation (tool-call accuracy and relevance F1 against
    #: examples seen: the learning curve; `harness.training.learning_curve`); 0: none. At most the validation split.
    dev_examples: int = Field(0, ge=0)
    #: Training examples used (first N after a seeded shuffle); None: all.
    max_examples: Optional[int] = Field(None, ge=1)
    seed: Optional[int] = None
    merge: bool = Field(False, description="merge the adapter into the base weights for serving")

    @model_validator(mode="after")
    def _has_length(self) -> "LoraSpec":
        if self.epochs is None and self.max_steps is None:
            raise ValueError("a lora block needs `epochs` or `max_steps`")
        if self.micro_batch_size is not None and self.batch_size % self.micro_batch_size:
            raise ValueError(f"micro_batch_size {self.micro_batch_size} must divide batch_size {self.batch_size}")
        return self

    def micro_batch(self, on_gpu: bool) -> int:
        """Examples per forward/backward pass on this device (see `micro_batch_size`)."""
        if self.micro_batch_size is not None:
            return self.micro_batch_size
        return self.batch_size if on_gpu else 1


class CandidateSpec(BaseModel):
    """The keys every candidate has; any other key is an option of its backend or strategy (`model_extra`)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str = Field(min_length=1)
    backend: Optional[str] = Field(None, description="a backend plugin's name (`harness plugins` lists them); "
                                                     "default: the backend claiming one of the candidate's keys "
                                                     "(outputs: replay, endpoint: openai), else hf")
    model: Optional[str] = Field(None, description="tiny | smollm2-135m-instruct | a hub id or local path (hf); "
                                                   "the served model name (openai)")
    strategy: str = "zero_shot"
    lora: Optional[LoraSpec] = None
    #: How this candidate's outputs become calls, and how its API spells function names (default: the suite's
    #: `scoring:`), e.g. `decoder: bfcl_hermes` for a Hermes-style model, `names: underscore_to_dot` for an API
    #: that forbids `.` in function names.
    decoder: Optional[str] = None
    names: Optional[NameMapping] = None

    _check_decoder = field_validator("decoder")(classmethod(lambda cls, value: known_decoder(value)))

    @field_validator("name")
    @classmethod
    def _name_is_filename_safe(cls, value: str) -> str:
        if any(ch in value for ch in "/\\\n\t") or value.strip() != value:
            raise ValueError("candidate names may not contain slashes, tabs, newlines or edge spaces")
        return value

    @property
    def option_values(self) -> dict[str, Any]:
        """The keys beyond the common ones: options of the backend and strategy."""
        return dict(self.model_extra or {})

    @property
    def resolved_backend(self) -> str:
        """`backend:` if given, else the backend that claims one of the option keys, else hf."""
        if self.backend:
            return self.backend
        from harness.backends.base import DEFAULT_BACKEND, backend_names, backend_plugin

        for name in backend_names():
            if any(key in self.option_values for key in backend_plugin(name).claims):
                return name
        return DEFAULT_BACKEND

    def backend_options(self) -> Any:
        """The backend's `Options`, validated from this candidate's keys."""
        from harness.backends.base import backend_plugin

        return self.options_for(backend_plugin(self.resolved_backend).Options)

    def strategy_options(self) -> Any:
        """The strategy's `Options`, validated from this candidate's keys."""
        from harness.run.strategy import strategy_plugin

        return self.options_for(strategy_plugin(self.strategy).Options)

    def options_for(self, options: type[BaseModel]) -> Any:
        """`options` validated from the keys it declares; a bad value is a HarnessInputError naming the key."""
        values = {key: value for key, value in self.option_values.items() if key in options.model_fields}
        try:
            return options.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "required field is missing"
            raise HarnessInputError(message, field=field or None) from None

    def scoring(self, suite_scoring: Any) -> Any:
        """The suite's scoring with this candidate's `decoder` and `names` where it sets them."""
        overrides = {key: value for key, value in (("decoder", self.decoder), ("names", self.names)) if value}
        return suite_scoring.model_copy(update=overrides) if overrides else suite_scoring

    def spec_hash(self, extra: dict[str, Any] | None = None) -> str:
        """Content hash of the resolved spec (plus e.g. the bytes hash of replay outputs)."""
        payload = self.model_dump(mode="json") | {"backend": self.resolved_backend} | (extra or {})
        return json_sha256(payload)[:16]
