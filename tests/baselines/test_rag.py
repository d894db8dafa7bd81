"""RAG strategy: retrieved examples as earlier turns, retrieved library tools offered instead of the case's."""
import time
from pathlib import Path

import pytest

from harness.errors import HarnessInputError
from harness.run.strategy import build_strategy
from harness.suite.candidate import CandidateSpec
from harness.suite.load import load_suite
from tests.suite_files import request_case, small_example_bank, small_tool_library, weather_case, write_bank_suite

TOOLSHOP = Path(__file__).resolve().parents[2] / "suites" / "toolshop" / "suite.yaml"

CASES = [
    weather_case("weather", "Paris"),
    request_case("lights", "Please turn on the lights in the bedroom.", ["set_light"],
                 [{"set_light": {"room": ["bedroom"], "on": [True]}}]),
    request_case("rain", "Is it going to rain in Oslo?", ["send_email"]),
]


def rag(suite, **fields):
    candidate = CandidateSpec(name="rag", backend="hf", model="tiny", strategy="rag", **fields)
    return build_strategy(candidate, suite)


@pytest.fixture
def suite(tmp_path):
    return load_suite(write_bank_suite(tmp_path, CASES, small_example_bank(), small_tool_library()))


def names(tools) -> list[str]:
    return [tool.name for tool in tools]


def test_examples_are_retrieved_and_the_cases_tools_kept(suite):
    prompt = rag(suite, k=2, retrieve="examples").build_prompt(suite.cases[1])
    assert [m["content"] for m in prompt.messages if m["role"] == "user"] == [
        "Turn off the kitchen lights.", "Switch on the lights in the garden.",
        "Please turn on the lights in the bedroom."]
    assert prompt.tools == suite.cases[1].tools


@pytest.mark.parametrize("retriever", ["bm25", "minilm"])
def test_tools_retrieval_offers_the_right_library_tool(suite, retriever):
    strategy = rag(suite, k=1, retrieve="tools", retriever=retriever)
    assert names(strategy.build_prompt(suite.cases[0]).tools) == ["get_weather"]
    assert names(strategy.build_prompt(suite.cases[1]).tools) == ["set_light"]
    # Offered instead of the case's own tools: the case offers only send_email.
    assert strategy.build_prompt(suite.cases[0]).messages == suite.cases[0].messages


def test_minilm_finds_a_tool_that_shares_no_word_with_the_request(suite):
    strategy = rag(suite, k=1, retrieve="tools", retriever="minilm")
    assert names(strategy.build_prompt(suite.cases[2]).tools) == ["get_weather"]


def test_both_retrieves_k_examples_and_k_tools(suite):
    prompt = rag(suite, k=2, retrieve="both").build_prompt(suite.cases[1])
    assert len(prompt.messages) == 5
    assert names(prompt.tools)[0] == "set_light" and len(prompt.tools) == 2


def test_tools_retrieval_without_a_library_is_an_error_at_data_tools(tmp_path):
    path = write_bank_suite(tmp_path, [weather_case()])
    with pytest.raises(HarnessInputError) as caught:
        rag(load_suite(path), k=1, retrieve="tools")
    assert str(caught.value).startswith(f"{path}:4: field 'data.tools': rag tool retrieval needs a tool library")


def test_k_beyond_the_library_is_an_error_at_load_naming_the_candidates_k(tmp_path):
    path = write_bank_suite(tmp_path, CASES, small_example_bank(), small_tool_library(),
                            candidates=["{name: r, backend: hf, model: tiny, strategy: rag, retrieve: tools, k: 6}"])
    with pytest.raises(HarnessInputError, match=r"suite\.yaml:9: field 'candidates\[0\]\.k': k=6 tools asked for, "
                                                r"but the tool library holds 5"):
        load_suite(path)


@pytest.mark.parametrize("retrieve", ["examples", "both"])
def test_example_retrieval_without_a_bank_is_an_error_at_data_examples(tmp_path, retrieve):
    path = write_bank_suite(tmp_path, CASES, library=small_tool_library())
    with pytest.raises(HarnessInputError, match=f"field 'data.examples': rag with retrieve: {retrieve} needs"):
        rag(load_suite(path), k=1, retrieve=retrieve)


@pytest.mark.parametrize("retrieve", ["examples", "tools", "both"])
def test_toolshop_prompts_for_every_case_with_bm25(retrieve):
    suite = load_suite(TOOLSHOP)
    started = time.perf_counter()
    strategy = rag(suite, k=3, retrieve=retrieve, retriever="bm25")
    prompts = [strategy.build_prompt(case) for case in suite.cases]
    print(f"rag {retrieve} (bm25): {len(prompts)} prompts in {time.perf_counter() - started:.2f} s")
    assert len(prompts) == 205
    for case, prompt in zip(suite.cases, prompts):
        assert prompt.messages[-1] == case.messages[-1]
        assert len(prompt.tools) == (len(case.tools) if retrieve == "examples" else 3)
