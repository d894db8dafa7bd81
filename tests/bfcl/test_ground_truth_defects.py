"""`ground_truth_defect`: answer keys that no answer can pass are recognised; sound ones are not flagged."""
import pytest

from harness.integrations.bfcl.convert import ground_truth_defect
from harness.suite.cases import ExpectedCall
from harness.suite.tools import parse_tool

TOOL = parse_tool({"name": "book", "parameters": {
    "type": "dict", "required": ["city"],
    "properties": {"city": {"type": "string"}, "nights": {"type": "integer"}}}})


@pytest.mark.parametrize("arguments", [
    {"city": ["Paris"]},
    {"city": ["Paris", "paris"], "nights": [2, ""]},
    {"city": ["", "Paris"]},                      # required, "" listed first, but a real value exists
    {"city": ["Paris"], "breakfast": ["", True]},  # omittable argument outside the schema: omit it and pass
])
def test_sound_answer_keys_are_not_flagged(arguments):
    assert ground_truth_defect([ExpectedCall("book", arguments)], [TOOL]) is None


@pytest.mark.parametrize("arguments, reason", [
    ({"city": []}, "empty acceptable-value list"),
    ({"city": ["Paris"], "nights": []}, "empty acceptable-value list"),
    ({"city": ["Paris"], "breakfast": [True]}, "'breakfast' is not in the schema"),
    ({"city": [""]}, "required argument 'city'"),
    ({"nights": [2]}, "required argument 'city'"),
])
def test_unpassable_answer_keys_are_flagged_with_a_reason(arguments, reason):
    assert reason in ground_truth_defect([ExpectedCall("book", arguments)], [TOOL])


def test_an_answer_calling_a_function_the_entry_does_not_offer_is_flagged():
    """BFCL v3's simple_363 answers `find_closest` for the offered `restaurant.find_closest`: nothing can pass."""
    assert "does not offer" in ground_truth_defect([ExpectedCall("other", {"x": [1]})], [TOOL])
