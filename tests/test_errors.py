"""The one-line input error format and the pipeline's error kinds."""
import re
from pathlib import Path

from harness.errors import ErrorKind, HarnessInputError


def test_message_names_file_line_field_and_hint():
    error = HarnessInputError("unknown tool 'x'", path="s/data/test.jsonl", line=7, field="expected[0].x", hint="offered: f")
    assert str(error) == "s/data/test.jsonl:7: field 'expected[0].x': unknown tool 'x' (offered: f)"
    assert str(HarnessInputError("bad")) == "bad"
    assert "\n" not in str(error)


def test_every_error_kind_is_documented_with_its_stage():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| (\w+) \|", docs, flags=re.M))
    assert rows == {kind.value: kind.stage for kind in ErrorKind}
