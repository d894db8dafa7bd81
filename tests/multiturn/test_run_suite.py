"""Conversations as part of a suite: `data.multi_turn` loads with the suite, `run_suite` runs them through the
candidate's backend and the generation cache, and each becomes a case record that aggregates, the results file
and the report read like any other case."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import tests.fake_backends  # noqa: F401  (registers fake-teller)
from tests.fake_backends import COUNTER_ENV, generated_ids

from harness.errors import HarnessInputError
from harness.multiturn.loop import Trajectory
from harness.report.build import load_report
from harness.results.file import ResultsFile
from harness.run.runner import run_suite
from harness.suite.load import load_suite

HERE = Path(__file__).parent
SINGLE = {"id": "weather_0", "category": "simple", "messages": [{"role": "user", "content": "Move 5 from a to b."}],
          "tools": [{"name": "transfer", "parameters": {"type": "object", "properties": {
              "source": {"type": "string"}, "target": {"type": "string"}, "amount": {"type": "integer"}}}}],
          "expected": [{"transfer": {"source": ["a"], "target": ["b"], "amount": [5]}}]}


def write_suite(root: Path, single: bool = True, extra: str = "") -> Path:
    """A suite of the toy bank's two conversations (and one single-turn case) with the fake teller."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "toy_bank.py", root / "toy_bank.py")
    shutil.copy(HERE / "data" / "bank_cases.jsonl", root / "data" / "bank.jsonl")
    test_line = ""
    if single:
        (root / "data" / "test.jsonl").write_text(json.dumps(SINGLE) + "\n")
        test_line = "  test: data/test.jsonl\n"
    (root / "suite.yaml").write_text(
        "name: bank\ndata:\n" + test_line + "  multi_turn: data/bank.jsonl\n"
        "multi_turn: {max_steps_per_turn: 3}\n" + extra +
        "candidates:\n  - {name: teller, backend: fake-teller, model: teller}\n")
    return root / "suite.yaml"


def test_a_suite_loads_its_conversations_and_hashes_their_simulator(tmp_path):
    suite = load_suite(write_suite(tmp_path))
    assert [case.id for case in suite.cases] == ["weather_0"]
    assert [case.id for case in suite.multi_turn_cases] == ["bank_0", "bank_1"]
    before = (suite.hash, suite.cases_hash)
    with open(tmp_path / "toy_bank.py", "a") as handle:
        handle.write("\n# an edit to the simulator changes what the conversations mean\n")
    after = load_suite(tmp_path / "suite.yaml")
    assert after.hash != before[0] and after.cases_hash != before[1]


def test_a_suite_of_conversations_only_loads_and_one_of_neither_is_bad_input(tmp_path):
    suite = load_suite(write_suite(tmp_path, single=False))
    assert suite.cases == () and len(suite.multi_turn_cases) == 2
    (tmp_path / "suite.yaml").write_text("name: x\ndata: {tools: data/bank.jsonl}\n")
    with pytest.raises(HarnessInputError) as error:
        load_suite(tmp_path / "suite.yaml")
    assert error.value.field == "data" and "multi_turn" in error.value.message


def test_an_id_shared_by_a_case_and_a_conversation_is_bad_input(tmp_path):
    path = write_suite(tmp_path)
    (tmp_path / "data" / "test.jsonl").write_text(json.dumps({**SINGLE, "id": "bank_1"}) + "\n")
    with pytest.raises(HarnessInputError) as error:
        load_suite(path)
    assert "bank_1" in error.value.message and Path(error.value.path).name == "bank.jsonl"
    assert error.value.line == 2 and error.value.field == "id"


def test_the_step_limit_is_checked_with_the_suite(tmp_path):
    path = write_suite(tmp_path)
    path.write_text(path.read_text().replace("max_steps_per_turn: 3", "max_steps_per_turn: 1"))
    with pytest.raises(HarnessInputError) as error:  # a turn cut off after its first call could never pass
        load_suite(path)
    assert error.value.field == "multi_turn.max_steps_per_turn" and error.value.line == 5
    assert "greater than or equal to 2" in error.value.message


def test_run_suite_scores_conversations_beside_single_turn_cases(tmp_path, monkeypatch):
    monkeypatch.setenv(COUNTER_ENV, str(tmp_path / "counter"))
    suite = load_suite(write_suite(tmp_path / "suite"))
    results = run_suite(suite, progress=False, cache_dir=tmp_path / "cache")
    records = {record.case_id: record for record in results.records}
    assert list(records) == ["weather_0", "bank_0", "bank_1"]
    bank_0, bank_1 = records["bank_0"], records["bank_1"]
    # bank_0: transfer, "Done.", then the balance and "Done.": both turns right
    assert bank_0.passed and bank_0.parsed and bank_0.schema_valid and bank_0.right_tools
    assert bank_0.calls == [{"name": "transfer", "arguments": {"source": "alice", "target": "bob", "amount": 30}},
                            {"name": "balance", "arguments": {"account": "bob"}}]
    assert bank_0.multi_turn["turn_accuracy"] == 1.0 and bank_0.multi_turn["calls_per_turn"] == [1, 1]
    assert bank_0.multi_turn["steps"] == 4 and bank_0.latency_ms == 40.0 and bank_0.output_tokens == 12
    assert bank_0.metrics["tool_call_accuracy"] is True and bank_0.metrics["call_f1"] == {"true_positives": 2, "predicted": 2, "gold": 2}
    # bank_1: the teller lists the accounts, then answers the clock question in words: turn 1 is empty
    assert not bank_1.passed and bank_1.error_type == "empty_turn" and bank_1.error_detail.startswith("turn 1:")
    assert bank_1.multi_turn["first_failure"] == 1 and bank_1.multi_turn["turn_accuracy"] == 0.5
    assert not bank_1.right_tools and bank_1.output == ["<tool_call>" + json.dumps(
        {"name": "accounts", "arguments": {}}) + "</tool_call>", "Done.", "I cannot help with that."]
    trajectory = Trajectory.from_json(bank_1.multi_turn["trajectory"])
    assert [len(turn.steps) for turn in trajectory.turns] == [2, 1]
    assert trajectory.turns[0].steps[0].results[0].content == '["alice", "bob"]'
    per_category = results.candidates[0].aggregates["per_category"]
    assert per_category["multi_turn_base"] == {"cases": 1, "tool_call_accuracy": 1.0}
    assert per_category["multi_turn_miss_func"] == {"cases": 1, "tool_call_accuracy": 0.0}
    assert results.suite["conversations"] == 2 and results.suite["cases"] == 3
    summary = {case["id"]: case for case in results.cases}["bank_1"]
    assert summary["turns"] == ["List the accounts.", "I added a clock. What time is it?"]
    assert summary["request"] == "List the accounts."

    # Conversation figures: per-call latency and tokens stay those of the single-turn case.
    aggregates = results.candidates[0].aggregates
    assert aggregates["multi_turn"] == {
        "conversations": 2, "accuracy": 0.5, "turn_accuracy": 0.75, "turn_funnel": [1.0, 0.5],
        "calls_per_turn": 0.75, "wasted_calls_per_conversation": 0.0, "steps_per_conversation": 3.5,
        "step_limit_turns": 0, "first_failure": {"empty_turn": 1}, "latency_ms_mean": 35.0,
        "input_tokens_mean": 12.5, "output_tokens_mean": 10.5, "cost_per_1k_conversations_usd": None}
    assert aggregates["latency_ms"]["p50"] == 10.0 and aggregates["tokens"]["cases"] == 1
    assert aggregates["cases"] == 3 and aggregates["tool_call_accuracy"] == pytest.approx(2 / 3)

    # The results file keeps every step; read back, the records are equal, and the report shows the funnel.
    results.write(tmp_path / "results.json")
    again = ResultsFile.from_json(json.loads((tmp_path / "results.json").read_text()))
    assert again.records == results.records
    section = load_report([tmp_path / "results.json"]).section("multi_turn")
    assert section.shown and section.table.iloc[0].to_dict() == {
        "candidate": "teller", "conversations": "2", "passed %": "50.0", "turn acc %": "75.0", "turn 1 %": "100.0",
        "turns 1-2 %": "50.0", "calls / turn": "0.75", "wasted / conv": "0.00", "steps / conv": "3.5",
        "cut off": "0", "s / conv": "0.04", "tokens in / conv": "12", "$ / 1k conv": "–",
        "first failing turn": "empty_turn 1"}

    # A second run generates nothing: every step of every conversation is in the generation cache.
    generated = generated_ids(tmp_path / "counter")
    assert generated.count("bank_0") == 4 and generated.count("bank_1") == 3
    rerun = run_suite(load_suite(tmp_path / "suite" / "suite.yaml"), progress=False, cache_dir=tmp_path / "cache")
    assert generated_ids(tmp_path / "counter") == generated
    rerun_records = {record.case_id: record for record in rerun.records}
    assert rerun_records["bank_0"].cached and rerun_records["bank_1"].cached
    assert [r.passed for r in rerun.records] == [r.passed for r in results.records]


def test_a_strategy_opens_the_conversation(tmp_path):
    """few_shot puts its examples before the first user turn; the tools stay the case's own."""
    root = tmp_path / "suite"
    write_suite(root, extra="")
    (root / "data" / "examples.jsonl").write_text(json.dumps(
        {"messages": [{"role": "user", "content": "Move 1 from x to y."},
                      {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "transfer", "arguments": {
                          "source": "x", "target": "y", "amount": 1}}}]}],
         "tools": SINGLE["tools"]}) + "\n")
    path = root / "suite.yaml"
    path.write_text(path.read_text().replace("  multi_turn: data/bank.jsonl\n",
                                             "  multi_turn: data/bank.jsonl\n  examples: data/examples.jsonl\n")
                    .replace("model: teller}", "model: teller, strategy: few_shot, k: 1}"))
    from harness.backends.base import backend_plugin

    seen = []
    plugin = backend_plugin("fake-teller")
    original = plugin.generate

    def spy(self, prompts):
        seen.extend(prompts)
        return original(self, prompts)

    plugin.generate = spy
    try:
        run_suite(load_suite(path), progress=False, use_cache=False)
    finally:
        plugin.generate = original
    first = next(prompt for prompt in seen if prompt.case_id == "bank_0")
    assert [m["role"] for m in first.messages] == ["user", "assistant", "user"]
    assert first.messages[0]["content"] == "Move 1 from x to y."
    assert [tool.name for tool in first.tools] == ["transfer", "balance", "crash"]


def test_validate_counts_the_conversations(tmp_path, capsys):
    from harness.cli import main

    assert main(["validate", str(write_suite(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "1 cases (simple 1); 2 conversations (multi_turn_base 1, multi_turn_miss_func 1); 1 candidate" in out


def test_a_train_split_of_several_files_is_read_in_order_and_a_missing_one_is_named(tmp_path):
    path = write_suite(tmp_path)
    example = {"messages": [{"role": "user", "content": "Move 1 from x to y."},
                            {"role": "assistant", "content": "Which currency?"}], "tools": SINGLE["tools"]}
    (tmp_path / "data" / "one.jsonl").write_text(json.dumps(example) + "\n")
    (tmp_path / "data" / "two.jsonl").write_text(json.dumps({**example, "messages": [
        *example["messages"], {"role": "user", "content": "Euros."},
        {"role": "assistant", "tool_calls": [{"type": "function", "function": {
            "name": "transfer", "arguments": {"source": "x", "target": "y", "amount": 1}}}]},
        {"role": "tool", "content": "{\"source\": 0, \"target\": 1}"},
        {"role": "assistant", "content": "Done."}]}) + "\n")
    text = path.read_text().replace("  multi_turn: data/bank.jsonl\n",
                                    "  multi_turn: data/bank.jsonl\n  train: [data/one.jsonl, data/two.jsonl]\n")
    path.write_text(text)
    suite = load_suite(path)
    assert [len(example.messages) for example in suite.train_examples] == [3, 7]
    assert suite.train_examples[1].messages[-2]["content"] == "<tool_response>{\"source\": 0, \"target\": 1}</tool_response>"
    path.write_text(text.replace("data/two.jsonl]", "data/three.jsonl]"))
    with pytest.raises(HarnessInputError) as error:
        load_suite(path)
    assert error.value.field == "data.train[1]" and error.value.line == 5 and "three.jsonl" in error.value.message


def test_the_gate_catches_conversations_that_regressed(tmp_path, monkeypatch):
    """Eight copies of bank_0: the reference teller passes them all; one that forgot balances fails each one's
    second turn, and the gate, pairing conversations by id, calls it a regression."""
    from harness.gate.gate import REGRESSION, run_gate

    path = write_suite(tmp_path / "suite", single=False)
    bank_0 = json.loads((tmp_path / "suite" / "data" / "bank.jsonl").read_text().splitlines()[0])
    (tmp_path / "suite" / "data" / "bank.jsonl").write_text(
        "".join(json.dumps({**bank_0, "id": f"bank_{index}"}) + "\n" for index in range(8)))
    suite = load_suite(path)
    reference = run_suite(suite, progress=False, use_cache=False)
    monkeypatch.setattr(tests.fake_backends.BankTellerBackend, "_REQUESTS",
                        tests.fake_backends.BankTellerBackend._REQUESTS[::2])
    worse = run_suite(suite, progress=False, use_cache=False)
    assert all(record.passed for record in reference.records)
    assert [(r.passed, r.error_type, r.multi_turn["first_failure"]) for r in worse.records] == [
        (False, "empty_turn", 1)] * 8
    report = run_gate(reference, worse, tolerances={"tool_call_accuracy": 0.02})
    change = next(change for change in report.changes if change.metric == "tool_call_accuracy")
    assert (change.cases, change.reference, change.new, change.lost, change.verdict) == (8, 1.0, 0.0, 8, REGRESSION)
    assert not report.passed
