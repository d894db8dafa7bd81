"""The `hf` backend: a local transformers causal LM (embedded, folder or hub id) decoding greedily in batches,
optionally with a PEFT adapter. It renders prompts, generates, and records tokens and latency per case.
"""
from __future__ import annotations

import functools
import hashlib
import time
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from harness.backends.base import Capabilities, Generation, GenerationSpec, Prompt
from harness.backends.embedded import (ModelSource, check_model_name, load_model, load_tokenizer, pick_device,
                                      resolve_dtype, resolve_model)
from harness.backends.kv_cache import cache_argument, growing_cache
from harness.backends.prompt_format import CHATML_TEMPLATE, TOOL_INSTRUCTIONS, text_chat
from harness.errors import ErrorKind, HarnessInputError
from harness.io.hashing import file_sha256, json_sha256
from harness.suite.candidate import Precision
from harness.suite.cases import Tool
from harness.suite.message_calls import call_function, decoded_arguments

GENERATION_ERROR = ErrorKind.GENERATION_ERROR
#: Prompts are sorted by length (less padding) only within windows of this many batches, so outputs still
#: stream out early and in order, and a crash loses at most one window of finished work.
SORT_WINDOW_BATCHES = 8


def template_renders_tools(template: Any) -> bool:
    """A chat template that mentions `tools` can show tool definitions itself (Qwen2.5, Llama 3.1, Hermes...)."""
    return isinstance(template, str) and "tools" in template


def render_prompt(tokenizer, messages: Sequence[Mapping[str, Any]], tools: Sequence[Tool]) -> str:
    """The exact text the model is given: its own template when that renders tools, else tools and calls
    as plain text (`prompt_format.text_chat`) in its template, or ChatML when it has none."""
    own = tokenizer.chat_template if isinstance(tokenizer.chat_template, str) else None
    if template_renders_tools(own):
        return tokenizer.apply_chat_template(_native_messages(messages), tools=[t.to_json() for t in tools] or None,
                                             add_generation_prompt=True, tokenize=False)
    return tokenizer.apply_chat_template(text_chat(messages, tools), chat_template=own or CHATML_TEMPLATE,
                                         add_generation_prompt=True, tokenize=False)


def count_prompt_tokens(tokenizer, text: str) -> list[int]:
    """Ids of a rendered prompt. No extra special tokens: the template already wrote them (as
    `apply_chat_template(tokenize=True)` does)."""
    return tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]


class HFOptions(BaseModel):
    """The candidate keys the hf backend reads."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: An existing PEFT adapter folder, relative to the suite (a `lora:` block trains one instead).
    adapter: str | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    #: Weights' dtype. bfloat16 on a CPU with AVX512-BF16/AMX generates about 2x faster than float32; its greedy
    #: outputs differ from float32's in places, so it is part of the cache identity.
    dtype: Precision = "auto"
    generation: GenerationSpec = GenerationSpec()


class HFBackend:
    """Greedy, batched generation with KV cache and left padding; one `Generation` per prompt, in prompt order.

    The tokenizer loads at once (identity needs its template); the weights load on the first `generate`, so a
    fully cached run never pays for them.
    """

    Options = HFOptions
    capabilities = Capabilities(cacheable=True, local_model=True, needs_model=True)
    claims: tuple[str, ...] = ()

    def __init__(self, model: str, generation: GenerationSpec | None = None, device: str = "auto",
                 adapter_path: str | Path | None = None, base_dir: str | Path | None = None,
                 dtype: Precision = "auto"):
        self.source: ModelSource = resolve_model(model, base_dir)
        self.generation = generation or GenerationSpec()
        self.device = pick_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.tokenizer = load_tokenizer(self.source)
        self.adapter_path = Path(adapter_path).resolve() if adapter_path is not None else None
        self._adapter_identity = _adapter_identity(self.adapter_path) if self.adapter_path else None
        self.context_length = _context_length(self.source)
        self._model = None

    @classmethod
    def from_candidate(cls, candidate, suite, options: HFOptions | None = None,
                       adapter_path: str | Path | None = None) -> "HFBackend":
        """Plugin factory. `adapter_path` (e.g. from the LoRA trainer) wins over the candidate's `adapter:`."""
        options = options or candidate.backend_options()
        if adapter_path is None and options.adapter:
            adapter_path = suite.resolve(options.adapter)
        return cls(candidate.model, options.generation, options.device, adapter_path,
                   base_dir=suite.root if suite is not None else None, dtype=options.dtype)

    @staticmethod
    def check(suite, candidate, options: HFOptions) -> None:
        """The model can be found without the network when offline; a candidate either trains an adapter
        (`lora:`) or uses one (`adapter:`), and a used one exists."""
        try:
            check_model_name(candidate.model, suite.root)
        except HarnessInputError as exc:
            raise suite.field_error(suite.candidate_location(candidate, "model"), exc.message, hint=exc.hint) from None
        if candidate.lora is not None and options.adapter is not None:
            raise suite.field_error(suite.candidate_location(candidate, "adapter"),
                                    "give either `lora:` (train an adapter) or `adapter:` (use one), not both")
        if options.adapter is not None and not suite.resolve(options.adapter).is_dir():
            raise suite.field_error(suite.candidate_location(candidate, "adapter"),
                                    f"adapter folder not found: {suite.resolve(options.adapter)}")

    @property
    def latency_mode(self) -> str:
        return self.generation.latency_mode

    @property
    def batch_size(self) -> int:
        return 1 if self.generation.latency_mode == "per_request" else self.generation.batch_size

    def identity(self) -> dict:
        own = self.tokenizer.chat_template if isinstance(self.tokenizer.chat_template, str) else None
        native = template_renders_tools(own)
        identity = {
            "backend": "hf", "model": dict(self.source.identity) | {"model": self.source.name},
            "chat_template_sha256": _text_sha256(own or CHATML_TEMPLATE),
            "tool_rendering": "native" if native else "text",
            "adapter": self._adapter_identity,
            "generation": self.generation.model_dump(mode="json") | {"do_sample": False},
            "device": self.device.split(":")[0], "dtype": str(self.dtype).removeprefix("torch."),
        }
        if not native:  # the text rendering's wording decides the prompt too
            identity["tool_instructions_sha256"] = _text_sha256(TOOL_INSTRUCTIONS)
        return identity

    @property
    def model(self):
        return self.load()

    def load(self):
        """The model (with its adapter), loaded on first use."""
        if self._model is None:
            model = load_model(self.source, self.device, self.dtype)
            self._model = _with_adapter(model, self.adapter_path) if self.adapter_path else model
        return self._model

    @functools.cached_property
    def eos_ids(self) -> frozenset[int]:
        """Tokens that end an answer: the tokenizer's eos and any the model's generation config adds."""
        ids = {self.tokenizer.eos_token_id} if self.tokenizer.eos_token_id is not None else set()
        configured = getattr(self.model.generation_config, "eos_token_id", None)
        ids.update(configured if isinstance(configured, list) else [configured] if configured is not None else [])
        return frozenset(ids)

    @functools.cached_property
    def pad_id(self) -> int:
        if self.tokenizer.pad_token_id is not None:
            return self.tokenizer.pad_token_id
        return min(self.eos_ids) if self.eos_ids else 0  # never attended to (mask 0), so any id serves

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        if prompts:
            self.load()  # load failures are input errors for the whole run, not per-case errors
        window = self.batch_size * SORT_WINDOW_BATCHES
        for start in range(0, len(prompts), window):
            yield from self._generate_window(prompts[start:start + window])

    def _generate_window(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        finished: dict[int, Generation] = {}
        ready: list[tuple[int, list[int]]] = []
        for index, prompt in enumerate(prompts):
            encoded = self._encode(prompt)
            if isinstance(encoded, Generation):
                finished[index] = encoded
            else:
                ready.append((index, encoded))
        ready.sort(key=lambda item: len(item[1]))  # stable: equal lengths keep prompt order
        next_index = 0
        for start in range(0, len(ready), self.batch_size):
            finished.update(self._run_batch(ready[start:start + self.batch_size]))
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
        while next_index < len(prompts):
            yield finished.pop(next_index)
            next_index += 1

    def _encode(self, prompt: Prompt) -> list[int] | Generation:
        """Prompt ids, or a per-case error when it cannot be rendered or cannot fit with the answer."""
        try:
            ids = count_prompt_tokens(self.tokenizer, render_prompt(self.tokenizer, prompt.messages, prompt.tools))
        except Exception as exc:  # a template may reject a message shape (e.g. roles not alternating)
            return Generation(error_type=GENERATION_ERROR, error=f"cannot render the prompt: {_one_line(exc)}")
        needed = len(ids) + self.generation.max_new_tokens
        if self.context_length is not None and needed > self.context_length:
            return Generation(error_type=GENERATION_ERROR,
                              error=f"prompt has {len(ids)} tokens; with max_new_tokens "
                                    f"{self.generation.max_new_tokens} it exceeds the model's context of "
                                    f"{self.context_length} tokens")
        return ids

    def _run_batch(self, batch: list[tuple[int, list[int]]]) -> dict[int, Generation]:
        """Generate one batch. If the batch fails, each prompt is retried alone, so one bad prompt (or an
        out-of-memory batch) costs only its own case."""
        started = time.perf_counter()
        try:
            rows, first_token_at = self._generate_ids([ids for _, ids in batch])
            answers = [self._decode(row) for row in rows]
        except Exception as exc:  # model failures become per-case errors; the run goes on
            if len(batch) > 1:
                return {i: g for item in batch for i, g in self._run_batch([item]).items()}
            return {batch[0][0]: Generation(error_type=GENERATION_ERROR, error=_one_line(exc))}
        wall_ms = (time.perf_counter() - started) * 1000
        ttft_ms = (first_token_at - started) * 1000 if first_token_at is not None else None
        return {index: Generation(output=text, latency_ms=wall_ms / len(batch), ttft_ms=ttft_ms,
                                  input_tokens=len(ids), output_tokens=count)
                for (index, ids), (text, count) in zip(batch, answers, strict=True)}

    def _generate_ids(self, batch_ids: list[list[int]]) -> tuple[list[list[int]], float | None]:
        """New token ids per row (padding after eos included), and when the first token came (per_request only)."""
        import torch

        pad_id = self.pad_id
        width = max(len(ids) for ids in batch_ids)
        input_ids = torch.full((len(batch_ids), width), pad_id, dtype=torch.long)
        attention = torch.zeros((len(batch_ids), width), dtype=torch.long)
        for row, ids in enumerate(batch_ids):  # left padding: every row's last prompt token is at the same column
            input_ids[row, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
            attention[row, width - len(ids):] = 1
        # Time to first token only means something for a lone request; a batched row's first token waits on the batch.
        clock = _FirstTokenClock() if self.generation.latency_mode == "per_request" else None
        cache = growing_cache(self.model)  # None: the model's own cache, built by generate
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=attention.to(self.device),
                max_new_tokens=self.generation.max_new_tokens, do_sample=False, num_beams=1, use_cache=True,
                pad_token_id=pad_id, eos_token_id=sorted(self.eos_ids), streamer=clock,
                **({cache_argument(): cache} if cache is not None else {}))
        return output[:, width:].tolist(), (clock.first_token_at if clock else None)

    def _decode(self, row: list[int]) -> tuple[str, int]:
        """Text of the answer up to its first eos, and the tokens generated (the eos counted, padding not)."""
        count = next((position + 1 for position, token in enumerate(row) if token in self.eos_ids), len(row))
        return self.tokenizer.decode(row[:count], skip_special_tokens=True), count



class _FirstTokenClock:
    """A generate() streamer that only notes when the first new token arrived (its first `put` is the prompt)."""

    def __init__(self):
        self.puts = 0
        self.first_token_at: float | None = None

    def put(self, value) -> None:
        self.puts += 1
        if self.puts == 2:
            self.first_token_at = time.perf_counter()

    def end(self) -> None:
        pass


def _native_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Messages for a tool-aware template: call arguments as dicts (templates `tojson` them; a JSON string
    would be encoded twice)."""
    out = []
    for message in messages:
        message = dict(message)
        if message.get("tool_calls"):
            message["tool_calls"] = [_call_with_dict_arguments(call) for call in message["tool_calls"]]
        out.append(message)
    return out


def _call_with_dict_arguments(call: Mapping[str, Any]) -> dict:
    """The call with its arguments decoded (a string that is not JSON is left as written: the template shows
    what the example held)."""
    function = dict(call_function(call))
    if "arguments" in function:
        function["arguments"] = decoded_arguments(function["arguments"])
    return dict(call) | ({"function": function} if "function" in call else function)


def _context_length(source: ModelSource) -> int | None:
    """The model's position limit from its config (`max_position_embeddings`, or GPT-2's `n_positions`)."""
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(source.location)
    except Exception:  # the weights load will report the real problem with a better message
        return None
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _with_adapter(model, adapter_path: Path):
    from peft import PeftModel

    try:
        return PeftModel.from_pretrained(model, str(adapter_path)).eval()
    except Exception as exc:  # peft raises ValueError, OSError, KeyError for unusable adapters alike
        raise HarnessInputError(f"cannot load the adapter {adapter_path}: {_one_line(exc)}", field="adapter") from exc


def _adapter_identity(path: Path) -> dict:
    """Path and content hash of an adapter folder (adapters are megabytes: hashing them in full is cheap)."""
    if not (path / "adapter_config.json").is_file():
        raise HarnessInputError(f"no PEFT adapter at {path} (expected adapter_config.json there)", field="adapter")
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {"path": str(path), "sha256": json_sha256({str(p.relative_to(path)): file_sha256(p) for p in files})}


def _text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _one_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
