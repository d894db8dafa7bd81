"""Few-shot strategy: which examples each selection picks, how they sit in the prompt, and bad-bank errors."""
import time
from pathlib import Path

import pytest

from harness.backends.prompt_format import text_chat
from harness.errors import HarnessInputError
from harness.run.strategy import build_strategy
from harness.suite.candidate import CandidateSpec
from harness.suite.load import load_suite
from tests.suite_files import (bank_example, request_case, small_example_bank, small_tool_library, weather_case,
                               write_bank_suite)

TOOLSHOP = Path(__file__).resolve().parents[2] / "suites" / "toolshop" / "suite.yaml"

CASES = [
    weather_case("weather", "Paris"),
    request_case("lights", "Please turn on the lights in the bedroom.", ["set_light"],
                 [{"set_light": {"room": ["bedroom"], "on": [True]}}]),
    request_case("money", "How much is 20 euros in US dollars?", ["convert_currency"]),
    request_case("timer", "Start a timer for 5 minutes.", ["set_timer"]),
]


def few_shot(suite, **fields):
    candidate = CandidateSpec(name="fs", backend="hf", model="tiny", strategy="few_shot", **fields)
    return build_strategy(candidate, suite)


@pytest.fixture
def suite(tmp_path):
    return load_suite(write_bank_suite(tmp_path, CASES, small_example_bank(), small_tool_library()))


def requests(prompt) -> list[str]:
    """The user turns of a prompt, examples first, the case's own last."""
    return [m["content"] for m in prompt.messages if m["role"] == "user"]


def test_fixed_shows_the_first_k_examples_before_every_case(suite):
    strategy = few_shot(suite, k=2, select="fixed")
    for case in suite.cases:
        prompt = strategy.build_prompt(case)
        assert requests(prompt) == ["Weather in Rome?", "Turn off the kitchen lights.", case.messages[0]["content"]]
        assert prompt.tools == case.tools and prompt.case_id == case.id


def test_examples_are_user_then_assistant_turns_in_openai_shape(suite):
    prompt = few_shot(suite, k=5, select="fixed").build_prompt(suite.cases[0])
    assert [m["role"] for m in prompt.messages] == ["user", "assistant"] * 5 + ["user"]
    assert prompt.messages[1] == {"role": "assistant", "content": None, "tool_calls": [
        {"id": "fs000c000", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Rome"}}}]}
    assert prompt.messages[9] == {"role": "assistant", "content": "Paris."}
    assert prompt.messages[-1] == suite.cases[0].messages[0]


def test_examples_render_as_tool_call_text_for_text_models(suite):
    chat = text_chat(few_shot(suite, k=2, select="fixed").build_prompt(suite.cases[0]).messages, suite.cases[0].tools)
    assert chat[2] == {"role": "assistant",
                       "content": '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>'}


def test_random_is_reproducible_per_case_and_independent_of_order(suite, tmp_path):
    first = few_shot(suite, k=3, select="random")
    picks = {case.id: requests(first.build_prompt(case)) for case in suite.cases}
    reordered = load_suite(write_bank_suite(tmp_path / "again", CASES[::-1], small_example_bank(),
                                            small_tool_library()))
    second = few_shot(reordered, k=3, select="random")
    assert {case.id: requests(second.build_prompt(case)) for case in reordered.cases} == picks
    assert len({tuple(p[:-1]) for p in picks.values()}) > 1  # cases get different examples
    assert all(len(set(p[:-1])) == 3 for p in picks.values())


def test_random_changes_with_the_suite_seed(tmp_path):
    def picks(seed):
        suite = load_suite(write_bank_suite(tmp_path / str(seed), CASES, small_example_bank(),
                                            small_tool_library(), seed=seed))
        strategy = few_shot(suite, k=3, select="random")
        return [requests(strategy.build_prompt(case)) for case in suite.cases]
    assert picks(0) == picks(0) != picks(1)


def test_similar_picks_the_obvious_examples_most_similar_last(suite):
    strategy = few_shot(suite, k=2, select="similar")
    lights = requests(strategy.build_prompt(suite.cases[1]))
    assert lights == ["Turn off the kitchen lights.", "Switch on the lights in the garden.",
                      "Please turn on the lights in the bedroom."]
    assert requests(strategy.build_prompt(suite.cases[2]))[1] == "Convert 100 US dollars to euros."


def test_an_example_with_the_cases_own_request_is_never_shown(tmp_path):
    twin = bank_example("  weather in PARIS? ", "get_weather", {"city": "Paris"})
    suite = load_suite(write_bank_suite(tmp_path, CASES, [twin, *small_example_bank()], small_tool_library()))
    for select in ("fixed", "random", "similar"):
        shown = requests(few_shot(suite, k=6, select=select).build_prompt(suite.cases[0]))
        assert len(shown) == 7 and "  weather in PARIS? " not in shown
    assert "  weather in PARIS? " in requests(few_shot(suite, k=6, select="fixed").build_prompt(suite.cases[1]))


def test_case_system_messages_stay_first(tmp_path):
    case = weather_case("sys", messages=[{"role": "system", "content": "Be brief."},
                                         {"role": "user", "content": "Weather in Oslo?"}])
    suite = load_suite(write_bank_suite(tmp_path, [case], small_example_bank(), small_tool_library()))
    prompt = few_shot(suite, k=1, select="fixed").build_prompt(suite.cases[0])
    assert [m["role"] for m in prompt.messages] == ["system", "user", "assistant", "user"]


def test_k_zero_needs_no_bank(tmp_path):
    suite = load_suite(write_bank_suite(tmp_path, CASES, library=small_tool_library()))
    prompt = few_shot(suite, k=0).build_prompt(suite.cases[0])
    assert prompt.messages == suite.cases[0].messages


def test_a_bank_smaller_than_k_is_an_error_at_load_naming_the_candidates_k(tmp_path):
    path = write_bank_suite(tmp_path, CASES, small_example_bank(), small_tool_library(), candidates=[
        "{name: zs, backend: hf, model: tiny}", "{name: fs, backend: hf, model: tiny, strategy: few_shot, k: 7}"])
    with pytest.raises(HarnessInputError) as caught:
        load_suite(path)
    assert str(caught.value) == (f"{path}:10: field 'candidates[1].k': k=7 examples asked for, but examples.jsonl "
                                 "holds only 6 (lower k or add examples to the bank)")


def test_a_missing_bank_is_an_error_at_data_examples(tmp_path):
    path = write_bank_suite(tmp_path, CASES, library=small_tool_library())
    with pytest.raises(HarnessInputError) as caught:
        few_shot(load_suite(path), k=2)
    assert str(caught.value).startswith(f"{path}:4: field 'data.examples': few_shot needs an example bank")


def test_a_bad_bank_line_stops_the_suite_load_naming_file_line_and_field(tmp_path):
    bad = bank_example("Weather in Rome?", "get_weather", {"town": "Rome"})
    with pytest.raises(HarnessInputError, match=r"examples\.jsonl:7: field 'messages\[1\]\.tool_calls\[0\]"
                                                r"\.function\.arguments': does not fit 'get_weather'"):
        load_suite(write_bank_suite(tmp_path, CASES, [*small_example_bank(), bad], small_tool_library()))


@pytest.mark.parametrize("select", ["fixed", "random", "similar"])
def test_toolshop_prompts_for_every_case(select):
    suite = load_suite(TOOLSHOP)
    started = time.perf_counter()
    strategy = few_shot(suite, k=3, select=select)
    prompts = [strategy.build_prompt(case) for case in suite.cases]
    print(f"few_shot {select}: {len(prompts)} prompts in {time.perf_counter() - started:.2f} s")
    assert len(prompts) == 205
    for case, prompt in zip(suite.cases, prompts):
        assert len(prompt.messages) == 7 and prompt.messages[-1] == case.messages[-1]
        assert prompt.tools == case.tools
