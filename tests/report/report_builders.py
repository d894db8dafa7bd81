"""Hand-built results files for the report tests: candidates with chosen pass/fail per case, costs and training runs.

Numbers are picked so every figure a report shows can be computed by hand in the test that uses it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from harness.results.file import CandidateResult, CaseRecord, ResultsFile
from tests.results_files import with_metrics

SUITE = {"name": "toolshop", "version": 1, "hash": "cd" * 32, "cases_hash": "ab" * 32, "path": "suite.yaml",
         "scoring_mode": "strict",
         "cases": 0, "categories": ["multiple", "simple"], "gate": None}
LORA = {"r": 16, "alpha": 32, "max_steps": 60}


def case_record(candidate: str, index: int, passed: bool, **fields) -> CaseRecord:
    """Case `case-NNN`: odd indices are `simple`, even `multiple`; a failure is a value_error unless told."""
    values = dict(case_id=f"case-{index:03d}", category="simple" if index % 2 else "multiple", candidate=candidate,
                  output="...", calls=[{"name": "f", "arguments": {}}], parsed=True, schema_valid=True,
                  right_tools=True, passed=passed, error_type=None if passed else "value_error", error_detail="",
                  expects_call=True, latency_ms=100.0, input_tokens=50, output_tokens=10)
    values.update(fields)
    return with_metrics(values)


def candidate(name: str, *, lora: bool = False, strategy: str = "zero_shot", cost_per_1k: float | None = None,
              training_cost: float | None = None, loss_curve: Sequence[dict] = (), **aggregates) -> CandidateResult:
    spec = {"name": name, "model": "smollm2-135m-instruct", "strategy": strategy, "lora": dict(LORA) if lora else None}
    training = None
    if lora:
        training = {"wall_time_s": 1800.0, "cost_usd": training_cost, "device": "cpu", "steps": 60,
                    "train_examples": 400, "tokens_trained": 120_000, "final_train_loss": 0.4, "eval_loss": 0.5,
                    "trained_now": True, "loss_curve": list(loss_curve)}
    return CandidateResult(name=name, spec=spec, spec_hash="0" * 16, training=training,
                           aggregates={"cost_per_1k_calls_usd": cost_per_1k, **aggregates})


def passing(candidate_name: str, n_cases: int, passed_indices: Sequence[int]) -> list[CaseRecord]:
    wins = set(passed_indices)
    return [case_record(candidate_name, i, i in wins) for i in range(n_cases)]


def results_file(candidates: Sequence[CandidateResult], records: Sequence[CaseRecord], **suite) -> ResultsFile:
    cases = len({r.case_id for r in records})
    return ResultsFile(suite=SUITE | {"cases": cases} | suite, environment={}, candidates=tuple(candidates),
                       records=tuple(records), created_at="2025-01-01T00:00:00+00:00")


def decision_results(ft_passed: Sequence[int], base_passed: Sequence[int], n_cases: int = 40, *,
                     ft_cost: float | None = 0.20, base_cost: float | None = 0.50, training_cost: float | None = 3.0,
                     extra_baselines: dict[str, Sequence[int]] | None = None) -> ResultsFile:
    """A LoRA candidate `smollm2-lora` against baseline `smollm2-few-shot` (and optional weaker baselines)."""
    candidates = [candidate("smollm2-lora", lora=True, cost_per_1k=ft_cost, training_cost=training_cost),
                  candidate("smollm2-few-shot", strategy="few_shot", cost_per_1k=base_cost)]
    records = passing("smollm2-lora", n_cases, ft_passed) + passing("smollm2-few-shot", n_cases, base_passed)
    for name, passed in (extra_baselines or {}).items():
        candidates.append(candidate(name, cost_per_1k=base_cost))
        records += passing(name, n_cases, passed)
    return results_file(candidates, records)


def priced_results_with_training() -> ResultsFile:
    """Three priced candidates, one a LoRA fine-tune with a loss curve: everything a full report shows."""
    curve = [{"step": step, "epoch": step / 60, "train_loss": 2.0 - step / 40, "eval_loss": 1.9 - step / 45 if step % 20 == 0 else None}
             for step in range(5, 65, 5)]
    candidates = [candidate("smollm2-lora", lora=True, cost_per_1k=0.20, training_cost=3.0, loss_curve=curve),
                  candidate("smollm2-few-shot", strategy="few_shot", cost_per_1k=0.50),
                  candidate("smollm2-zero-shot", cost_per_1k=0.30)]
    records = (passing("smollm2-lora", 40, range(36)) + passing("smollm2-few-shot", 40, range(20))
               + passing("smollm2-zero-shot", 40, range(10)))
    return results_file(candidates, records)


def write(results: ResultsFile, path: Path) -> Path:
    results.write(path)
    return path
