"""Run a suite: for each candidate, build prompts, generate (through the cache), parse, score, aggregate.

The runner only orchestrates; prompts come from strategies, outputs from backends, verdicts from
`harness.scoring`. A failure on one case becomes that case's error record and the run goes on.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from harness.backends.base import ModelBackend, backend_plugin
from harness.backends.cache import CachingBackend, GenerationStore, marked_generations
from harness.progress import Progress
from harness.multiturn.record import conversation_summary
from harness.run.conversations import conversation_records
from harness.run.memory import peak_memory
from harness.results.file import CandidateResult, CaseRecord, ResultsFile, case_summary, environment_info, utc_now
from harness.run.pricing import PriceTable, cost_per_1k_calls, device_from_identity, normalise_device, price_table
from harness.run.strategy import build_strategy
from harness.scoring.aggregates import aggregate, split_conversations
from harness.scoring.record import score_case
from harness.suite.candidate import CandidateSpec
from harness.suite.load import Suite


@dataclass(frozen=True)
class CandidateRun:
    """One candidate's records, plus what its backend said it was (model, device, settings)."""

    records: list[CaseRecord]
    identity: dict
    latency_mode: str
    training: dict | None = None
    memory: dict = field(default_factory=dict)


def build_backend(suite: Suite, candidate: CandidateSpec, store: GenerationStore | None,
                  adapter_path: Path | None = None) -> ModelBackend:
    """The candidate's backend, behind the generation cache unless there is no store or nothing to save."""
    plugin = backend_plugin(candidate.resolved_backend)
    backend = plugin.from_candidate(candidate, suite, candidate.backend_options(), adapter_path=adapter_path)
    if store is None or not plugin.capabilities.cacheable:
        return backend
    # Batched and per-request latencies mean different things, so they never stand in for each other.
    return CachingBackend(backend, store, extra_identity={"latency_mode": backend.latency_mode})


def run_candidate(suite: Suite, candidate: CandidateSpec, progress: Progress | bool = True,
                  store: GenerationStore | None = None, cache_dir: str | Path | None = None,
                  prices: PriceTable | None = None) -> CandidateRun:
    """Every case of the suite through one candidate, in suite order (fine-tunes: after training, or with the
    cached adapter)."""
    progress = _progress(progress)
    strategy = build_strategy(candidate, suite)
    served, adapter_path, training, memory = candidate, None, None, {}
    if candidate.lora is not None:
        with peak_memory() as peak:
            served, adapter_path, training = _fine_tune(suite, candidate, progress, cache_dir,
                                                        prices or price_table())
        if training["trained_now"]:
            memory.update(peak.to_json("training"))
    with peak_memory() as peak:
        with suite.errors_at(candidate):
            backend = build_backend(suite, served, store, adapter_path)
        prompts = [strategy.build_prompt(case) for case in suite.cases]
        scoring = candidate.scoring(suite.spec.scoring)
        records = []
        for case, (generation, cached) in progress.track(zip(suite.cases, marked_generations(backend, prompts)),
                                                         len(prompts), candidate.name):
            records.append(score_case(case, generation, candidate.name, scoring, cached))
        records.extend(conversation_records(suite, candidate.name, backend, strategy, scoring, progress))
        identity, latency_mode = dict(backend.identity()), backend.latency_mode
        del backend
        gc.collect()  # the model goes before the next candidate's loads, not whenever a cycle collection runs
    memory.update(peak.to_json("generation"))
    return CandidateRun(records=records, identity=identity, latency_mode=latency_mode, training=training,
                        memory=memory)


def _fine_tune(suite: Suite, candidate: CandidateSpec, progress: Progress, cache_dir: str | Path | None,
               prices: PriceTable) -> tuple[CandidateSpec, Path | None, dict]:
    """Train (or reuse) the candidate's adapter. Returns what to serve (the base model with the adapter, or the
    merged model folder when `lora.merge` is set) and the results file's training entry."""
    from harness.backends.embedded import pick_device
    from harness.run.train import train_adapter
    from harness.training.candidate import training_record

    result = train_adapter(suite, candidate, progress, cache_dir)
    device = normalise_device(result.run.device or pick_device(candidate.backend_options().device))
    record = training_record(result, prices.device_hour_usd(device))
    if result.merged_path is not None:
        return candidate.model_copy(update={"model": str(result.merged_path), "lora": None}), None, record
    return candidate, result.path, record


def _progress(progress: Progress | bool) -> Progress:
    """`True`: bars on a terminal, lines in a log; `False`: nothing."""
    return progress if isinstance(progress, Progress) else Progress.choose(quiet=not progress)


def candidate_hash(suite: Suite, candidate: CandidateSpec) -> str:
    """Spec hash, plus the hashes of the files the backend reads (a replayed outputs file), when it says so."""
    plugin = backend_plugin(candidate.resolved_backend)
    input_hashes = getattr(plugin, "input_hashes", None)
    extra = input_hashes(suite, candidate.backend_options()) if input_hashes is not None else {}
    return candidate.spec_hash(extra)


def run_suite(suite: Suite, candidates: Sequence[CandidateSpec] | None = None, progress: Progress | bool = True,
              use_cache: bool = True, cache_dir: str | Path | None = None) -> ResultsFile:
    """Run the chosen candidates (default: all the suite declares) and collect one results file.

    With the cache on (default), finished generations are stored as they arrive, so re-running an
    interrupted or unchanged run only generates what is missing. `cache_dir` defaults to
    `$HARNESS_CACHE_DIR`, else `~/.cache/harness`.
    """
    chosen = tuple(candidates if candidates is not None else suite.spec.candidates)
    progress = _progress(progress)
    prices = price_table(suite.spec.prices)
    needs_store = use_cache and any(backend_plugin(c.resolved_backend).capabilities.cacheable for c in chosen)
    store = GenerationStore.open(cache_dir) if needs_store else None
    records: list[CaseRecord] = []
    results: list[CandidateResult] = []
    try:
        for candidate in chosen:
            run = run_candidate(suite, candidate, progress, store, cache_dir, prices)
            records.extend(run.records)
            results.append(candidate_result(suite, candidate, run, prices))
    finally:
        if store is not None:
            store.close()
    return ResultsFile(suite=suite_identity(suite), environment=environment_info(suite.spec.seed),
                       candidates=tuple(results), records=tuple(records), created_at=utc_now(),
                       cases=(*(case_summary(case, suite.spec.scoring.cluster) for case in suite.cases),
                              *(conversation_summary(case, suite.spec.scoring.cluster)
                                for case in suite.multi_turn_cases)))


def candidate_result(suite: Suite, candidate: CandidateSpec, run: CandidateRun, prices: PriceTable) -> CandidateResult:
    """A candidate's entry in the results file: resolved spec and hash, aggregates with cost, latency mode."""
    device = device_from_identity(run.identity)
    calls, conversations = split_conversations(run.records)
    cost = cost_per_1k_calls(calls or conversations, candidate, prices, device)
    conversation_cost = cost_per_1k_calls(conversations, candidate, prices, device) if conversations else None
    return CandidateResult(name=candidate.name, spec=candidate.model_dump(mode="json"),
                           spec_hash=candidate_hash(suite, candidate),
                           aggregates=aggregate(run.records, cost, conversation_cost),
                           latency_mode=run.latency_mode, backend_identity=run.identity, training=run.training,
                           memory=run.memory)


def suite_identity(suite: Suite) -> dict:
    """What a results file records about its suite, so reports and gates can refuse mismatches."""
    return {"name": suite.spec.name, "version": suite.spec.version, "hash": suite.hash,
            "cases_hash": suite.cases_hash,
            "path": str(suite.path), "scoring_mode": suite.spec.scoring.mode,
            "cases": len(suite.cases) + len(suite.multi_turn_cases),
            "cluster": suite.spec.scoring.cluster,
            "categories": sorted({case.category for case in (*suite.cases, *suite.multi_turn_cases)}),
            "conversations": len(suite.multi_turn_cases),
            # The suite's `gate:` block, so `harness gate` uses the thresholds the suite declared.
            "gate": suite.spec.gate.model_dump() if suite.spec.gate is not None else None}
