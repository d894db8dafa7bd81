"""Tool-call accuracy: exact verdicts and error types for every error kind, in both scoring modes."""
from __future__ import annotations

import pytest

from harness.scoring.tool_call_accuracy import (SCORING_MODES, CallVerdict, CaseVerdict, ErrorType, check_call,
                                                check_case)
from harness.suite.cases import Case, ExpectedCall, ToolCall
from harness.suite.tools import parse_tool

WEATHER = parse_tool({"name": "get_weather", "description": "Current weather", "parameters": {
    "type": "dict", "required": ["city"], "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer"},
        "threshold": {"type": "float"},
        "hourly": {"type": "boolean"},
        "stations": {"type": "array", "items": {"type": "integer"}},
        "filters": {"type": "dict", "properties": {"min": {"type": "integer"}, "label": {"type": "string"}}},
        "stops": {"type": "array", "items": {"type": "dict"}},
        "anything": {"type": "any"},
    }}})
TIME = parse_tool({"type": "function", "function": {"name": "get_time", "description": "Local time", "parameters": {
    "type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}})

WEATHER_EXPECTED = ExpectedCall("get_weather", {"city": ("New York", "NYC"), "unit": ("celsius", "fahrenheit", ""),
                                                "days": (3,), "threshold": (2.5, "")})


def case(*expected: ExpectedCall, category: str = "simple", tools=(WEATHER, TIME), **meta) -> Case:
    return Case(id="c1", category=category, messages=({"role": "user", "content": "?"},), tools=tuple(tools),
                expected=tuple(expected), meta=meta)


def call(name: str = "get_weather", **arguments) -> ToolCall:
    return ToolCall(name, arguments)


def weather_call(**changes) -> ToolCall:
    arguments = {"city": "New York", "days": 3, **changes}
    return ToolCall("get_weather", {k: v for k, v in arguments.items() if v is not _DROP})


_DROP = object()
PASSED = CallVerdict(True, None, "")


@pytest.mark.parametrize("mode", SCORING_MODES)
class TestSingleCallInBothModes:
    def test_ground_truth_passes(self, mode):
        assert check_call(weather_call(), WEATHER_EXPECTED, WEATHER, mode) == PASSED
        verdict = check_case(case(WEATHER_EXPECTED), [weather_call()], mode)
        assert verdict == CaseVerdict(True, True, None, "")

    def test_wrong_function_name(self, mode):
        verdict = check_call(call("get_time", city="New York"), WEATHER_EXPECTED, WEATHER, mode)
        assert verdict == CallVerdict(False, ErrorType.WRONG_NAME, "called 'get_time', expected 'get_weather'")
        assert check_case(case(WEATHER_EXPECTED), [call("get_time", city="x")], mode).right_tools is False

    def test_missing_schema_required_argument(self, mode):
        verdict = check_call(weather_call(city=_DROP), WEATHER_EXPECTED, WEATHER, mode)
        assert verdict == CallVerdict(False, ErrorType.MISSING_REQUIRED, "required argument 'city' is missing")

    def test_missing_argument_the_answer_requires(self, mode):
        verdict = check_call(weather_call(days=_DROP), WEATHER_EXPECTED, WEATHER, mode)
        assert verdict.error_type is ErrorType.MISSING_REQUIRED
        assert verdict.detail == "argument 'days' is missing (the expected call requires it)"

    def test_omittable_arguments_may_be_left_out_or_given(self, mode):
        assert check_call(weather_call(unit="fahrenheit", threshold=2.5), WEATHER_EXPECTED, WEATHER, mode).passed

    @pytest.mark.parametrize("extra, where", [("colour", "the schema"), ("hourly", "the expected call")])
    def test_unexpected_argument(self, mode, extra, where):
        verdict = check_call(weather_call(**{extra: True}), WEATHER_EXPECTED, WEATHER, mode)
        assert verdict == CallVerdict(False, ErrorType.UNEXPECTED_ARG, f"argument {extra!r} is not in {where}")

    @pytest.mark.parametrize("changes, detail", [
        ({"days": "3"}, "argument 'days': expected integer, got str '3'"),
        ({"days": 3.0}, "argument 'days': expected integer, got float 3.0"),
        ({"days": True}, "argument 'days': expected integer, got bool True"),
        ({"city": 5}, "argument 'city': expected string, got int 5"),
        ({"threshold": "2.5"}, "argument 'threshold': expected float, got str '2.5'"),
    ])
    def test_type_errors(self, mode, changes, detail):
        assert check_call(weather_call(**changes), WEATHER_EXPECTED, WEATHER, mode) == \
            CallVerdict(False, ErrorType.TYPE_ERROR, detail)

    def test_int_is_promoted_to_float(self, mode):
        expected = ExpectedCall("get_weather", {"city": ("Paris",), "threshold": (2.0,)})
        assert check_call(call(city="Paris", threshold=2), expected, WEATHER, mode).passed

    def test_value_error_detail_names_argument_value_and_options(self, mode):
        expected = ExpectedCall("get_weather", {"city": ("Paris",), "unit": ("celsius", "fahrenheit")})
        verdict = check_call(call(city="Paris", unit="kelvin"), expected, WEATHER, mode)
        assert verdict == CallVerdict(False, ErrorType.VALUE_ERROR,
                                      "argument 'unit': 'kelvin' not in ['celsius', 'fahrenheit']")

    @pytest.mark.parametrize("city", ["new york", "NEW-YORK", "New_York.", "n.y.c"])
    def test_strings_compare_after_bfcl_normalisation(self, mode, city):
        assert check_call(weather_call(city=city), WEATHER_EXPECTED, WEATHER, mode).passed

    def test_number_values_compare_exactly(self, mode):
        verdict = check_call(weather_call(days=4), WEATHER_EXPECTED, WEATHER, mode)
        assert verdict == CallVerdict(False, ErrorType.VALUE_ERROR, "argument 'days': 4 not in [3]")

    def test_array_elements_are_type_checked_one_level_deep(self, mode):
        expected = ExpectedCall("get_weather", {"city": ("Oslo",), "stations": ([1, 2],)})
        assert check_call(call(city="Oslo", stations=[1, 2]), expected, WEATHER, mode).passed
        verdict = check_call(call(city="Oslo", stations=[1, "2"]), expected, WEATHER, mode)
        assert verdict.error_type is ErrorType.TYPE_ERROR

    def test_dict_arguments_compare_key_by_key(self, mode):
        expected = ExpectedCall("get_weather", {"city": ("Oslo",), "filters": ({"min": [1], "label": ["Rain", ""]},)})
        assert check_call(call(city="Oslo", filters={"min": 1}), expected, WEATHER, mode).passed
        assert check_call(call(city="Oslo", filters={"min": 1, "label": "rain"}), expected, WEATHER, mode).passed
        for wrong in ({"min": 2}, {"label": "rain"}, {"min": 1, "other": 0}):
            verdict = check_call(call(city="Oslo", filters=wrong), expected, WEATHER, mode)
            assert verdict.error_type is ErrorType.VALUE_ERROR, wrong

    def test_list_of_dicts_compares_in_order(self, mode):
        expected = ExpectedCall("get_weather", {"city": ("Oslo",), "stops": ([{"at": ["A"]}, {"at": ["B"]}],)})
        assert check_call(call(city="Oslo", stops=[{"at": "a"}, {"at": "b"}]), expected, WEATHER, mode).passed
        verdict = check_call(call(city="Oslo", stops=[{"at": "b"}, {"at": "a"}]), expected, WEATHER, mode)
        assert verdict.error_type is ErrorType.VALUE_ERROR

    def test_bfcl_any_type_quirk(self, mode):
        # "any" checks as str, but an answer of another type names a "variable": that type is accepted as-is.
        expected = ExpectedCall("get_weather", {"city": ("Oslo",), "anything": (5,)})
        assert check_call(call(city="Oslo", anything=5), expected, WEATHER, mode).passed
        assert check_call(call(city="Oslo", anything="5"), expected, WEATHER, mode).error_type is ErrorType.VALUE_ERROR
        assert check_call(call(city="Oslo", anything=[5]), expected, WEATHER, mode).error_type is ErrorType.TYPE_ERROR

    def test_empty_list_is_accepted_for_omittable_list(self, mode):
        # BFCL reads the omission marker "" as an empty list when it compares lists.
        expected = ExpectedCall("get_weather", {"city": ("Oslo",), "stations": ("", [1])})
        assert check_call(call(city="Oslo", stations=[]), expected, WEATHER, mode).passed

    def test_missing_tool(self, mode):
        """An answer key naming a function the case does not offer is a ground-truth defect: BFCL compares a
        simple entry's call with its own function (a wrong name) and crashes in the other categories."""
        verdict = check_call(call("lookup", q="x"), ExpectedCall("lookup", {"q": ("x",)}), None, mode)
        assert verdict == CallVerdict(False, ErrorType.WRONG_NAME, "'lookup' is not one of the case's tools")

    def test_wrong_count_for_a_single_expected_call(self, mode):
        verdict = check_case(case(WEATHER_EXPECTED), [weather_call(), weather_call()], mode)
        assert verdict == CaseVerdict(False, False, ErrorType.WRONG_COUNT, "expected 1 call, got 2")
        assert check_case(case(WEATHER_EXPECTED), [], mode).error_type is ErrorType.WRONG_COUNT

    def test_unparseable_output_fails_a_call_expecting_case(self, mode):
        verdict = check_case(case(WEATHER_EXPECTED), None, mode)
        assert verdict == CaseVerdict(False, False, ErrorType.PARSE_ERROR, "the output could not be parsed into calls")

    def test_irrelevance_passes_without_call_and_fails_with_one(self, mode):
        assert check_case(case(category="irrelevance"), [], mode) == CaseVerdict(True, True, None, "")
        verdict = check_case(case(category="irrelevance"), [call("get_time", city="Oslo")], mode)
        assert verdict == CaseVerdict(False, False, ErrorType.UNEXPECTED_CALL, "expected no call, got 1: 'get_time'")

    def test_parallel_calls_match_in_any_order(self, mode):
        expected = (ExpectedCall("get_weather", {"city": ("Oslo",)}), ExpectedCall("get_time", {"city": ("Rome",)}))
        calls = [call("get_time", city="Rome"), call("get_weather", city="Oslo")]
        assert check_case(case(*expected, category="parallel_multiple"), calls, mode).passed
        assert check_case(case(*expected, category="parallel_multiple"), calls[:1], mode) == \
            CaseVerdict(False, False, ErrorType.WRONG_COUNT, "expected 2 calls, got 1")

    def test_parallel_failure_reports_the_most_informative_error(self, mode):
        expected = (ExpectedCall("get_weather", {"city": ("Oslo",)}), ExpectedCall("get_time", {"city": ("Rome",)}))
        calls = [call("get_time", city="Paris"), call("get_weather", city="Oslo")]
        verdict = check_case(case(*expected, category="parallel"), calls, mode)
        assert (verdict.passed, verdict.right_tools, verdict.error_type) == (False, True, ErrorType.VALUE_ERROR)
        assert verdict.detail == ("no call matches expected call 2 ('get_time'); "
                                  "closest: argument 'city': 'Paris' not in ['Rome']")

    def test_several_expected_calls_match_order_free_whatever_the_category(self, mode):
        expected = (ExpectedCall("get_weather", {"city": ("Oslo",)}), ExpectedCall("get_time", {"city": ("Rome",)}))
        calls = [call("get_time", city="Rome"), call("get_weather", city="Oslo")]
        assert check_case(case(*expected, category="my_workflow"), calls, mode).passed

    def test_right_tools_compares_name_multisets(self, mode):
        expected = (ExpectedCall("get_weather", {"city": ("Oslo",)}), ExpectedCall("get_weather", {"city": ("Rome",)}))
        calls = [call(city="Rome"), call(city="Oslo!")]
        assert check_case(case(*expected, category="parallel"), calls, mode).right_tools is True
        calls = [call(city="Rome"), call("get_time", city="Oslo")]
        assert check_case(case(*expected, category="parallel"), calls, mode).right_tools is False


# A case where BFCL's greedy matching fails but a full matching exists: the first expected call accepts
# x=1 or x=2 and greedily takes the x=1 call, the only one the second expected call (x=1 only) accepts.
GREEDY_TRAP = case(ExpectedCall("get_weather", {"city": ("Oslo",), "days": (1, 2)}),
                   ExpectedCall("get_weather", {"city": ("Oslo",), "days": (1,)}), category="parallel")
GREEDY_TRAP_CALLS = [call(city="Oslo", days=1), call(city="Oslo", days=2)]


def test_bfcl_mode_matches_parallel_calls_greedily_like_bfcl():
    verdict = check_case(GREEDY_TRAP, GREEDY_TRAP_CALLS, "bfcl")
    assert verdict == CaseVerdict(False, True, ErrorType.VALUE_ERROR, "no call matches expected call 2 "
                                  "('get_weather'); closest: argument 'days': 2 not in [1]")


def test_strict_mode_matches_parallel_calls_optimally():
    assert check_case(GREEDY_TRAP, GREEDY_TRAP_CALLS, "strict").passed
    assert check_case(GREEDY_TRAP, list(reversed(GREEDY_TRAP_CALLS)), "bfcl").passed  # order decides in bfcl


def test_unparseable_output_passes_irrelevance_only_in_bfcl_mode():
    assert check_case(case(category="irrelevance"), None, "bfcl") == \
        CaseVerdict(True, True, None, "the output could not be parsed: no call, as BFCL counts it")
    assert check_case(case(category="irrelevance"), None, "strict") == \
        CaseVerdict(False, False, ErrorType.PARSE_ERROR, "the output could not be parsed into calls")


@pytest.mark.parametrize("arguments, expected_arguments", [
    ({"city": "Oslo", "filters": {"min": True}}, {"city": ("Oslo",), "filters": ({"min": [1]},)}),
    ({"city": "Oslo", "stations": [True, False]}, {"city": ("Oslo",), "stations": ("", [1, 0])}),
    ({"city": "Oslo", "anything": [True]}, {"city": ("Oslo",), "anything": ([1],)}),
])
def test_strict_mode_tells_bools_from_numbers_where_bfcl_does_not(arguments, expected_arguments):
    # Python's bool is an int (True == 1): BFCL's value comparisons let True stand for 1 wherever its
    # exact-type check does not look (dict values, lists after the "" quirk, "variable" answers).
    expected = ExpectedCall("get_weather", expected_arguments)
    produced = ToolCall("get_weather", arguments)
    assert check_call(produced, expected, WEATHER, "bfcl").passed
    assert check_call(produced, expected, WEATHER, "strict").error_type is ErrorType.VALUE_ERROR


@pytest.mark.parametrize("mode", ["strict", "bfcl"])
def test_calls_to_tools_the_case_does_not_offer_fail(mode):
    expected = ExpectedCall("get_weather", {"city": ("Oslo",)})
    only_time = case(expected, tools=(TIME,))
    assert check_case(only_time, [call(city="Oslo")], mode).error_type is ErrorType.WRONG_NAME


def test_error_types_are_the_strings_written_into_results():
    assert ErrorType.VALUE_ERROR == "value_error" and ErrorType("unexpected_call") is ErrorType.UNEXPECTED_CALL
    assert {e.value for e in ErrorType} == {"parse_error", "wrong_count", "wrong_name", "missing_required",
                                            "unexpected_arg", "type_error", "value_error", "unexpected_call",
                                            "backend_error", "generation_error", "endpoint_error", "timeout",
                                            "missing_output"}
    assert ErrorType.WRONG_NAME.stage == "score" and ErrorType.PARSE_ERROR.stage == "decode"
    assert ErrorType.TIMEOUT.stage == "backend"


def test_verdicts_round_trip_through_json():
    failed = check_case(case(WEATHER_EXPECTED), [weather_call(days=4)], "strict")
    assert failed.to_json() == {"passed": False, "right_tools": True, "error_type": "value_error",
                                "detail": "argument 'days': 4 not in [3]"}
    for verdict in (failed, CaseVerdict(True, True, None, "")):
        assert CaseVerdict.from_json(verdict.to_json()) == verdict
    call_verdict = check_call(weather_call(days="4"), WEATHER_EXPECTED, WEATHER)
    assert CallVerdict.from_json(call_verdict.to_json()) == call_verdict


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="unknown scoring mode 'loose'; use one of strict, bfcl"):
        check_case(case(WEATHER_EXPECTED), [], "loose")


def test_untyped_schema_arguments_are_judged_by_the_answer_type():
    free = parse_tool({"name": "free", "parameters": {"type": "object", "properties": {
        "q": {}, "n": {"type": ["integer", "null"]}, "k": {"type": "number"}}}})
    expected = ExpectedCall("free", {"q": ("Hello World",), "n": (3,), "k": (2.0,)})
    for mode in SCORING_MODES:
        assert check_call(ToolCall("free", {"q": "hello world", "n": 3, "k": 2}), expected, free, mode).passed
        assert check_call(ToolCall("free", {"q": "hello", "n": 3}), expected, free, mode).error_type \
            is ErrorType.VALUE_ERROR
        assert check_call(ToolCall("free", {"q": "hello world", "n": "3"}), expected, free, mode).error_type \
            is ErrorType.TYPE_ERROR
