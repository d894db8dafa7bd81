"""`names: underscore_to_dot`: a case scored as an API that forbids `.` in function names offered it.

BFCL's checker replaces every `.` of the expected name with `_` for such models; ours renames the case's tools
and expected calls the same way, so matching, schema validity and F1 all see the names the model was shown.
"""
from __future__ import annotations

import copy

import pytest

from harness.backends.base import Generation
from harness.integrations.bfcl.convert import bfcl_case
from harness.scoring.names import api_name, case_as_offered
from harness.scoring.record import score_case
from harness.suite.candidate import CandidateSpec
from harness.suite.cases import Case, ExpectedCall
from harness.suite.spec import ScoringSpec
from harness.suite.tools import parse_tool
from tests.bfcl_reference import bfcl_reference

FACTORIAL = {"name": "math.factorial", "description": "n!", "parameters": {
    "type": "dict", "properties": {"number": {"type": "integer"}}, "required": ["number"]}}
WEATHER = {"name": "get_weather", "description": "", "parameters": {
    "type": "dict", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
QUESTION = [[{"role": "user", "content": "q"}]]


def _case(functions, ground_truth, category="simple_python") -> Case:
    return bfcl_case({"id": "x_0", "question": QUESTION, "function": functions},
                     {"id": "x_0", "ground_truth": ground_truth}, category)


def _passes(case: Case, output, names: str, mode: str = "bfcl") -> bool:
    scoring = ScoringSpec(mode=mode, decoder="bfcl_fc", names=names)
    return score_case(case, Generation(output=output), "m", scoring).passed


@pytest.mark.parametrize("answer, underscore_passes", [
    ("math_factorial", True),    # the name the API offered
    ("math.factorial", False),   # a name the API never offered
])
def test_dotted_names_as_bfcl_maps_them(answer, underscore_passes):
    case = _case([FACTORIAL], [{"math.factorial": {"number": [5]}}])
    output = [{answer: '{"number": 5}'}]
    assert _passes(case, output, "underscore_to_dot") is underscore_passes
    assert _passes(case, output, "exact") is (not underscore_passes)


@pytest.mark.network_wheel
@pytest.mark.parametrize("answer", ["math_factorial", "math.factorial", "get_weather", "get.weather"])
@pytest.mark.parametrize("underscore", [True, False])
def test_names_agree_with_bfcls_checker(answer, underscore):
    functions = [FACTORIAL, WEATHER]
    ground_truth = [{"math.factorial": {"number": [5]}}, {"get_weather": {"city": ["Oslo"]}}]
    case = _case(functions, ground_truth, "parallel_multiple")
    decoded = [{answer: {"number": 5} if "factorial" in answer else {"city": "Oslo"}},
               {"get_weather": {"city": "Oslo"}} if "factorial" in answer else {"math_factorial": {"number": 5}}]
    theirs = bfcl_reference().verdict(copy.deepcopy(functions), decoded, ground_truth, "parallel_multiple",
                                      underscore_to_dot=underscore)["valid"]
    ours = _passes(case, decoded, "underscore_to_dot" if underscore else "exact")
    assert ours == theirs


def test_a_tool_with_underscores_in_its_own_name_is_unchanged():
    assert api_name("get_weather", "underscore_to_dot") == "get_weather"
    assert api_name("a.b.c", "underscore_to_dot") == "a_b_c" and api_name("a.b", "exact") == "a.b"
    case = _case([WEATHER], [{"get_weather": {"city": ["Oslo"]}}])
    assert case_as_offered(case, "underscore_to_dot") is case  # nothing to rename


def test_schema_validity_and_call_counts_use_the_offered_names():
    case = _case([FACTORIAL], [{"math.factorial": {"number": [5]}}])
    scoring = ScoringSpec(mode="strict", decoder="bfcl_fc", names="underscore_to_dot")
    record = score_case(case, Generation(output=[{"math_factorial": '{"number": "five"}'}]), "m", scoring)
    assert record.right_tools and not record.schema_valid and record.error_type == "type_error"
    assert record.metrics["call_f1"] == {"true_positives": 0, "predicted": 1, "gold": 1}
    assert record.calls == [{"name": "math_factorial", "arguments": {"number": "five"}}]  # as the model wrote


def test_the_renamed_case_keeps_its_identity_and_arguments():
    case = _case([FACTORIAL], [{"math.factorial": {"number": [5]}}])
    offered = case_as_offered(case, "underscore_to_dot")
    assert (offered.id, offered.category, offered.meta) == (case.id, case.category, case.meta)
    assert [tool.name for tool in offered.tools] == ["math_factorial"]
    assert offered.expected == (ExpectedCall("math_factorial", {"number": (5,)}),)
    assert offered.tools[0].parameters == case.tools[0].parameters


def test_a_candidate_overrides_the_suites_names_and_decoder():
    suite_scoring = ScoringSpec(mode="bfcl", decoder="auto", names="exact")
    fc = CandidateSpec(name="api", outputs="x.jsonl", names="underscore_to_dot", decoder="bfcl_fc")
    plain = CandidateSpec(name="local", outputs="x.jsonl")
    assert fc.scoring(suite_scoring) == ScoringSpec(mode="bfcl", decoder="bfcl_fc", names="underscore_to_dot")
    assert plain.scoring(suite_scoring) is suite_scoring


def test_unknown_names_and_decoders_are_refused_by_the_spec():
    with pytest.raises(ValueError, match="underscore_to_dot"):
        CandidateSpec(name="a", outputs="x.jsonl", names="dots")
    with pytest.raises(ValueError, match="unknown decoder 'hermes2'"):
        CandidateSpec(name="a", outputs="x.jsonl", decoder="hermes2")


def test_two_tools_that_collide_after_mapping_check_against_the_first_offered():
    tools = (parse_tool({"name": "a.b", "parameters": {"type": "object", "properties": {"x": {"type": "integer"}}}}),
             parse_tool({"name": "a_b", "parameters": {"type": "object", "properties": {"y": {"type": "string"}}}}))
    case = Case(id="c", category="multiple", messages=({"role": "user", "content": "q"},), tools=tools,
                expected=(ExpectedCall("a.b", {"x": (1,)}),))
    offered = case_as_offered(case, "underscore_to_dot")
    assert offered.tool("a_b") is offered.tools[0]
    scoring = ScoringSpec(mode="strict", names="underscore_to_dot")
    assert score_case(case, Generation(output=[{"a_b": {"x": 1}}]), "m", scoring).passed
