"""The one-line input error format."""
from harness.errors import HarnessInputError


def test_message_names_file_line_field_and_hint():
    error = HarnessInputError("unknown tool 'x'", path="s/data/test.jsonl", line=7, field="expected[0].x", hint="offered: f")
    assert str(error) == "s/data/test.jsonl:7: field 'expected[0].x': unknown tool 'x' (offered: f)"
    assert str(HarnessInputError("bad")) == "bad"
    assert "\n" not in str(error)
