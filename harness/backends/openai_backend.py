"""The `openai` backend: greedy chat completions from any OpenAI-compatible endpoint (vLLM, TGI, llama.cpp, hosted).

Requests run in a bounded thread pool and come back in prompt order; a failed request is a per-case error.

Which failures stop the whole run: HTTP 401/403 (the key is wrong or missing: every case would fail the
same way) and 404 (the model is not served there, or the base_url is wrong) raise HarnessInputError.
Timeouts, connection failures, 429/5xx once the SDK's retries are spent, other 4xx (e.g. one prompt too
long for the context) and malformed responses become `Generation(error_type=...)` and the run goes on.
`latency_ms` spans the whole SDK call, retries and backoff included: it is what a caller would wait.
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Iterator, Literal, Mapping, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field

from harness.backends.base import Capabilities, Generation, GenerationSpec, Prompt
from harness.backends.prompt_format import text_chat
from harness.errors import ErrorKind, HarnessInputError
from harness.scoring.names import api_name, tools_as_offered
from harness.suite.message_calls import call_function, encoded_arguments

TIMEOUT = ErrorKind.TIMEOUT
ENDPOINT_ERROR = ErrorKind.ENDPOINT_ERROR
#: Sent when `api_key_env` is null: local servers ignore the key, but the SDK refuses to go without one.
PLACEHOLDER_KEY = "no-key"
_MAX_ERROR_CHARS = 300

if TYPE_CHECKING:
    import openai


def _sdk():
    """The openai package, imported on first use: it adds ~0.5 s to every start, which other backends need not pay."""
    import openai

    return openai


class EndpointSpec(BaseModel):
    """An OpenAI-compatible chat-completions endpoint (vLLM, TGI, llama.cpp server, hosted APIs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(min_length=1, description="e.g. http://localhost:8000/v1")
    #: Name of the environment variable holding the API key; the key itself never appears in a suite or result.
    api_key_env: Optional[str] = "OPENAI_API_KEY"
    tool_mode: Literal["native", "prompt"] = "native"
    concurrency: int = Field(4, ge=1, le=256)
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0, le=20)


class OpenAIOptions(BaseModel):
    """The candidate keys the openai backend reads."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: EndpointSpec
    generation: GenerationSpec = GenerationSpec()


class OpenAIBackend:
    """Sends each prompt as one chat-completions request, `concurrency` at a time."""

    Options = OpenAIOptions
    capabilities = Capabilities(cacheable=True, local_model=False, needs_model=True)
    claims = ("endpoint",)

    def __init__(self, candidate, names: str = "exact", options: OpenAIOptions | None = None):
        options = options or candidate.backend_options()
        endpoint = options.endpoint
        if not candidate.model:
            raise HarnessInputError("an openai candidate needs `model:`", field="model")
        self.endpoint = endpoint
        self.model = candidate.model
        #: `underscore_to_dot`: the API forbids `.` in function names, so tools go out as `math_factorial`.
        self.names = names
        self.generation = options.generation
        # Streaming is how time-to-first-token is seen; per_request mode is the one that reports it.
        self.stream = options.generation.latency_mode == "per_request"
        self._key = _read_api_key(endpoint.api_key_env)
        self._client = _sdk().OpenAI(base_url=endpoint.base_url, api_key=self._key or PLACEHOLDER_KEY,
                                     timeout=endpoint.timeout_s, max_retries=endpoint.max_retries)

    @classmethod
    def from_candidate(cls, candidate, suite, options: OpenAIOptions | None = None,
                       adapter_path=None) -> OpenAIBackend:
        names = candidate.names or (suite.spec.scoring.names if suite is not None else "exact")
        return cls(candidate, names, options)

    @property
    def latency_mode(self) -> str:
        return self.generation.latency_mode

    def identity(self) -> dict:
        # Retries, timeouts and concurrency change when answers arrive, not what they say: left out.
        identity = {"backend": "openai", "base_url": self.endpoint.base_url, "model": self.model,
                    "tool_mode": self.endpoint.tool_mode, "temperature": 0,
                    "max_new_tokens": self.generation.max_new_tokens, "stream": self.stream}
        if self.names != "exact":  # what the model is shown changes
            identity["names"] = self.names
        return identity

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        """Yields each generation as soon as it and all before it are done. A run-level error is raised in
        prompt order, and once one is seen no further request starts."""
        if not prompts:
            return
        stop = _RunStop()
        pool = ThreadPoolExecutor(max_workers=min(self.endpoint.concurrency, len(prompts)),
                                  thread_name_prefix="openai-backend")
        futures: list[Future] = [pool.submit(self._request_unless_stopped, prompt, stop) for prompt in prompts]
        try:
            for future in futures:
                generation = future.result()
                if generation is None:  # skipped because another prompt hit a run-level error
                    raise stop.error
                yield generation
        finally:
            stop.event.set()
            # Don't wait for requests still in flight: after a run-level error their answers are unwanted.
            pool.shutdown(wait=False, cancel_futures=True)

    def _request_unless_stopped(self, prompt: Prompt, stop: _RunStop) -> Generation | None:
        if stop.event.is_set():
            return None
        try:
            return self._request(prompt)
        except HarnessInputError as exc:
            stop.set(exc)
            raise

    def _request(self, prompt: Prompt) -> Generation:
        arguments, sdk = self._request_arguments(prompt), _sdk()
        start = time.perf_counter()
        try:
            if self.stream:
                return self._streamed(arguments, start)
            return self._completed(arguments, start)
        except sdk.APITimeoutError:
            return self._timed_out(start)
        except sdk.APIConnectionError as exc:
            return Generation(error_type=ENDPOINT_ERROR, latency_ms=_ms_since(start),
                              error=self._one_line(f"cannot reach {self.endpoint.base_url} after "
                                                   f"{self.endpoint.max_retries} retries: {exc.message}"))
        except sdk.APIStatusError as exc:
            self._raise_if_run_level(exc)
            return Generation(error_type=ENDPOINT_ERROR, latency_ms=_ms_since(start),
                              error=self._one_line(f"HTTP {exc.status_code} from the endpoint: {_server_message(exc)}"))
        except sdk.APIError as exc:  # an error event inside a stream, a body the SDK cannot read
            return Generation(error_type=ENDPOINT_ERROR, latency_ms=_ms_since(start),
                              error=self._one_line(f"unusable answer from the endpoint: {exc.message}"))

    def _timed_out(self, start: float) -> Generation:
        return Generation(error_type=TIMEOUT, latency_ms=_ms_since(start),
                          error=f"no answer within endpoint.timeout_s={self.endpoint.timeout_s:g} s "
                                f"(endpoint.max_retries={self.endpoint.max_retries})")

    def _request_arguments(self, prompt: Prompt) -> dict[str, Any]:
        arguments: dict[str, Any] = {"model": self.model, "temperature": 0,
                                     "max_tokens": self.generation.max_new_tokens}
        if self.endpoint.tool_mode == "prompt":
            arguments["messages"] = text_chat(prompt.messages, prompt.tools)
        else:
            arguments["messages"] = wire_messages(prompt.messages, self.names)
            if prompt.tools:  # an empty `tools` list is rejected by some servers (OpenAI among them)
                arguments["tools"] = [tool.to_json() for tool in tools_as_offered(prompt.tools, self.names)]
        if self.stream:
            arguments |= {"stream": True, "stream_options": {"include_usage": True}}
        return arguments

    def _completed(self, arguments: dict[str, Any], start: float) -> Generation:
        response = self._client.chat.completions.create(**arguments)
        latency_ms = _ms_since(start)
        choices = getattr(response, "choices", None)
        if not choices or getattr(choices[0], "message", None) is None:
            return Generation(error_type=ENDPOINT_ERROR, latency_ms=latency_ms,
                              error="the endpoint answered without choices[0].message")
        message = assistant_message(choices[0].message)
        input_tokens, output_tokens = _usage(getattr(response, "usage", None))
        return Generation(output=self._output(message), latency_ms=latency_ms,
                          input_tokens=input_tokens, output_tokens=output_tokens)

    def _streamed(self, arguments: dict[str, Any], start: float) -> Generation:
        message, usage, ttft_ms = StreamedMessage(), None, None
        stream = self._client.chat.completions.create(**arguments)
        try:
            for chunk in stream:
                # httpx's timeout is per read: a stream that trickles needs the total capped here.
                if time.perf_counter() - start > self.endpoint.timeout_s:
                    return self._timed_out(start)
                usage = getattr(chunk, "usage", None) or usage
                if message.add(chunk) and ttft_ms is None:
                    ttft_ms = _ms_since(start)
        finally:
            stream.close()
        input_tokens, output_tokens = _usage(usage)
        return Generation(output=self._output(message.to_json()), latency_ms=_ms_since(start), ttft_ms=ttft_ms,
                          input_tokens=input_tokens, output_tokens=output_tokens)

    def _output(self, message: dict[str, Any]) -> Any:
        """Native mode keeps the whole message (its tool_calls are the answer); prompt mode only has text."""
        if self.endpoint.tool_mode == "prompt":
            return message.get("content") or ""
        return message

    def _raise_if_run_level(self, exc: openai.APIStatusError) -> None:
        """Errors every later request would repeat stop the run instead of filling it with copies."""
        status, detail = exc.status_code, self._one_line(_server_message(exc))
        if status in (401, 403):
            where = (f"the key in ${self.endpoint.api_key_env}" if self.endpoint.api_key_env
                     else "no key (api_key_env is null)")
            raise HarnessInputError(f"{self.endpoint.base_url} refused {where} with HTTP {status}: {detail}",
                                    field="endpoint.api_key_env",
                                    hint="set the variable to a valid key, or name the right variable") from None
        if status == 404:
            raise HarnessInputError(f"{self.endpoint.base_url} answered HTTP 404 for model {self.model!r}: {detail}",
                                    field="model", hint="use a model name the server lists at GET /v1/models, "
                                                        "and a base_url ending in /v1") from None

    def _one_line(self, text: str) -> str:
        """Error text for results: one line, bounded, and never the key even if a server echoes it."""
        if self._key:
            text = text.replace(self._key, "***")
        text = " ".join(text.split())
        return text if len(text) <= _MAX_ERROR_CHARS else text[:_MAX_ERROR_CHARS - 3] + "..."



class _RunStop:
    """Shared by a run's worker threads: set by the first run-level error, which later skipped prompts re-raise."""

    def __init__(self):
        self.event = threading.Event()
        self.error: HarnessInputError | None = None
        self._lock = threading.Lock()

    def set(self, error: HarnessInputError) -> None:
        with self._lock:
            self.error = self.error or error
        self.event.set()


def _read_api_key(variable: str | None) -> str | None:
    """The key from the environment, checked when the backend is built so a typo fails before any request."""
    if variable is None:
        return None
    key = os.environ.get(variable, "")
    if not key.strip():
        raise HarnessInputError(f"environment variable {variable} is not set", field="endpoint.api_key_env",
                                hint=f"export {variable}=<key>, or set `api_key_env: null` for a server "
                                     "without auth")
    return key.strip()


def wire_messages(messages: Sequence[Mapping[str, Any]], names: str = "exact") -> list[dict[str, Any]]:
    """Messages as the chat-completions API wants them: call arguments as JSON strings, calls with ids and a
    type, function names as the API allows them (`names`), and each tool result linked to its call id.
    Example turns from strategies may omit all of these."""
    out: list[dict[str, Any]] = []
    unanswered: list[str] = []
    for message in messages:
        message = dict(message)
        if message.get("role") == "assistant" and message.get("tool_calls"):
            message["tool_calls"] = [_wire_call(call, f"call_{len(out)}_{i}", names)
                                     for i, call in enumerate(message["tool_calls"])]
            unanswered = [call["id"] for call in message["tool_calls"]]
        elif message.get("role") == "tool" and not message.get("tool_call_id") and unanswered:
            message["tool_call_id"] = unanswered.pop(0)
        out.append(message)
    return out


def _wire_call(call: Mapping[str, Any], default_id: str, names: str) -> dict[str, Any]:
    function = call_function(call)
    return {"id": call.get("id") or default_id, "type": "function",
            "function": {"name": api_name(function["name"], names),
                         "arguments": encoded_arguments(function.get("arguments", {}))}}


def assistant_message(message: Any) -> dict[str, Any]:
    """An SDK message object as the plain dict the parser reads: role, content and (if any) tool_calls."""
    out: dict[str, Any] = {"role": "assistant", "content": getattr(message, "content", None)}
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        out["tool_calls"] = [{"id": call.id, "type": "function",
                              "function": {"name": call.function.name, "arguments": call.function.arguments}}
                             for call in calls if getattr(call, "function", None) is not None]
    return out


class StreamedMessage:
    """Builds the assistant message from streamed deltas: content pieces and tool-call fragments by index."""

    def __init__(self):
        self.content: list[str] = []
        self.calls: dict[int, dict[str, Any]] = {}

    def add(self, chunk: Any) -> bool:
        """Takes one chunk's delta; True when it carried generated text or call fragments."""
        choices = getattr(chunk, "choices", None) or []
        delta = getattr(choices[0], "delta", None) if choices else None
        if delta is None:
            return False
        produced = False
        if getattr(delta, "content", None):
            self.content.append(delta.content)
            produced = True
        for fragment in getattr(delta, "tool_calls", None) or []:
            self._add_call_fragment(fragment)
            produced = True
        return produced

    def _add_call_fragment(self, fragment: Any) -> None:
        index = fragment.index if getattr(fragment, "index", None) is not None else len(self.calls)
        call = self.calls.setdefault(index, {"id": None, "name": "", "arguments": ""})
        call["id"] = call["id"] or getattr(fragment, "id", None)
        function = getattr(fragment, "function", None)
        if function is not None:
            call["name"] += getattr(function, "name", None) or ""
            call["arguments"] += getattr(function, "arguments", None) or ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": "assistant", "content": "".join(self.content) or None}
        if self.calls:
            out["tool_calls"] = [{"id": call["id"] or f"call_{index}", "type": "function",
                                  "function": {"name": call["name"], "arguments": call["arguments"]}}
                                 for index, call in sorted(self.calls.items())]
        return out


def _server_message(exc: openai.APIStatusError) -> str:
    """The server's own words: `{"error": {"message": ...}}` (OpenAI, vLLM), `{"error": "..."}` (TGI), or the body."""
    body = exc.body
    if isinstance(body, Mapping):
        message = body.get("message", body.get("error"))
        if message is not None:
            return str(message)
    if body is not None:
        return str(body)
    return exc.response.text if exc.response is not None else ""


def _usage(usage: Any) -> tuple[int | None, int | None]:
    if usage is None:
        return None, None
    return getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None)


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 3)
