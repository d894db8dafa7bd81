"""`harness validate` on a corpus of broken suites (tests/data/broken_suites): each is the valid base suite with
one thing broken, named by its file. Each must fail with exit 2 and one line naming file, line and field, and
`harness run` must refuse it the same way before any model work, writing nothing (no results, no cache).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main

CORPUS = Path(__file__).resolve().parent / "data" / "broken_suites"
ROOT = Path(__file__).resolve().parents[1]

#: suite -> (the file the error names, relative to the corpus, its line, its field, words of the message).
BROKEN = {
    "unknown_strategy": (None, 10, "candidates[0].strategy", "unknown strategy 'few_shots' (known: few_shot,"),
    "unknown_backend": (None, 10, "candidates[0].backend", "unknown backend 'vllm' (known: "),
    "few_shot_without_bank": (None, 4, "data.examples", "few_shot needs an example bank, and none is declared"),
    "lora_without_train_split": (None, 4, "data.train", "ft has a `lora:` block but the suite has no train split"),
    "unknown_gate_metric": (None, 12, "gate.metrics.tool_call_acc", "cannot gate 'tool_call_acc': no such metric"),
    "gate_metric_not_per_case": (None, 12, "gate.metrics.call_f1", "cannot gate 'call_f1': it is an aggregate only"),
    "gate_tolerance_out_of_range": (None, 12, "gate.metrics.tool_call_accuracy",
                                    "tolerance for tool_call_accuracy must be a fraction between 0 and 1, got 2"),
    "bad_example_bank_line": ("data/examples.bad.jsonl", 3, "messages[1].tool_calls[0].function.arguments",
                              "does not fit 'get_weather': 'city' is a required property"),
    "bad_train_line": ("data/train.bad.jsonl", 2, "tools[0]", "unknown tool 'dim_lights'"),
    "k_beyond_bank": (None, 10, "candidates[0].k", "k=9 examples asked for, but examples.jsonl holds only 6"),
    "unknown_candidate_key": (None, 10, "candidates[0].temperture", "unknown field (check the spelling)"),
    "bad_option_value": (None, 10, "candidates[0].select", "Input should be 'fixed', 'random' or 'similar'"),
    "lora_on_endpoint": (None, 10, "candidates[0].lora", "needs a backend that runs a local model; openai does not"),
    "openai_without_endpoint": (None, 10, "candidates[0].endpoint", "required field is missing"),
    "missing_outputs_file": (None, 10, "candidates[0].outputs", "outputs file not found"),
    "bad_outputs_line": ("data/outputs.bad.jsonl", 2, "output", "missing the recorded output"),
    "rag_tools_without_library": (None, 4, "data.tools", "rag tool retrieval needs a tool library"),
    "unknown_decoder": (None, 10, "candidates[0].decoder", "unknown decoder 'hermes2'"),
    "duplicate_candidate_name": (None, 11, "candidates[1].name", "duplicate candidate name 'zs'"),
    "negative_device_price": (None, 12, "prices.devices.cpu", "greater than or equal to 0"),
    "bad_test_case": ("data/test.bad.jsonl", 2, "expected[0].get_weather.town", "'town' is not a parameter"),
    "lora_without_length": (None, 10, "candidates[0].lora", "a lora block needs `epochs` or `max_steps`"),
    "missing_adapter_folder": (None, 10, "candidates[0].adapter", "adapter folder not found"),
    "missing_data_file": (None, 8, "data.train", "data file not found"),
    "unknown_scoring_mode": (None, 12, "scoring.mode", "Input should be 'strict' or 'bfcl'"),
    "misspelt_top_level_key": (None, 11, "gates", "unknown field (check the spelling)"),
}


def harness(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_corpus_is_the_table():
    assert {path.stem for path in CORPUS.glob("*.yaml")} == {*BROKEN, "valid"}


def test_the_base_suite_validates(tmp_path):
    proc = harness("validate", str(CORPUS / "valid.yaml"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: broken v1: 3 cases (irrelevance 1, simple 2); 1 candidate; hash ")


def _expected_line(name: str) -> tuple[str, str]:
    file, line, field, words = BROKEN[name]
    path = CORPUS / (file or f"{name}.yaml")
    return f"error: {path}:{line}: field '{field}': ", words


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_validate_names_file_line_and_field(name, tmp_path):
    proc = harness("validate", str(CORPUS / f"{name}.yaml"), cwd=tmp_path)
    prefix, words = _expected_line(name)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(prefix) and words in proc.stderr, \
        proc.stderr


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_run_refuses_before_any_work_and_writes_nothing(name, tmp_path, monkeypatch, capsys):
    """In process (fast; an exception other than the input error would fail the test)."""
    monkeypatch.chdir(tmp_path)
    out, cache = tmp_path / "out", tmp_path / "cache"
    status = main(["run", str(CORPUS / f"{name}.yaml"), "--out", str(out), "--cache-dir", str(cache), "--quiet"])
    captured = capsys.readouterr()
    prefix, words = _expected_line(name)
    assert (status, captured.out) == (2, "")
    assert len(captured.err.splitlines()) == 1 and captured.err.startswith(prefix) and words in captured.err
    assert list(tmp_path.iterdir()) == []
