"""The embedded toolshop suite: reproducible from its generator, no test text leaked into training
data, enough cases per category, and every expected or training call valid against its tool's schema.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from harness.scoring.schema_validity import check_schema
from harness.scoring.tool_call_accuracy import check_case
from harness.suite.case_loader import load_tool_library
from harness.suite.cases import ToolCall
from harness.suite.load import load_suite

SUITE = Path(__file__).resolve().parents[2] / "suites" / "toolshop"
DATA = SUITE / "data"
CATEGORIES = ("simple", "multiple", "parallel", "parallel_multiple", "irrelevance")
CHAT_FILES = ("train.jsonl", "examples.jsonl", "train.tiny.jsonl")


def read_jsonl(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def user_texts(rows: list[dict]) -> list[str]:
    return [m["content"] for row in rows for m in row["messages"] if m["role"] == "user"]


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    library = load_tool_library(DATA / "tools.json")
    return {name: Draft202012Validator(tool.parameters) for name, tool in library.items()}


def first_acceptable(values: list):
    """The first acceptable value that is not the omission marker, with nested answers made concrete;
    `None` when the argument is only omittable."""
    for value in values:
        if value != "":
            return concrete(value)
    return None


def concrete(value):
    # A nested object's answer is itself {key: [acceptable...]}.
    if isinstance(value, dict):
        made = {key: first_acceptable(options) for key, options in value.items()}
        return {key: item for key, item in made.items() if item is not None}
    return value


def reference_calls(case: dict) -> list[dict]:
    calls = []
    for expected in case["expected"]:
        (name, arguments), = expected.items()
        built = {arg: first_acceptable(values) for arg, values in arguments.items()}
        calls.append({"name": name, "arguments": {k: v for k, v in built.items() if v is not None}})
    return calls


# --- reproducibility and leakage -------------------------------------------------------------------

def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path):
    out = tmp_path / "data"
    subprocess.run([sys.executable, str(SUITE / "generate.py"), "--out", str(out)], check=True,
                   capture_output=True, cwd=tmp_path)
    generated = sorted(p.name for p in out.iterdir())
    assert generated == sorted(p.name for p in DATA.iterdir())
    for name in generated:
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs from the generator's output"


@pytest.mark.parametrize("test_file", ["test.jsonl", "test.tiny.jsonl"])
def test_no_test_text_appears_in_train_or_the_example_bank(test_file):
    test_texts = user_texts(read_jsonl(test_file))
    for other in CHAT_FILES:
        texts = user_texts(read_jsonl(other))
        assert not set(test_texts) & set(texts), f"{test_file} shares user text with {other}"
        assert not {normalised(t) for t in test_texts} & {normalised(t) for t in texts}, \
            f"{test_file} shares whitespace/case-normalised user text with {other}"


def test_train_and_example_bank_are_disjoint_draws():
    train = {normalised(t) for t in user_texts(read_jsonl("train.jsonl"))}
    examples = {normalised(t) for t in user_texts(read_jsonl("examples.jsonl"))}
    assert not train & examples


def test_user_texts_are_unique_within_each_file():
    for name in ("test.jsonl", *CHAT_FILES):
        texts = [normalised(t) for t in user_texts(read_jsonl(name))]
        assert len(texts) == len(set(texts)), name


# --- suite shape -----------------------------------------------------------------------------------

@pytest.mark.parametrize("yaml_name, minimum_total, minimum_each",
                         [("suite.yaml", 200, 30), ("suite.tiny.yaml", 30, 5)])
def test_suites_load_with_enough_cases_per_category(yaml_name, minimum_total, minimum_each):
    suite = load_suite(SUITE / yaml_name)
    counts = {category: sum(case.category == category for case in suite.cases) for category in CATEGORIES}
    assert len(suite.cases) >= minimum_total
    assert all(count >= minimum_each for count in counts.values()), counts
    assert 15 <= len(suite.tool_library) <= 25
    for role in ("train", "examples", "tools"):
        assert getattr(suite.spec.data, role), f"{yaml_name} declares no {role} file"


def test_tiny_files_are_subsets_of_the_full_ones():
    test = {case["id"]: case for case in read_jsonl("test.jsonl")}
    tiny = read_jsonl("test.tiny.jsonl")
    assert all(test[case["id"]] == case for case in tiny)
    train = [json.dumps(row, sort_keys=True) for row in read_jsonl("train.jsonl")]
    tiny_train = [json.dumps(row, sort_keys=True) for row in read_jsonl("train.tiny.jsonl")]
    assert set(tiny_train) <= set(train) and len(tiny_train) >= 200


def test_cases_offer_the_advertised_number_of_tools():
    sizes = {"simple": {1}, "multiple": {3, 4}, "parallel": {1, 2}, "parallel_multiple": {2, 3, 4},
             "irrelevance": {2, 3, 4}}
    for case in read_jsonl("test.jsonl"):
        assert len(case["tools"]) in sizes[case["category"]], case["id"]
        names = {name for expected in case["expected"] for name in expected}
        if case["category"] == "parallel":
            assert len(names) == 1 and len(case["expected"]) >= 2, case["id"]
        if case["category"] == "parallel_multiple":
            assert len(names) >= 2, case["id"]


# --- calls valid against the schemas ----------------------------------------------------------------

@pytest.mark.parametrize("name", CHAT_FILES)
def test_chat_examples_end_in_valid_assistant_turns(name, validators):
    for number, row in enumerate(read_jsonl(name), start=1):
        assert set(row) == {"messages", "tools"}, f"{name}:{number}"
        assert all(tool in validators for tool in row["tools"]), f"{name}:{number}"
        *history, answer = row["messages"]
        assert history and history[-1]["role"] == "user" and answer["role"] == "assistant", f"{name}:{number}"
        for call in answer.get("tool_calls", []):
            function = call["function"]
            assert call["type"] == "function" and function["name"] in row["tools"], f"{name}:{number}"
            errors = list(validators[function["name"]].iter_errors(function["arguments"]))
            assert not errors, f"{name}:{number}: {errors[0].message}"
        assert answer.get("tool_calls") or answer.get("content"), f"{name}:{number}: empty assistant turn"


def test_every_expected_call_validates_against_its_schema(validators):
    for case in read_jsonl("test.jsonl"):
        for call in reference_calls(case):
            errors = list(validators[call["name"]].iter_errors(call["arguments"]))
            assert not errors, f"{case['id']}: {errors[0].message}"


@pytest.mark.parametrize("mode", ["strict", "bfcl"])
def test_reference_answers_pass_the_scorer(mode):
    suite = load_suite(SUITE / "suite.yaml")
    rows = {row["id"]: row for row in read_jsonl("test.jsonl")}
    for case in suite.cases:
        calls = [ToolCall(c["name"], c["arguments"]) for c in reference_calls(rows[case.id])]
        verdict = check_case(case, calls, mode=mode)
        assert verdict.passed, f"{case.id}: {verdict.detail}"
        assert check_schema(case, calls).valid, case.id


def test_train_no_call_share_is_between_ten_and_thirty_percent():
    for name in CHAT_FILES:
        rows = read_jsonl(name)
        share = sum(not row["messages"][-1].get("tool_calls") for row in rows) / len(rows)
        assert 0.10 <= share <= 0.30, f"{name}: {share:.1%}"


def test_sizes_and_lookalike_coverage():
    train = read_jsonl("train.jsonl")
    assert len(train) >= 1000 and len(read_jsonl("examples.jsonl")) >= 150
    tools = {t["function"]["name"] for t in json.loads((DATA / "tools.json").read_text(encoding="utf-8"))}
    called = {c["function"]["name"] for row in train for c in row["messages"][-1].get("tool_calls", [])}
    assert called == tools, f"tools never called in train: {sorted(tools - called)}"
