"""Hostile input: every bound is enforced before any work, each breach one line naming the file and the line
(or byte offset), exit 2, nothing written."""
import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.io.json_input import MAX_DEPTH, MAX_LINE_BYTES, nesting_depth
from harness.io.yaml_lines import MAX_YAML_BYTES
from tests.suite_files import weather_case, write_jsonl

BOMB = "[" * 200_000


def _suite(root: Path, extra: str = "", cases: list | None = None) -> Path:
    write_jsonl(root / "data" / "test.jsonl", cases if cases is not None else [weather_case()])
    (root / "suite.yaml").write_text(f"name: s\ndata:\n  test: data/test.jsonl\n{extra}")
    return root / "suite.yaml"


def _refused(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1, captured.err
    return captured.err.strip()


def _validate_and_run(tmp_path, capsys, suite: Path) -> str:
    """The same one line from validate and from run, and run writes nothing."""
    message = _refused(capsys, "validate", str(suite))
    assert _refused(capsys, "run", str(suite), "--out", str(tmp_path / "out"), "-q",
                    "--cache-dir", str(tmp_path / "cache")) == message
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()
    return message


def test_a_json_bomb_line_is_refused_at_its_line(tmp_path, capsys):
    suite = _suite(tmp_path, cases=[weather_case(), BOMB])
    assert _validate_and_run(tmp_path, capsys, suite) == (
        f"error: {tmp_path / 'data' / 'test.jsonl'}:2: JSON nested deeper than {MAX_DEPTH} levels")


def test_nesting_just_past_the_bound_is_refused_and_at_it_accepted(tmp_path, capsys):
    at_bound = {"id": "c1", "meta": {"deep": json.loads("[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2))}}
    assert nesting_depth(at_bound) == MAX_DEPTH
    past = {"id": "c1", "meta": {"deep": json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))}}
    suite = _suite(tmp_path, cases=[weather_case(**past)])
    assert _refused(capsys, "validate", str(suite)).endswith(f"test.jsonl:1: JSON nested deeper than {MAX_DEPTH} levels")
    write_jsonl(tmp_path / "data" / "test.jsonl", [weather_case(**at_bound)])
    assert main(["validate", str(suite)]) == 0


def test_a_line_over_the_size_bound_is_refused_without_reading_it_whole(tmp_path, capsys):
    suite = _suite(tmp_path)
    with (tmp_path / "data" / "test.jsonl").open("a") as handle:
        handle.write('{"id": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
    assert _validate_and_run(tmp_path, capsys, suite).endswith("test.jsonl:2: line longer than 16 MiB (the limit "
                                                               "for one JSONL line)")


def test_a_binary_file_names_the_line_and_byte_offset(tmp_path, capsys):
    suite = _suite(tmp_path)
    good = (tmp_path / "data" / "test.jsonl").read_bytes()
    (tmp_path / "data" / "test.jsonl").write_bytes(good + b"\x89PNG\r\n\x1a\n\x00\x00")
    assert _validate_and_run(tmp_path, capsys, suite).endswith(
        f"test.jsonl:2: not UTF-8 text: byte 0x89 at byte offset {len(good)} (is this a binary file?)")
    (tmp_path / "data" / "test.jsonl").write_bytes(good + b'{"id": "a\x00"}\n')
    assert _refused(capsys, "validate", str(suite)).endswith(
        f"test.jsonl:2: not text: a NUL byte at byte offset {len(good) + 9} (is this a binary file?)")


def test_the_billion_laughs_is_refused_at_the_line_that_multiplies(tmp_path, capsys):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, level in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    suite = _suite(tmp_path, "\n".join(lines) + "\n")
    # Lines 1-3 are name and data; a is line 4, so f (9^6 = 531,441 values, the first over 100,000) is line 9.
    assert _validate_and_run(tmp_path, capsys, suite) == (
        f"error: {suite}:9: the YAML expands to more than 100,000 values through aliases (each `*alias` repeats "
        "its anchor's whole content)")


def test_aliases_within_the_bound_still_work(tmp_path, capsys):
    suite = _suite(tmp_path, "defaults: &d {backend: replay, outputs: o.jsonl}\ncandidates:\n  - {<<: *d, name: a}\n")
    write_jsonl(tmp_path / "o.jsonl", [{"case_id": "c1", "output": "no"}])
    message = _refused(capsys, "validate", str(suite))
    assert message.endswith(f"{suite}:4: field 'defaults': unknown field (check the spelling)")


def test_a_deep_or_huge_yaml_is_refused(tmp_path, capsys):
    suite = _suite(tmp_path, "meta: " + BOMB + "\n")
    assert _validate_and_run(tmp_path, capsys, suite) == f"error: {suite}: YAML nested too deeply"
    suite.write_text("name: s\n" + "# padding\n" * (MAX_YAML_BYTES // 10 + 1))
    assert _refused(capsys, "validate", str(suite)) == (
        f"error: {suite}: YAML file larger than 4 MiB (a suite YAML holds settings; put cases and examples in "
        "JSONL files)")


def test_a_json_bomb_elsewhere_is_refused_too(tmp_path, capsys):
    suite = _suite(tmp_path, "  tools: data/tools.json\n")
    (tmp_path / "data" / "tools.json").write_text(BOMB)
    assert _refused(capsys, "validate", str(suite)) == (
        f"error: {tmp_path / 'data' / 'tools.json'}: JSON nested deeper than {MAX_DEPTH} levels")
    outputs = _suite(tmp_path / "replay", "candidates:\n  - {name: r, outputs: o.jsonl}\n")
    (tmp_path / "replay" / "o.jsonl").write_text(json.dumps({"case_id": "c1", "output": "x"}) + "\n" + BOMB + "\n")
    assert _refused(capsys, "validate", str(outputs)).endswith("o.jsonl:2: JSON nested deeper than 100 levels")
    results = tmp_path / "results.json"
    results.write_text(BOMB)
    assert _refused(capsys, "report", str(results), "--out", str(tmp_path / "report")) == (
        f"error: {results}: JSON nested deeper than {MAX_DEPTH} levels")
    assert not (tmp_path / "report").exists()


def test_an_unknown_model_offline_names_the_suite_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    suite = _suite(tmp_path, "candidates:\n  - {name: m, model: no-such-org/no-such-model}\n")
    assert _validate_and_run(tmp_path, capsys, suite).startswith(
        f"error: {suite}:5: field 'candidates[0].model': model 'no-such-org/no-such-model' is not in the local "
        "Hugging Face cache, and the hub is offline")
    suite = _suite(tmp_path, "candidates:\n  - {name: m, model: not a model}\n")
    assert _refused(capsys, "validate", str(suite)).startswith(
        f"error: {suite}:5: field 'candidates[0].model': unknown model 'not a model': not an embedded model")


@pytest.mark.parametrize("raw, words", [
    (BOMB, "JSON nested deeper than 100 levels"),
    ("[1, 2]", "field '[0]': each entry must be a JSON object, got int"),
])
def test_bad_json_training_files_are_refused_at_load(tmp_path, capsys, raw, words):
    suite = _suite(tmp_path, "  train: data/train.json\n")
    (tmp_path / "data" / "train.json").write_text(raw)
    assert _refused(capsys, "validate", str(suite)).endswith(words)
