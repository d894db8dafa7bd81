"""A backend that needs no model: it answers each case with the call the case expects (Hermes text), and with
one call too many on every `extra_call_every`-th case of the suite. Its input tokens are the prompt's words, so what a
strategy adds shows in the results."""
import json

from pydantic import BaseModel, ConfigDict, Field

from harness.backends.base import Capabilities, Generation


class OracleOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    extra_call_every: int = Field(0, ge=0)


class OracleBackend:
    Options = OracleOptions
    capabilities = Capabilities(cacheable=False, local_model=False, needs_model=False)
    claims = ()
    latency_mode = "recorded"

    def __init__(self, cases, extra_call_every: int):
        self.cases = {case.id: (position, case) for position, case in enumerate(cases, start=1)}
        self.extra_call_every = extra_call_every

    @classmethod
    def from_candidate(cls, candidate, suite, options: OracleOptions, adapter_path=None) -> "OracleBackend":
        return cls(suite.cases, options.extra_call_every)

    def identity(self) -> dict:
        return {"backend": "oracle", "extra_call_every": self.extra_call_every}

    def generate(self, prompts):
        for prompt in prompts:
            position, case = self.cases[prompt.case_id]
            calls = [{"name": call.name, "arguments": {name: values[0] for name, values in call.arguments.items()
                                                       if values and values[0] != ""}}
                     for call in case.expected]
            if self.extra_call_every and position % self.extra_call_every == 0:
                calls.append(calls[0] if calls else {"name": prompt.tools[0].name, "arguments": {}})
            output = "".join(f"<tool_call>\n{json.dumps(call)}\n</tool_call>" for call in calls) or "No call needed."
            words = sum(len(str(message.get("content") or "").split()) for message in prompt.messages)
            yield Generation(output=output, latency_ms=1.0, input_tokens=words, output_tokens=len(output.split()))
