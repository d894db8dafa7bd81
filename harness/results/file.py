"""The results file: one versioned JSON document holding every per-case record and the aggregates.

Reports and gates are pure functions of this file, so it carries everything they need: suite
identity and hash, environment, each candidate's resolved spec and hash, and raw outputs.
"""
from __future__ import annotations

import platform
import sys
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from harness.errors import HarnessInputError
from harness.io.atomic import atomic_write_json
from harness.suite.example_bank import last_user_text
from harness.io.json_input import read_json
from harness.version import __version__

#: 2: per-case metric values in `record.metrics` (1 kept call/argument counts and per-call schema counts as
#: fields of their own; files of version 1 still load, migrated on read).
RESULTS_SCHEMA_VERSION = 2
RESULTS_KIND = "fc-harness-results"
_TRACKED_PACKAGES = ("torch", "transformers", "peft", "trl", "datasets", "evaluate", "jsonschema", "pandas")


@dataclass(frozen=True)
class CaseRecord:
    """What one candidate did on one case, stage by stage: parsed -> schema-valid -> right tools -> passed."""

    case_id: str
    category: str
    candidate: str
    output: Any                      # raw model output: text, or an OpenAI message dict
    calls: list[dict] | None         # parsed calls as {"name", "arguments"}; None when unparseable
    parsed: bool
    schema_valid: bool
    right_tools: bool
    passed: bool
    error_type: str | None
    error_detail: str
    expects_call: bool
    schema_errors: list[str] = field(default_factory=list)
    #: Every metric's value for this case, by metric name (`harness.scoring.metric`).
    metrics: dict = field(default_factory=dict)
    latency_ms: float | None = None
    ttft_ms: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    #: True when the output came from the generation cache; latency and tokens are then those of the
    #: run that generated it (what the model costs), not of this run's lookup.
    cached: bool = False
    meta: dict = field(default_factory=dict)
    #: Conversations only (`harness.multiturn.record`): per-turn verdicts, turn accuracy, calls per turn,
    #: wasted calls, steps and the trajectory; `output` is then the list of every step's output.
    multi_turn: dict | None = None

    @property
    def predicted_call(self) -> bool:
        return bool(self.calls)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict, schema_version: int = RESULTS_SCHEMA_VERSION) -> "CaseRecord":
        if schema_version < 2:
            data = migrate_record_v1(data)
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class CandidateResult:
    name: str
    spec: dict
    spec_hash: str
    aggregates: dict
    #: What a case's latency_ms means: `batched` (its share of a batch's wall time), `per_request`
    #: (batch of one), or `recorded` (whatever the replayed file says).
    latency_mode: str | None = None
    #: The backend's identity (model, revision, device, settings): what the generation cache keyed on.
    backend_identity: dict = field(default_factory=dict)
    #: Fine-tunes only: the training run (time, device, tokens, loss curve), its cost, and whether this run
    #: trained the adapter or reused a cached one (`harness.training.candidate.training_record`).
    training: dict | None = None
    #: Peak resident memory (MiB) of generating this candidate's cases and of training its adapter
    #: (`harness.run.memory`); None where it was not measured (an older file, a cached adapter).
    memory: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ResultsFile:
    """A whole run. `records` is flat: one `CaseRecord` per (candidate, case)."""

    suite: dict
    environment: dict
    candidates: tuple[CandidateResult, ...]
    records: tuple[CaseRecord, ...]
    created_at: str = ""
    #: What a reader of the results needs to know about each case without the suite: id, category, the
    #: request (the last user message) and the expected calls (`case_summary`). Empty in older files.
    cases: tuple[dict, ...] = ()

    def to_json(self) -> dict:
        """Always the current layout: a file read from an older one was migrated as it was read."""
        return {
            "kind": RESULTS_KIND,
            "schema_version": RESULTS_SCHEMA_VERSION,
            "harness_version": __version__,
            "created_at": self.created_at,
            "suite": self.suite,
            "environment": self.environment,
            "candidates": [asdict(candidate) for candidate in self.candidates],
            "records": [record.to_json() for record in self.records],
            "cases": list(self.cases),
        }

    def write(self, path: str | Path) -> None:
        atomic_write_json(path, self.to_json())

    @classmethod
    def from_json(cls, data: Any, path: str | Path = "<results>") -> "ResultsFile":
        if not isinstance(data, dict) or data.get("kind") != RESULTS_KIND:
            raise HarnessInputError("not a harness results file (missing kind: fc-harness-results)", path=path)
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise HarnessInputError("results file has no schema_version", path=path, field="schema_version")
        if version > RESULTS_SCHEMA_VERSION:
            raise HarnessInputError(f"results schema version {version} is newer than this harness reads "
                                    f"({RESULTS_SCHEMA_VERSION})", path=path, field="schema_version",
                                    hint="upgrade the harness")
        try:
            return cls(
                suite=data["suite"], environment=data["environment"],
                candidates=tuple(CandidateResult(**c) for c in data["candidates"]),
                records=tuple(CaseRecord.from_json(r, version) for r in data["records"]),
                created_at=data.get("created_at", ""), cases=tuple(data.get("cases") or ()),
            )
        except (KeyError, TypeError) as exc:
            raise HarnessInputError(f"malformed results file: {exc}", path=path) from None

    @classmethod
    def read(cls, path: str | Path) -> "ResultsFile":
        return cls.from_json(read_json(path), path)


#: A request longer than this is cut in a results file's case summaries (the suite keeps it whole).
REQUEST_CHARS = 4000


def case_summary(case, cluster_key: str | None = None) -> dict:
    """A `Case` as a results file keeps it: id, category, the request, the expected calls (BFCL form) and, when
    the suite names a cluster key, the case's cluster (`case_cluster`); a conversation's is
    `harness.multiturn.record.conversation_summary`."""
    request = last_user_text(case.messages)
    if len(request) > REQUEST_CHARS:
        request = request[:REQUEST_CHARS] + " [...]"
    summary = {"id": case.id, "category": case.category, "request": request,
               "expected": [call.to_json() for call in case.expected]}
    if cluster_key is not None:
        summary["cluster"] = case_cluster(case, cluster_key)
    return summary


def case_cluster(case, key: str) -> str:
    """The case's value at `key` (`category` or `meta.<key>...`) as one label: a list becomes its sorted items
    joined by `|` (a case from templates a and b is cluster `a|b`); a case without the key is its own cluster."""
    if key == "category":
        return case.category
    value: Any = case.meta
    for part in key.split(".")[1:]:
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is None or value == [] or value == "":
        return f"case:{case.id}"
    if isinstance(value, (list, tuple)):
        return "|".join(sorted(str(item) for item in value))
    return str(value)


def migrate_record_v1(data: dict) -> dict:
    """A version-1 record with the metric values version 2 keeps in `metrics`, derived from its own fields."""
    predicted = bool(data.get("calls"))
    expects = bool(data.get("expects_call"))
    cell = ("tp" if predicted else "fn") if expects else ("fp" if predicted else "tn")
    metrics = {"tool_call_accuracy": data.get("passed"), "schema_validity": data.get("schema_valid"),
               "schema_validity_per_call": [data.get("calls_valid", 0), data.get("calls_total", 0)],
               "relevance_accuracy": expects == predicted, "relevance_f1": cell,
               "call_f1": data.get("call_counts") or None, "argument_f1": data.get("argument_counts") or None,
               "parse_rate": data.get("parsed"), "right_tools_rate": data.get("right_tools")}
    return {**data, "metrics": metrics}


#: What makes two runs comparable case by case (gates, reports over several files): the same cases scored the
#: same way. Not the same YAML: comparing a changed candidate with its reference is the point of a gate.
COMPARABLE_SUITE_KEYS = ("name", "version", "cases_hash", "scoring_mode")


def suite_differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The identity keys on which two results files' suites differ (empty: comparable)."""
    return [key for key in COMPARABLE_SUITE_KEYS if a.get(key) != b.get(key)]


def describe_suite(suite: Mapping[str, Any]) -> str:
    """One phrase naming a results file's suite, for refusals."""
    return (f"'{suite.get('name')}' v{suite.get('version')} (cases {str(suite.get('cases_hash') or '?')[:12]}, "
            f"mode {suite.get('scoring_mode')})")


def environment_info(seed: int) -> dict:
    """Versions and machine facts that can change a result, recorded with every run."""
    packages = {}
    for name in _TRACKED_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "harness": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": packages,
        "seed": seed,
    }


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
