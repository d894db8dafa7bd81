"""Run a suite: for each candidate, build prompts, generate (through the cache), parse, score, aggregate.

The runner only orchestrates; prompts come from strategies, outputs from backends, verdicts from
`harness.scoring`. A failure on one case becomes that case's error record and the run goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from tqdm.auto import tqdm

from harness.scoring.aggregates import aggregate
from harness.backends.cache import CachingBackend, GenerationStore
from harness.suite.cases import Case, ToolCall
from harness.io.hashing import file_sha256
from harness.backends.base import Generation, ModelBackend, Prompt, backend_factory
from harness.parsing import ParseError, parse_tool_calls
from harness.run.pricing import PriceTable, cost_per_1k_calls, device_from_identity, normalise_device, price_table
from harness.results.file import CandidateResult, CaseRecord, ResultsFile, environment_info, utc_now
from harness.scoring.call_f1 import argument_counts, call_counts
from harness.scoring.schema_validity import check_schema
from harness.scoring.tool_call_accuracy import check_case
from harness.scoring.names import case_as_offered
from harness.suite.spec import CandidateSpec, ScoringSpec
from harness.run.strategy import strategy_factory
from harness.suite.load import Suite

ProgressFactory = Callable[..., object]
#: Backends whose outputs are not cached: replay already reads them from a file (nothing to save).
UNCACHED_BACKENDS = frozenset({"replay"})
#: What latency_ms means for replayed outputs: whatever the recorded file says.
RECORDED_LATENCY = "recorded"


def score_case(case: Case, generation: Generation, candidate: str, scoring: ScoringSpec,
               cached: bool = False) -> CaseRecord:
    """Decode one output and judge it at every stage; never raises on model output.

    The case is judged as the candidate's API offered it (`scoring.names`), so its expected names are the
    ones the model could answer with.
    """
    mode = scoring.mode
    base = dict(case_id=case.id, category=case.category, candidate=candidate, output=generation.output,
                expects_call=case.expects_call, latency_ms=generation.latency_ms, ttft_ms=generation.ttft_ms,
                input_tokens=generation.input_tokens, output_tokens=generation.output_tokens,
                cached=cached, meta=dict(case.meta))
    case = case_as_offered(case, scoring.names)
    if generation.error_type is not None:
        return _failed_record(case, base, None, generation.error_type, generation.error or "", mode)
    try:
        calls: list[ToolCall] | None = parse_tool_calls(generation.output, scoring.decoder, mode)
    except ParseError as exc:
        return _failed_record(case, base, None, "parse_error", str(exc)[:300], mode)
    verdict = check_case(case, calls, mode)
    schema = check_schema(case, calls)
    return CaseRecord(
        **base, calls=[call.to_json() for call in calls], parsed=True, schema_valid=schema.valid,
        right_tools=verdict.right_tools, passed=verdict.passed,
        error_type=verdict.error_type.value if verdict.error_type else None, error_detail=verdict.detail,
        schema_errors=list(schema.errors), calls_valid=schema.calls_valid, calls_total=schema.calls_total,
        call_counts=call_counts(case, calls, mode).to_json(),
        argument_counts=argument_counts(case, calls, mode).to_json(),
    )


def _failed_record(case: Case, base: dict, calls, error_type: str, detail: str, mode: str) -> CaseRecord:
    """An output that produced no usable calls: failed at the parse stage (irrelevance scored by mode)."""
    verdict = check_case(case, None, mode)
    passed = verdict.passed and error_type == "parse_error"  # bfcl mode: unparseable = no call on irrelevance
    return CaseRecord(
        **base, calls=None, parsed=False, schema_valid=False, right_tools=False, passed=passed,
        error_type=None if passed else error_type, error_detail=detail,
        call_counts=call_counts(case, None, mode).to_json(),
        argument_counts=argument_counts(case, None, mode).to_json(),
    )


@dataclass(frozen=True)
class CandidateRun:
    """One candidate's records, plus what its backend said it was (model, device, settings)."""

    records: list[CaseRecord]
    identity: dict
    latency_mode: str
    training: dict | None = None


def build_backend(suite: Suite, candidate: CandidateSpec, store: GenerationStore | None,
                  adapter_path: Path | None = None) -> ModelBackend:
    """The candidate's backend, behind the generation cache unless there is no store or nothing to save."""
    factory = backend_factory(candidate.resolved_backend)
    backend = factory(candidate, suite, adapter_path=adapter_path) if adapter_path else factory(candidate, suite)
    if store is None or candidate.resolved_backend in UNCACHED_BACKENDS:
        return backend
    # Batched and per-request latencies mean different things, so they never stand in for each other.
    return CachingBackend(backend, store, extra_identity={"latency_mode": candidate.generation.latency_mode})


def run_candidate(suite: Suite, candidate: CandidateSpec, progress: bool = True,
                  store: GenerationStore | None = None, cache_dir: str | Path | None = None,
                  prices: PriceTable | None = None) -> CandidateRun:
    """Every case of the suite through one candidate, in suite order (fine-tunes: after training, or with the
    cached adapter)."""
    strategy = strategy_factory(candidate.strategy)(candidate, suite)
    served, adapter_path, training = candidate, None, None
    if candidate.lora is not None:
        served, adapter_path, training = _fine_tune(suite, candidate, progress, cache_dir, prices or price_table())
    backend = build_backend(suite, served, store, adapter_path)
    prompts = [strategy.build_prompt(case) for case in suite.cases]
    scoring = candidate.scoring(suite.spec.scoring)
    records = []
    for case, (generation, cached) in tqdm(zip(suite.cases, _marked(backend, prompts)), total=len(prompts),
                                           desc=candidate.name, unit="case", disable=not progress, leave=False):
        records.append(score_case(case, generation, candidate.name, scoring, cached))
    identity = dict(backend.identity())
    return CandidateRun(records=records, identity=identity, latency_mode=_latency_mode(candidate, identity),
                        training=training)


def _fine_tune(suite: Suite, candidate: CandidateSpec, progress: bool, cache_dir: str | Path | None,
               prices: PriceTable) -> tuple[CandidateSpec, Path | None, dict]:
    """Train (or reuse) the candidate's adapter. Returns what to serve (the base model with the adapter, or the
    merged model folder when `lora.merge` is set) and the results file's training entry."""
    from harness.backends.embedded import pick_device
    from harness.training.candidate import candidate_adapter, training_record

    say = (lambda message: tqdm.write(f"{candidate.name}: {message}")) if progress else None
    result = candidate_adapter(suite, candidate, cache_dir, say)
    device = normalise_device(result.run.device or pick_device(candidate.device))
    record = training_record(result, prices.device_hour_usd(device))
    if result.merged_path is not None:
        return candidate.model_copy(update={"model": str(result.merged_path), "lora": None}), None, record
    return candidate, result.path, record


def _marked(backend: ModelBackend, prompts: Sequence[Prompt]) -> Iterator[tuple[Generation, bool]]:
    """(generation, came from the cache) per prompt."""
    if isinstance(backend, CachingBackend):
        return backend.generate_marked(prompts)
    return ((generation, False) for generation in backend.generate(prompts))


def _latency_mode(candidate: CandidateSpec, identity: dict) -> str:
    """Replay: as recorded; else what the backend reports (it knows how it timed), else the spec's setting."""
    if candidate.resolved_backend == "replay":
        return RECORDED_LATENCY
    return str(identity.get("latency_mode") or candidate.generation.latency_mode)


def candidate_hash(suite: Suite, candidate: CandidateSpec) -> str:
    """Spec hash, plus the bytes of recorded outputs where the candidate replays a file."""
    extra = {}
    if candidate.outputs:
        extra["outputs_sha256"] = file_sha256(suite.resolve(candidate.outputs))
    return candidate.spec_hash(extra)


def run_suite(suite: Suite, candidates: Sequence[CandidateSpec] | None = None, progress: bool = True,
              use_cache: bool = True, cache_dir: str | Path | None = None) -> ResultsFile:
    """Run the chosen candidates (default: all the suite declares) and collect one results file.

    With the cache on (default), finished generations are stored as they arrive, so re-running an
    interrupted or unchanged run only generates what is missing. `cache_dir` defaults to
    `$HARNESS_CACHE_DIR`, else `~/.cache/harness`.
    """
    chosen = tuple(candidates if candidates is not None else suite.spec.candidates)
    prices = price_table(suite.spec.prices)
    needs_store = use_cache and any(c.resolved_backend not in UNCACHED_BACKENDS for c in chosen)
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
                       candidates=tuple(results), records=tuple(records), created_at=utc_now())


def candidate_result(suite: Suite, candidate: CandidateSpec, run: CandidateRun, prices: PriceTable) -> CandidateResult:
    """A candidate's entry in the results file: resolved spec and hash, aggregates with cost, latency mode."""
    cost = cost_per_1k_calls(run.records, candidate, prices, device_from_identity(run.identity))
    return CandidateResult(name=candidate.name, spec=candidate.model_dump(mode="json"),
                           spec_hash=candidate_hash(suite, candidate), aggregates=aggregate(run.records, cost),
                           latency_mode=run.latency_mode, backend_identity=run.identity, training=run.training)


def suite_identity(suite: Suite) -> dict:
    """What a results file records about its suite, so reports and gates can refuse mismatches."""
    return {"name": suite.spec.name, "version": suite.spec.version, "hash": suite.hash,
            "cases_hash": suite.cases_hash,
            "path": str(suite.path), "scoring_mode": suite.spec.scoring.mode, "cases": len(suite.cases),
            "categories": sorted({case.category for case in suite.cases}),
            # The suite's `gate:` block, so `harness gate` uses the thresholds the suite declared.
            "gate": suite.spec.gate}
