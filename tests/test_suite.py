"""Suite loading: spec validation, data checks, paths relative to the YAML, and the content hash."""
import json

import pytest

from harness.errors import HarnessInputError
from harness.suite.load import load_suite
from tests.suite_files import WEATHER_TOOL, weather_case, write_jsonl, write_suite


def test_loads_cases_with_normalised_tools_and_expected_values(tmp_path):
    suite = load_suite(write_suite(tmp_path, [weather_case("a"), weather_case("b", "Oslo")]))
    assert [case.id for case in suite.cases] == ["a", "b"]
    case = suite.cases[1]
    assert case.tools[0].name == "get_weather"
    assert case.expected[0].arguments == {"city": ("Oslo",), "unit": ("celsius", "")}
    assert case.expected[0].mandatory_arguments == ("city",)
    assert len(suite.hash) == 64


def test_folder_path_means_suite_yaml_and_paths_resolve_relative_to_it(tmp_path, monkeypatch):
    write_suite(tmp_path / "s", [weather_case()])
    monkeypatch.chdir(tmp_path)
    assert load_suite("s").cases[0].id == "c1"


def test_hash_changes_with_data_and_yaml_bytes(tmp_path):
    path = write_suite(tmp_path, [weather_case()])
    first = load_suite(path).hash
    assert load_suite(path).hash == first
    write_jsonl(tmp_path / "data" / "test.jsonl", [weather_case(city="Rome")])
    second = load_suite(path).hash
    path.write_text(path.read_text() + "description: changed\n")
    assert len({first, second, load_suite(path).hash}) == 3


def test_cases_hash_follows_the_cases_not_the_yaml(tmp_path):
    path = write_suite(tmp_path, [weather_case()])
    first = load_suite(path).cases_hash
    path.write_text(path.read_text() + "description: a candidate or threshold changed\n")
    assert load_suite(path).cases_hash == first
    write_jsonl(tmp_path / "data" / "test.jsonl", [weather_case(city="Rome")])
    assert load_suite(path).cases_hash != first


def test_tool_library_by_name_and_question_shorthand(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tools.json").write_text(json.dumps([WEATHER_TOOL]))
    case = {"id": "x", "category": "simple", "question": "Weather in Paris?", "tools": ["get_weather"],
            "expected": [{"get_weather": {"city": ["Paris"]}}]}
    path = write_suite(tmp_path, [case], extra_yaml="")
    path.write_text(path.read_text().replace("test: data/test.jsonl", "test: data/test.jsonl\n  tools: data/tools.json"))
    loaded = load_suite(path)
    assert loaded.cases[0].messages == ({"role": "user", "content": "Weather in Paris?"},)
    assert loaded.cases[0].tools == (loaded.tool_library["get_weather"],)


def _error(path) -> HarnessInputError:
    with pytest.raises(HarnessInputError) as info:
        load_suite(path)
    return info.value


def test_missing_data_file_names_yaml_line_and_field(tmp_path):
    path = write_suite(tmp_path, [weather_case()])
    (tmp_path / "data" / "test.jsonl").unlink()
    error = _error(path)
    assert (error.path, error.line, error.field) == (str(path), 4, "data.test")
    assert "data file not found" in str(error)


def test_malformed_jsonl_line_names_line(tmp_path):
    path = write_suite(tmp_path, [weather_case("a"), '{"id": "b", "category": ', weather_case("c")])
    error = _error(path)
    assert error.path.endswith("test.jsonl") and error.line == 2 and "invalid JSON" in error.message


def test_unknown_tool_in_expected_call(tmp_path):
    bad = weather_case(expected=[{"get_wether": {"city": ["Paris"]}}])
    error = _error(write_suite(tmp_path, [weather_case("ok"), bad]))
    assert (error.line, error.field) == (2, "expected[0].get_wether")
    assert "unknown tool 'get_wether'" in str(error) and "offered: get_weather" in str(error)


def test_invalid_json_schema(tmp_path):
    tool = json.loads(json.dumps(WEATHER_TOOL))
    tool["function"]["parameters"]["properties"]["city"]["type"] = 42
    error = _error(write_suite(tmp_path, [weather_case(tools=[tool])]))
    assert error.line == 1 and error.field == "tools[0].function.parameters.properties.city.type"


def test_duplicate_case_id_names_both_lines(tmp_path):
    error = _error(write_suite(tmp_path, [weather_case("a"), weather_case("b"), weather_case("a")]))
    assert (error.line, error.field) == (3, "id") and "first on line 1" in error.message


@pytest.mark.parametrize("overrides, field, words", [
    ({"expected": [{"get_weather": {"city": "Paris"}}]}, "expected[0].get_weather.city", "must be a list"),
    ({"expected": [{"get_weather": {"town": ["Paris"], "city": ["Paris"]}}]}, "expected[0].get_weather.town", "not a parameter"),
    ({"expected": [{"get_weather": {"unit": ["celsius"]}}]}, "expected[0].get_weather", "required argument 'city'"),
    ({"category": "irrelevance"}, "expected", "irrelevance case must expect no call"),
    ({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}, "messages[1].role", "end with a user turn"),
    ({"messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role", "role must be one of"),
    ({"id": ""}, "id", "non-empty string id"),
    ({"colour": "blue"}, "colour", "unknown field"),
    ({"meta": ["a list"]}, "meta", "meta must be an object"),
])
def test_case_field_errors(tmp_path, overrides, field, words):
    error = _error(write_suite(tmp_path, [weather_case(**overrides)]))
    assert error.field == field and words in str(error) and error.line == 1


def test_known_defect_cases_load_for_reporting(tmp_path):
    case = weather_case(expected=[{"get_weather": {"city": []}}], meta={"ground_truth_defect": "empty answer list"})
    assert load_suite(write_suite(tmp_path, [case])).cases[0].meta["ground_truth_defect"] == "empty answer list"


@pytest.mark.parametrize("yaml_text, line, field", [
    ("name: s\ndata:\n  test: data/test.jsonl\nscoring:\n  mode: fuzzy\n", 5, "scoring.mode"),
    ("name: s\ndata:\n  tset: data/test.jsonl\n", 3, "data.tset"),
    ("name: s\ndata: {test: data/test.jsonl}\ncandidates:\n  - {name: a, backend: replay}\n", 4, "candidates[0].outputs"),
    ("data: {test: data/test.jsonl}\n", 1, "name"),
])
def test_spec_errors_point_at_yaml_line(tmp_path, yaml_text, line, field):
    write_jsonl(tmp_path / "data" / "test.jsonl", [weather_case()])
    (tmp_path / "suite.yaml").write_text(yaml_text)
    error = _error(tmp_path / "suite.yaml")
    assert (error.line, error.field) == (line, field)


def test_invalid_yaml_and_missing_suite(tmp_path):
    (tmp_path / "suite.yaml").write_text("name: [unclosed\n")
    assert "invalid YAML" in str(_error(tmp_path / "suite.yaml"))
    assert "file not found" in str(_error(tmp_path / "nope.yaml"))
