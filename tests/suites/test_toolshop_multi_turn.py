"""toolshop's multi-turn category: reproducible from the generator, loadable by the harness, ground truth that
passes the checker on fresh environments (and perturbed ground truth that does not), and training conversations
whose tool results are exactly the text the harness's environment gives for those calls.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from harness.multiturn.case import environment_factory, load_multi_turn_cases
from harness.multiturn.checker import check_conversation
from harness.multiturn.environment import ClassEnvironment, render_result
from harness.multiturn.simulator_file import load_simulator_classes
from harness.suite.case_loader import load_tool_library
from harness.suite.cases import ToolCall
from harness.training.data import load_training_examples
from harness.training.metrics import expected_case, score_outputs

SUITE = Path(__file__).resolve().parents[2] / "suites" / "toolshop"
DATA = SUITE / "data"
NEW_FILES = ("multi_turn.jsonl", "multi_turn.tiny.jsonl", "train.multi_turn.jsonl", "home_office.py")
CLASSES = ("Calendar", "SmartHome", "Wallet")


def read_jsonl(name: str) -> list:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def case_user_texts(rows: list) -> list:
    return [m["content"] for row in rows for turn in row["turns"] for m in turn if m["role"] == "user"]


def chat_user_texts(rows: list) -> list:
    return [m["content"] for row in rows for m in row["messages"] if m["role"] == "user"]


@pytest.fixture(scope="module", autouse=True)
def no_bytecode_in_data():
    """Loading the simulator by path would leave data/__pycache__ behind, and test_toolshop.py compares that
    folder's listing with the generator's output."""
    before = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    yield
    sys.dont_write_bytecode = before


@pytest.fixture(scope="module")
def generated():
    """The generator's multi-turn splits for the committed seed, with the environment of every training row
    (generate.py is loaded by path; it puts the suite folder on sys.path for toolshop_gen, as when run)."""
    spec = importlib.util.spec_from_file_location("toolshop_generate", SUITE / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    from toolshop_gen import splits
    return splits.multi_turn(generate.SEED)


@pytest.fixture(scope="module")
def generator_module(generated):
    from toolshop_gen import multiturn
    return multiturn


@pytest.fixture(scope="module")
def cases():
    return load_multi_turn_cases(DATA / "multi_turn.jsonl")


@pytest.fixture(scope="module")
def simulator_classes():
    return load_simulator_classes(DATA / "home_office.py", CLASSES)


@pytest.fixture(scope="module")
def validators() -> dict:
    definitions = {tool["function"]["name"]: tool for case in read_jsonl("multi_turn.jsonl") for tool in case["tools"]}
    return {name: Draft202012Validator(tool["function"]["parameters"]) for name, tool in definitions.items()}


# --- reproducibility ------------------------------------------------------------------------------

def test_generator_writes_the_multi_turn_files_byte_for_byte(tmp_path):
    out = tmp_path / "data"
    subprocess.run([sys.executable, str(SUITE / "generate.py"), "--out", str(out)], check=True,
                   capture_output=True, cwd=tmp_path)
    for name in NEW_FILES:
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs from the generator's output"
    assert not (out / "__pycache__").exists()


def test_generated_rows_are_the_committed_ones(generated):
    assert generated.test == read_jsonl("multi_turn.jsonl")
    assert generated.train == read_jsonl("train.multi_turn.jsonl")
    assert len(generated.train_environments) == len(generated.train)


# --- test conversations ---------------------------------------------------------------------------

def test_case_files_load_with_the_advertised_sizes(cases):
    tiny = load_multi_turn_cases(DATA / "multi_turn.tiny.jsonl")
    assert len(cases) == 24 and len(tiny) == 6
    assert [case.to_json() for case in tiny] == [case.to_json() for case in cases[:6]]
    assert [case.id for case in cases] == [f"mt_{number:03d}" for number in range(24)]
    for case in cases:
        assert case.category == "multi_turn" and 2 <= len(case.turns) <= 3, case.id
        assert all(calls for calls in case.expected), f"{case.id}: every turn is judged"
        assert case.meta["templates"] and len(case.meta["templates"]) == len(case.turns), case.id
        assert case.environment.path == "home_office.py" and set(case.environment.classes) <= set(CLASSES)


def test_initial_states_vary(cases):
    states = {json.dumps(case.environment.initial_config, sort_keys=True) for case in cases}
    assert len(states) == len(cases)


def test_ground_truth_passes_on_fresh_environments(cases):
    for case in cases:
        verdict = check_conversation(case.expected, case.expected, environment_factory(case, DATA))
        assert verdict.passed, f"{case.id}: turn {verdict.first_failure} {verdict.error}"
        assert verdict.wasted_calls == 0, case.id


def perturbations(case):
    """(description, turns) for every ground truth with one call dropped, and with one argument changed."""
    for turn, calls in enumerate(case.expected):
        for index, call in enumerate(calls):
            dropped = [list(c) for c in case.expected]
            del dropped[turn][index]
            yield f"turn {turn} call {index} ({call.name}) dropped", dropped
            for argument, value in call.arguments.items():
                changed = [list(c) for c in case.expected]
                changed[turn][index] = ToolCall(call.name, {**call.arguments, argument: _other(value)})
                yield f"turn {turn} {call.name}.{argument} changed", changed


def _other(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return value + "x"


def test_perturbed_ground_truth_fails(cases):
    checked = 0
    for case in cases:
        make = environment_factory(case, DATA)
        for description, model in perturbations(case):
            assert not check_conversation(model, case.expected, make).passed, f"{case.id}: {description} passes"
            checked += 1
    assert checked > 150


def test_categories_of_conversation_are_all_there(cases):
    flows = {case.meta["flow"] for case in cases}
    assert len(flows) >= 10
    refusals = 0
    for case in cases:
        env = environment_factory(case, DATA)()
        results = [env.execute(call.name, call.arguments).content for calls in case.expected for call in calls]
        assert all(not result.startswith("Error: ") for result in results), case.id
        refusals += any('"insufficient funds"' in result for result in results)
    assert refusals >= 3, "a few conversations must handle a refused payment"


def test_expected_calls_validate_against_the_offered_schemas(validators):
    for case in read_jsonl("multi_turn.jsonl"):
        for calls in case["expected"]:
            for call in calls:
                errors = list(validators[call["name"]].iter_errors(call["arguments"]))
                assert not errors, f"{case['id']}: {errors[0].message}"


def test_tool_schemas_match_the_simulator_methods(simulator_classes, generator_module):
    environment = ClassEnvironment(simulator_classes)
    defined = [tool["function"] for tools in generator_module.TOOLS_BY_CLASS.values() for tool in tools]
    assert sorted(f["name"] for f in defined) == sorted(environment.tool_names)
    assert 8 <= len(defined) <= 12
    for function in defined:
        parameters = environment.signature(function["name"]).parameters.values()
        assert list(function["parameters"]["properties"]) == [p.name for p in parameters], function["name"]
        required = [p.name for p in parameters if p.default is inspect.Parameter.empty]
        assert function["parameters"]["required"] == required, function["name"]
    single_turn = {tool["function"]["name"] for tool in json.loads((DATA / "tools.json").read_text(encoding="utf-8"))}
    assert not single_turn & set(environment.tool_names)


# --- training conversations -----------------------------------------------------------------------

def test_training_conversations_load_with_the_suite_library():
    library = load_tool_library(DATA / "tools.json")
    examples = load_training_examples(DATA / "train.multi_turn.jsonl", format="auto", tool_library=library)
    assert len(examples) == 120
    for example in examples:
        contents = [m["content"] for m in example.messages]
        assert sum(text.startswith("<tool_response>") for text in contents) >= 2
        assert sum(m["role"] == "user" and not m["content"].startswith("<tool_response>")
                   for m in example.messages) >= 2


def test_training_tool_results_are_what_the_harness_environment_returns(generated, simulator_classes,
                                                                        generator_module):
    classes = {cls.__name__: cls for cls in simulator_classes}
    calls = 0
    for number, (row, setup) in enumerate(zip(read_jsonl("train.multi_turn.jsonl"), generated.train_environments)):
        environment = ClassEnvironment([classes[name] for name in setup["classes"]], setup["initial_config"])
        pending = []
        for message in row["messages"]:
            if message.get("tool_calls"):
                assert not pending, f"row {number}: a call without its result"
                pending = [call["function"] for call in message["tool_calls"]]
            elif message["role"] == "tool":
                function = pending.pop(0)
                result = environment.execute(function["name"], function["arguments"])
                assert result.ok and message["content"] == result.content, f"row {number}: {function['name']}"
                value = json.loads(message["content"])
                assert generator_module.render_result(value) == render_result(value)
                calls += 1
        assert not pending, f"row {number}: a call without its result"
    assert calls >= 240


def test_the_generators_rendering_rule_is_the_harness_rule(generator_module):
    values = [{"a": 1, "b": [1.5, None, True]}, ["x", "é"], ("t", 2), "plain text", 7, 2.5, None, False,
              {"when": object()}, {1: "int key"}, {"nested": {"ü": "ß"}}]
    for value in values:
        assert generator_module.render_result(value) == render_result(value), value


def test_training_calls_validate_against_their_schemas(validators):
    for number, row in enumerate(read_jsonl("train.multi_turn.jsonl")):
        offered = {tool["function"]["name"] for tool in row["tools"]}
        for message in row["messages"]:
            for call in message.get("tool_calls", []):
                function = call["function"]
                assert function["name"] in offered, f"row {number}"
                errors = list(validators[function["name"]].iter_errors(function["arguments"]))
                assert not errors, f"row {number}: {errors[0].message}"
        assert row["messages"][-1]["role"] == "assistant" and row["messages"][-1]["content"], f"row {number}"


def test_no_training_user_text_is_a_test_user_text():
    test_texts = case_user_texts(read_jsonl("multi_turn.jsonl"))
    single_turn_test = chat_user_texts(read_jsonl("test.jsonl"))
    train_texts = chat_user_texts(read_jsonl("train.multi_turn.jsonl"))
    for texts in (test_texts, single_turn_test):
        assert not set(texts) & set(train_texts)
        assert not {normalised(t) for t in texts} & {normalised(t) for t in train_texts}


def test_a_multi_turn_dev_example_can_be_scored_by_the_learning_curve():
    """The learning curve scores a dev example's last assistant turn. A multi-turn conversation ends with the
    assistant's text answer, so as a dev example it scores as a no-call case: answering without a call passes."""
    example = load_training_examples(DATA / "train.multi_turn.jsonl")[0]
    case = expected_case(example)
    assert case.expected == () and case.category == "irrelevance"
    assert score_outputs([example], [example.answer])["tool_call_accuracy"] == 1.0
