"""Test-only backends registered by name, so a suite (and a `harness run` subprocess) can name them.

`fake-slow`: answers weather questions with a Hermes tool call after a fixed per-case sleep, and appends each
case id it generates to a counter file, so tests can see which cases the model actually ran.
"""
from __future__ import annotations

import json
import os
import re
import time
from typing import Iterator, Sequence

from harness.backends.base import Capabilities, Generation, NoOptions, Prompt
from harness.plugins import BACKENDS, registry

#: Seconds each case takes (env, so a subprocess run can be slowed down).
DELAY_ENV = "FAKE_SLOW_DELAY_S"
#: File that gets one line per generated case id (env; unset: no counting).
COUNTER_ENV = "FAKE_SLOW_COUNTER"
_CITY = re.compile(r"Weather in (.+)\?")


class SlowFakeBackend:
    """Deterministic answers from the prompt text; only the timing is real."""

    Options = NoOptions
    capabilities = Capabilities(cacheable=True, local_model=False, needs_model=True)
    claims: tuple[str, ...] = ()
    latency_mode = "batched"

    @classmethod
    def from_candidate(cls, candidate, suite, options=None, adapter_path=None) -> "SlowFakeBackend":
        return cls(candidate, suite)

    def __init__(self, candidate=None, suite=None, delay_s: float | None = None):
        self.model = getattr(candidate, "model", None) or "fake"
        self.delay_s = float(os.environ.get(DELAY_ENV, "0.05")) if delay_s is None else delay_s
        self.counter = os.environ.get(COUNTER_ENV)

    def identity(self) -> dict:
        return {"backend": "fake-slow", "model": self.model, "device": "cpu"}

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        for prompt in prompts:
            start = time.perf_counter()
            time.sleep(self.delay_s)
            text = str(prompt.messages[-1].get("content", ""))
            match = _CITY.search(text)
            output = (f'<tool_call>{json.dumps({"name": "get_weather", "arguments": {"city": match.group(1)}})}'
                      "</tool_call>") if match else "I cannot help with that."
            if self.counter:
                with open(self.counter, "a", encoding="utf-8") as handle:
                    handle.write(prompt.case_id + "\n")
            yield Generation(output=output, latency_ms=(time.perf_counter() - start) * 1000,
                             input_tokens=len(text.split()), output_tokens=len(output.split()))


registry(BACKENDS).register("fake-slow", SlowFakeBackend)


def generated_ids(counter_path) -> list[str]:
    """Case ids the fake backend generated, in order (empty when it never ran)."""
    try:
        with open(counter_path, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return []


class BankTellerBackend:
    """`fake-teller`: answers the toy bank's conversations (tests/multiturn/toy_bank.py) as a model that knows
    transfers and balances but not the clock: a Hermes call per request it knows, "Done." after a tool result,
    and a text answer to anything else."""

    Options = NoOptions
    capabilities = Capabilities(cacheable=True, local_model=False, needs_model=True)
    claims: tuple[str, ...] = ()
    latency_mode = "batched"
    _REQUESTS = ((re.compile(r"Move (\d+) from (\w+) to (\w+)"),
                  lambda m: ("transfer", {"source": m.group(2), "target": m.group(3), "amount": int(m.group(1))})),
                 (re.compile(r"How much does (\w+) have"), lambda m: ("balance", {"account": m.group(1)})),
                 (re.compile(r"List the accounts"), lambda m: ("accounts", {})))

    @classmethod
    def from_candidate(cls, candidate, suite, options=None, adapter_path=None) -> "BankTellerBackend":
        return cls()

    def __init__(self) -> None:
        self.counter = os.environ.get(COUNTER_ENV)

    def identity(self) -> dict:
        return {"backend": "fake-teller", "model": "teller", "device": "cpu"}

    def generate(self, prompts: Sequence[Prompt]) -> Iterator[Generation]:
        for prompt in prompts:
            if self.counter:
                with open(self.counter, "a", encoding="utf-8") as handle:
                    handle.write(prompt.case_id + "\n")
            yield Generation(output=self._answer(prompt.messages), latency_ms=10.0, input_tokens=len(prompt.messages),
                             output_tokens=3)

    def _answer(self, messages) -> str:
        last = messages[-1]
        if last.get("role") == "tool":
            return "Done."
        for pattern, call in self._REQUESTS:
            match = pattern.search(str(last.get("content", "")))
            if match:
                name, arguments = call(match)
                return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"
        return "I cannot help with that."


registry(BACKENDS).register("fake-teller", BankTellerBackend)
