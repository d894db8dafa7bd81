"""A `lora:` candidate end to end: the runner trains the tiny model on the suite's train split, serves the adapter,
and beats the same model zero-shot on held-out cases; a second run reuses the cached adapter."""
import json

import pytest

import harness.training.adapter_cache as adapter_cache
from harness.cli import main
from tests.training.synthetic import COMMAND_TOOLS, TOOLS, command_records, synthetic_records, write_jsonl

LORA = ("{r: 16, alpha: 32, target_modules: all-linear, max_steps: 600, learning_rate: 5.0e-3, "
        "lr_scheduler: cosine, warmup_ratio: 0.1, batch_size: 8, max_length: 256}")


def _test_case(index: int, record: dict) -> dict:
    user, answer = record["messages"]
    expected = [{call["function"]["name"]: {k: [v] for k, v in call["function"]["arguments"].items()}}
                for call in answer.get("tool_calls", [])]
    return {"id": f"case-{index:02d}", "category": "simple" if expected else "irrelevance",
            "messages": [user], "tools": record["tools"], "expected": expected}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    root = tmp_path_factory.mktemp("lora-suite")
    (root / "data").mkdir()
    # Half the cases need values copied from the request (weather, currency), half an argument-free command.
    train = synthetic_records(200, seed=1) + command_records(200, seed=1)
    seen = {r["messages"][0]["content"].lower() for r in train}

    def unseen(records: list) -> list:
        return [r for r in records if r["messages"][0]["content"].lower() not in seen][:15]
    held_out = unseen(synthetic_records(120, seed=99)) + unseen(command_records(400, seed=99))
    assert len(held_out) == 30
    write_jsonl(root / "data" / "train.jsonl", train)
    write_jsonl(root / "data" / "test.jsonl", [_test_case(i, r) for i, r in enumerate(held_out)])
    (root / "data" / "tools.json").write_text(json.dumps(TOOLS + COMMAND_TOOLS))
    (root / "suite.yaml").write_text(
        "name: lora-synthetic\nversion: 1\nseed: 3\n"
        "data: {test: data/test.jsonl, train: data/train.jsonl, tools: data/tools.json}\n"
        "candidates:\n"
        "  - {name: tiny-zero-shot, model: tiny, generation: {max_new_tokens: 72}}\n"
        f"  - {{name: tiny-lora, model: tiny, generation: {{max_new_tokens: 72}}, lora: {LORA}}}\n")
    return root / "suite.yaml"


def _run(suite, out, cache) -> dict:
    assert main(["run", str(suite), "--out", str(out), "-q", "--cache-dir", str(cache)]) == 0
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def first_run(suite, tmp_path_factory):
    root = tmp_path_factory.mktemp("lora-run")
    return root, _run(suite, root / "out1", root / "cache")


def _candidate(results: dict, name: str) -> dict:
    return next(c for c in results["candidates"] if c["name"] == name)


def test_lora_beats_zero_shot_on_held_out_cases(first_run):
    _, results = first_run
    zero = _candidate(results, "tiny-zero-shot")["aggregates"]["tool_call_accuracy"]
    lora = _candidate(results, "tiny-lora")["aggregates"]["tool_call_accuracy"]
    print(f"\n[lora vs zero-shot] tiny on 30 held-out cases: zero-shot {zero:.3f}, lora {lora:.3f}")
    assert lora > zero


def test_training_is_recorded_with_cost_and_loss_curve(first_run):
    _, results = first_run
    training = _candidate(results, "tiny-lora")["training"]
    assert training["trained_now"] is True
    assert training["steps"] == 600 and training["train_examples"] > 150
    assert training["tokens_trained"] > 0 and training["wall_time_s"] > 0
    assert training["device_hour_usd"] == pytest.approx(0.10)
    assert training["cost_usd"] == pytest.approx(training["wall_time_s"] / 3600 * 0.10)
    curve = [p["train_loss"] for p in training["loss_curve"] if p["train_loss"] is not None]
    assert curve[-1] < curve[0] / 4
    assert _candidate(results, "tiny-zero-shot")["training"] is None


def test_second_run_reuses_the_cached_adapter_without_training(first_run, suite, monkeypatch):
    root, results = first_run

    def no_training(*args, **kwargs):
        raise AssertionError("the adapter should have come from the cache")
    monkeypatch.setattr(adapter_cache, "train_lora", no_training)
    again = _run(suite, root / "out2", root / "cache")
    training = _candidate(again, "tiny-lora")["training"]
    assert training["trained_now"] is False
    assert training["adapter_path"] == _candidate(results, "tiny-lora")["training"]["adapter_path"]
    assert _candidate(again, "tiny-lora")["aggregates"]["generations"]["generated"] == 0
    outputs = lambda r: [x["output"] for x in r["records"] if x["candidate"] == "tiny-lora"]  # noqa: E731
    assert outputs(again) == outputs(results)


def test_missing_train_split_is_one_line_error_before_training(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    write_jsonl(tmp_path / "data" / "test.jsonl", [_test_case(0, synthetic_records(1, seed=5)[0])])
    (tmp_path / "data" / "tools.json").write_text(json.dumps(TOOLS))
    (tmp_path / "suite.yaml").write_text(
        "name: no-train\ndata: {test: data/test.jsonl, tools: data/tools.json}\n"
        f"candidates:\n  - {{name: tiny-lora, model: tiny, lora: {LORA}}}\n")
    assert main(["run", str(tmp_path / "suite.yaml"), "--out", str(tmp_path / "out"), "-q",
                 "--cache-dir", str(tmp_path / "cache")]) == 2
    error = capsys.readouterr().err
    assert "data.train" in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()
