"""`harness train`: the fine-tunes' adapters only, into the cache, alone or under torchrun with two CPU
processes (one gloo group, one adapter written once by the main process), then reused by `harness run`."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from tests.training.synthetic import TOOLS, synthetic_records, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
LORA = "{r: 4, alpha: 8, max_steps: 4, batch_size: 4, max_length: 192}"


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    root = tmp_path_factory.mktemp("train-suite")
    (root / "data").mkdir()
    write_jsonl(root / "data" / "train.jsonl", synthetic_records(48, seed=1))
    cases = []
    for index, record in enumerate(synthetic_records(4, seed=9)):
        user, answer = record["messages"]
        expected = [{call["function"]["name"]: {k: [v] for k, v in call["function"]["arguments"].items()}}
                    for call in answer.get("tool_calls", [])]
        cases.append({"id": f"c{index}", "category": "simple" if expected else "irrelevance", "messages": [user],
                      "tools": record["tools"], "expected": expected})
    write_jsonl(root / "data" / "test.jsonl", cases)
    (root / "data" / "tools.json").write_text(json.dumps(TOOLS))
    (root / "suite.yaml").write_text(
        "name: train-command\nversion: 1\nseed: 3\n"
        "data: {test: data/test.jsonl, train: data/train.jsonl, tools: data/tools.json}\n"
        "candidates:\n  - {name: tiny-zero-shot, model: tiny, generation: {max_new_tokens: 24}}\n"
        f"  - {{name: tiny-lora, model: tiny, generation: {{max_new_tokens: 24}}, lora: {LORA}}}\n")
    return root / "suite.yaml"


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "adapters").iterdir())


def test_train_writes_the_adapter_and_a_second_train_finds_it(suite, tmp_path, capsys):
    cache = tmp_path / "cache"
    assert main(["train", str(suite), "--cache-dir", str(cache), "-q"]) == 0
    first = capsys.readouterr().out.strip()
    assert first.startswith("tiny-lora: trained in ") and "(4 steps, 1 process, final train loss " in first
    (entry,) = _entries(cache)
    assert first.endswith(str(entry)) and (entry / "adapter_model.safetensors").is_file()
    assert main(["train", str(suite), "--cache-dir", str(cache), "-q"]) == 0
    assert capsys.readouterr().out.strip() == f"tiny-lora: found in the adapter cache: {entry}"


def test_train_refuses_a_candidate_without_lora(suite, capsys):
    assert main(["train", str(suite), "--candidate", "tiny-zero-shot"]) == 2
    assert capsys.readouterr().err.strip() == (f"error: {suite}:6: field 'candidates[0].lora': tiny-zero-shot has no "
                                               "`lora:` block, so there is nothing to train")


def test_two_processes_under_torchrun_train_one_adapter_that_run_reuses(suite, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29517"]
    proc = subprocess.run([*torchrun, "-m", "harness.cli", "train", str(suite), "--cache-dir", str(cache), "-q"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (line,) = proc.stdout.strip().splitlines()  # the main process reports; the other stays quiet
    assert "(4 steps, 2 processes, final train loss " in line
    (entry,) = _entries(cache)  # one adapter, no scratch folder left by either process
    assert json.loads((entry / "training.json").read_text())["world_size"] == 2
    out = tmp_path / "run"
    assert main(["run", str(suite), "--candidate", "tiny-lora", "--out", str(out), "-q",
                 "--cache-dir", str(cache)]) == 0
    training = json.loads((out / "results.json").read_text())["candidates"][0]["training"]
    assert training["trained_now"] is False and training["adapter_path"] == str(entry)
    assert training["world_size"] == 2
