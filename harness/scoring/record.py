"""One case scored: decode the output, judge it stage by stage, and compute every metric's value for it.

Never raises on model output: a backend failure or an undecodable output is that case's error record.
"""
from __future__ import annotations

from harness.backends.base import Generation
from harness.errors import ErrorKind
from harness.parsing import ParseError, parse_tool_calls
from harness.results.file import CaseRecord
from harness.scoring.metric import ScoredCase, case_values
from harness.scoring.names import case_as_offered
from harness.scoring.schema_validity import UNPARSEABLE, check_schema
from harness.scoring.tool_call_accuracy import CaseVerdict, check_case
from harness.suite.cases import Case, ToolCall
from harness.suite.spec import ScoringSpec

_MAX_DETAIL_CHARS = 300


def score_case(case: Case, generation: Generation, candidate: str, scoring: ScoringSpec,
               cached: bool = False) -> CaseRecord:
    """The record of one candidate's output on one case.

    The case is judged as the candidate's API offered it (`scoring.names`), so its expected names are the
    ones the model could answer with.
    """
    offered = case_as_offered(case, scoring.names)
    scored = _scored(offered, generation, scoring)
    verdict = scored.verdict
    return CaseRecord(
        case_id=case.id, category=case.category, candidate=candidate, output=generation.output,
        calls=[call.to_json() for call in scored.calls] if scored.calls is not None else None,
        parsed=scored.calls is not None, schema_valid=scored.schema.valid, right_tools=verdict.right_tools,
        passed=verdict.passed, error_type=getattr(verdict.error_type, "value", verdict.error_type),
        error_detail=verdict.detail, expects_call=case.expects_call, schema_errors=list(scored.schema.errors),
        metrics=case_values(scored), latency_ms=generation.latency_ms, ttft_ms=generation.ttft_ms,
        input_tokens=generation.input_tokens, output_tokens=generation.output_tokens, cached=cached,
        meta=dict(case.meta))


def _scored(case: Case, generation: Generation, scoring: ScoringSpec) -> ScoredCase:
    mode = scoring.mode
    if generation.error_type is not None:  # no output to judge: the case fails at the backend, in every mode
        kind = _kind(generation.error_type)
        verdict = CaseVerdict(False, False, kind, (generation.error or "")[:_MAX_DETAIL_CHARS])
        return ScoredCase(case, None, mode, verdict, UNPARSEABLE)
    try:
        calls: list[ToolCall] | None = parse_tool_calls(generation.output, scoring.decoder, mode)
    except ParseError as exc:
        verdict = check_case(case, None, mode)  # bfcl mode: an undecodable answer is "no call" on irrelevance
        if not verdict.passed:
            verdict = CaseVerdict(False, False, ErrorKind.PARSE_ERROR, str(exc)[:_MAX_DETAIL_CHARS])
        else:
            verdict = CaseVerdict(True, False, None, str(exc)[:_MAX_DETAIL_CHARS])
        return ScoredCase(case, None, mode, verdict, UNPARSEABLE)
    return ScoredCase(case, calls, mode, check_case(case, calls, mode), check_schema(case, calls))


def _kind(error_type: object) -> ErrorKind | str:
    """A backend's error type as the pipeline's enum; a plugin's own string is kept as written."""
    try:
        return ErrorKind(error_type)
    except ValueError:
        return str(error_type)
