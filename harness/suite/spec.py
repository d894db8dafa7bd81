"""What to run, as frozen data: the suite spec (data files, scoring, prices, gate), validated from YAML.

Specs say *what* (cases, candidates, scoring); the runner decides *how*. Unknown keys are errors, so a typo
in a suite never silently falls back to a default. Candidates are `harness.suite.candidate.CandidateSpec`.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, NonNegativeFloat, field_validator, model_validator

from harness.suite.candidate import CandidateSpec, NameMapping, known_decoder

SCORING_MODES = ("strict", "bfcl")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DataFiles(_Frozen):
    """Data files, each relative to the suite YAML."""

    test: Optional[str] = Field(None, description="JSONL single-turn test cases")
    #: Conversations with executable tools (`harness.multiturn`): a suite needs `test`, `multi_turn` or both.
    multi_turn: Optional[str] = Field(None, description="JSONL multi-turn test cases")
    #: One file or several (e.g. single-turn examples and multi-turn conversations with tool results), read in
    #: order as one train split.
    train: Optional[str | tuple[str, ...]] = Field(None, description="JSONL chat-format training examples "
                                                                      "(fine-tuning): a file or a list of files")
    examples: Optional[str] = Field(None, description="JSONL example bank for few-shot and RAG")
    tools: Optional[str] = Field(None, description="JSON/JSONL tool library; cases may name tools from it")

    @property
    def train_files(self) -> tuple[str, ...]:
        """The train split's files, in order (none without `train`)."""
        if not self.train:
            return ()
        return (self.train,) if isinstance(self.train, str) else self.train

    @model_validator(mode="after")
    def _some_test_cases(self) -> "DataFiles":
        if self.test is None and self.multi_turn is None:
            raise ValueError("a suite needs test cases: `test` (single-turn), `multi_turn` (conversations) or both")
        return self


class ScoringSpec(_Frozen):
    """How outputs are read and judged; a candidate may override `decoder` and `names`."""

    mode: Literal["strict", "bfcl"] = "strict"
    #: How raw output becomes calls: "auto" detects the format per output; `harness.parsing.decoder_names()`
    #: lists the rest. `parser:` is the older spelling.
    decoder: str = Field("auto", validation_alias=AliasChoices("decoder", "parser"))
    #: `underscore_to_dot`: score function names as an API that forbids `.` shows them (harness.scoring.names).
    names: NameMapping = "exact"
    #: What makes cases dependent, for the uncertainty figures: `category`, or a `meta.<key>` path (e.g.
    #: `meta.templates`: cases written from the same phrasing templates share a cluster). Bootstrap CIs, the
    #: paired test's CI and the minimum detectable difference then resample clusters, not cases
    #: (`harness.report.stats`). None: every case is its own unit.
    cluster: Optional[str] = None

    @field_validator("cluster")
    @classmethod
    def _check_cluster(cls, value: str | None) -> str | None:
        if value is not None and value != "category" and not (value.startswith("meta.") and len(value) > 5):
            raise ValueError(f"cluster {value!r} must be `category` or a `meta.<key>` path such as meta.templates")
        return value

    _check_decoder = field_validator("decoder")(classmethod(lambda cls, value: known_decoder(value)))


class TokenPrice(_Frozen):
    """A hosted model's list price in USD per million tokens."""

    input_per_1m_usd: float = Field(ge=0)
    output_per_1m_usd: float = Field(ge=0)


class PricesSpec(_Frozen):
    """A suite's `prices:` block: overrides merged over the shipped table (`harness/data/prices.yaml`).

    `models`: {model name: {input_per_1m_usd, output_per_1m_usd}} for token-priced (hosted) models;
    `devices`: {cpu | cuda | ...: USD per device-hour} for local models. The short form
    `local_<device>_hour_usd: 0.10` (e.g. `local_cpu_hour_usd`) means `devices: {<device>: 0.10}`.
    """

    models: dict[str, TokenPrice] = Field(default_factory=dict)
    devices: dict[str, NonNegativeFloat] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _fold_short_device_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        devices = dict(data.get("devices") or {})
        for key in [k for k in data if isinstance(k, str) and k.startswith("local_") and k.endswith("_hour_usd")]:
            devices[key.removeprefix("local_").removesuffix("_hour_usd")] = data.pop(key)
        if devices:
            data["devices"] = devices
        return data


class GateSpec(_Frozen):
    """A suite's `gate:` block: the per-case metrics the regression gate watches, each with the largest drop it
    lets pass (a fraction: 0.02 = 2 points), and the significance level of the paired test."""

    #: Metric names and tolerances are checked against the registered metrics when the suite loads
    #: (`harness.suite.checks`), where the YAML line of each is known.
    metrics: dict[str, float] = Field(default_factory=lambda: {"tool_call_accuracy": 0.02, "schema_validity": 0.02})
    alpha: float = Field(0.05, gt=0, lt=1)


class MultiTurnSpec(_Frozen):
    """How the suite's conversations run (`data.multi_turn`): the steps (model answers) a user turn may take
    before it is cut off (BFCL allows 21; a small local model that keeps calling wastes the rest of them), and
    the seconds one tool call may take before it is that call's tool error (a simulator stuck in a loop).
    A turn cut off while still calling fails, so the limit is at least 2: the calls, then the answer after them."""

    max_steps_per_turn: int = Field(8, ge=2, le=50)
    call_time_limit_s: float = Field(10.0, gt=0, le=3600)


class SuiteSpec(_Frozen):
    """A suite YAML, validated. Paths stay as written; `harness.suite.load.load_suite` resolves them."""

    name: str = Field(min_length=1)
    version: int | str = 1
    description: str = ""
    data: DataFiles
    scoring: ScoringSpec = ScoringSpec()
    prices: PricesSpec = PricesSpec()
    seed: int = 0
    #: Names are unique (checked at load, `harness.suite.checks`, to point at the repeated one).
    candidates: tuple[CandidateSpec, ...] = ()
    gate: Optional[GateSpec] = None
    multi_turn: MultiTurnSpec = MultiTurnSpec()
