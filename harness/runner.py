"""Run a suite: for each candidate, build prompts, generate, parse, score every stage, aggregate.

The runner only orchestrates; prompts come from strategies, outputs from backends, verdicts from
`harness.scoring`. A failure on one case becomes that case's error record and the run goes on.
"""
from __future__ import annotations

from typing import Callable, Sequence

from tqdm.auto import tqdm

from harness.aggregates import aggregate
from harness.cases import Case, ToolCall
from harness.hashing import file_sha256
from harness.models import Generation, backend_factory
from harness.parsing import ParseError, parse_tool_calls
from harness.results import CandidateResult, CaseRecord, ResultsFile, environment_info, utc_now
from harness.scoring.call_f1 import argument_counts, call_counts
from harness.scoring.schema_validity import check_schema
from harness.scoring.tool_call_accuracy import check_case
from harness.spec import CandidateSpec
from harness.strategies import strategy_factory
from harness.suite import Suite

ProgressFactory = Callable[..., object]


def score_case(case: Case, generation: Generation, candidate: str, mode: str, parser: str = "auto") -> CaseRecord:
    """Parse one output and judge it at every stage; never raises on model output."""
    base = dict(case_id=case.id, category=case.category, candidate=candidate, output=generation.output,
                expects_call=case.expects_call, latency_ms=generation.latency_ms, ttft_ms=generation.ttft_ms,
                input_tokens=generation.input_tokens, output_tokens=generation.output_tokens,
                meta=dict(case.meta))
    if generation.error_type is not None:
        return _failed_record(case, base, None, generation.error_type, generation.error or "", mode)
    try:
        calls: list[ToolCall] | None = parse_tool_calls(generation.output, format=parser)
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


def run_candidate(suite: Suite, candidate: CandidateSpec, progress: bool = True) -> list[CaseRecord]:
    """Every case of the suite through one candidate, in suite order."""
    strategy = strategy_factory(candidate.strategy)(candidate, suite)
    backend = backend_factory(candidate.resolved_backend)(candidate, suite)
    prompts = [strategy.build_prompt(case) for case in suite.cases]
    mode, parser = suite.spec.scoring.mode, suite.spec.scoring.parser
    records = []
    generations = backend.generate(prompts)
    for case, generation in tqdm(zip(suite.cases, generations), total=len(prompts), desc=candidate.name,
                                 unit="case", disable=not progress, leave=False):
        records.append(score_case(case, generation, candidate.name, mode, parser))
    return records


def candidate_hash(suite: Suite, candidate: CandidateSpec) -> str:
    """Spec hash, plus the bytes of recorded outputs where the candidate replays a file."""
    extra = {}
    if candidate.outputs:
        extra["outputs_sha256"] = file_sha256(suite.resolve(candidate.outputs))
    return candidate.spec_hash(extra)


def run_suite(suite: Suite, candidates: Sequence[CandidateSpec] | None = None, progress: bool = True) -> ResultsFile:
    """Run the chosen candidates (default: all the suite declares) and collect one results file."""
    chosen = tuple(candidates if candidates is not None else suite.spec.candidates)
    records: list[CaseRecord] = []
    results: list[CandidateResult] = []
    for candidate in chosen:
        candidate_records = run_candidate(suite, candidate, progress)
        records.extend(candidate_records)
        results.append(CandidateResult(name=candidate.name, spec=candidate.model_dump(mode="json"),
                                       spec_hash=candidate_hash(suite, candidate),
                                       aggregates=aggregate(candidate_records)))
    return ResultsFile(suite=suite_identity(suite), environment=environment_info(suite.spec.seed),
                       candidates=tuple(results), records=tuple(records), created_at=utc_now())


def suite_identity(suite: Suite) -> dict:
    """What a results file records about its suite, so reports and gates can refuse mismatches."""
    return {"name": suite.spec.name, "version": suite.spec.version, "hash": suite.hash,
            "path": str(suite.path), "scoring_mode": suite.spec.scoring.mode, "cases": len(suite.cases),
            "categories": sorted({case.category for case in suite.cases})}
