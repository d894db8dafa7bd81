"""Everything a run will need, checked when the suite loads: `validate` and `run` share it, so a suite that
validates runs, and `run` fails before any model work on one that does not.

Per candidate: its backend and strategy exist, every other key is an option one of them declares and has a
valid value, the backend can serve it (a model named, LoRA only on a local model), and the strategy finds what it
reads (an example bank holding k examples, a tool library). A declared example bank and train split are parsed
and checked against their tools whether or not a candidate reads them; the gate names per-case metrics. Each
failure is one line naming the file, line and field.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.backends.base import backend_plugin
from harness.errors import HarnessInputError
from harness.run.strategy import strategy_plugin
from harness.suite.candidate import CandidateSpec

if TYPE_CHECKING:
    from harness.suite.load import Suite


def check_suite(suite: Suite) -> None:
    suite.example_bank, suite.train_examples  # parsed now (cached), not after the first candidates ran
    seen: set[str] = set()
    for index, candidate in enumerate(suite.spec.candidates):
        if candidate.name in seen:
            raise suite.field_error(("candidates", index, "name"), f"duplicate candidate name {candidate.name!r}",
                                    hint="give each candidate its own name")
        seen.add(candidate.name)
        check_candidate(suite, candidate)
    if suite.spec.gate is not None:
        _check_gate(suite)


def check_candidate(suite: Suite, candidate: CandidateSpec) -> None:
    """Raise the first thing about `candidate` that would stop its run, as a one-line error."""
    def at(key: str):
        return suite.candidate_location(candidate, key)

    backend = _at(suite, at("backend"), lambda: backend_plugin(candidate.resolved_backend))
    strategy = _at(suite, at("strategy"), lambda: strategy_plugin(candidate.strategy))
    declared = set(backend.Options.model_fields) | set(strategy.Options.model_fields)
    for key in candidate.option_values:
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise suite.field_error(at(key), "unknown field (check the spelling)",
                                    hint=f"backend {candidate.resolved_backend} and strategy {candidate.strategy} "
                                         f"read: {known}")
    backend_options = _options(suite, candidate, candidate.backend_options)
    strategy_options = _options(suite, candidate, candidate.strategy_options)
    if backend.capabilities.needs_model and not candidate.model:
        raise suite.field_error(at("model"), f"a {candidate.resolved_backend} candidate needs `model:`")
    if candidate.lora is not None:
        if not backend.capabilities.local_model:
            raise suite.field_error(at("lora"), f"a `lora:` block needs a backend that runs a local model; "
                                                f"{candidate.resolved_backend} does not")
        if not suite.spec.data.train:
            raise suite.field_error(("data", "train"), f"{candidate.name} has a `lora:` block but the suite has no "
                                                       "train split", hint="add `train: data/train.jsonl` under data")
    for plugin, options in ((backend, backend_options), (strategy, strategy_options)):
        check = getattr(plugin, "check", None)
        if check is not None:
            check(suite, candidate, options)


def _at(suite: Suite, location: tuple, find) -> Any:
    """`find()`, with an input error it raises pointed at `location` in the suite YAML."""
    try:
        return find()
    except HarnessInputError as exc:
        raise suite.field_error(location, exc.message, hint=exc.hint) from None


def _options(suite: Suite, candidate: CandidateSpec, validate) -> Any:
    try:
        return validate()
    except HarnessInputError as exc:
        key, _, rest = (exc.field or "").partition(".")
        location = suite.candidate_location(candidate, key) + tuple(part for part in rest.split(".") if part)
        raise suite.field_error(location, exc.message, hint=exc.hint) from None


def _check_gate(suite: Suite) -> None:
    """Each gated metric is a registered per-case metric with a tolerance that is a fraction."""
    from harness.gate.gate import check_gated_metric

    for metric, tolerance in suite.spec.gate.metrics.items():
        _at(suite, ("gate", "metrics", metric), lambda: check_gated_metric(metric, tolerance))
