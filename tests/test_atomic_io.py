"""Atomic writes: a failed write leaves the old file intact and no temp files behind."""
import json

import pytest

from harness.io.atomic import atomic_write_json, atomic_write_text


def test_write_replaces_content_and_creates_parents(tmp_path):
    target = tmp_path / "a" / "b.json"
    atomic_write_json(target, {"b": 1, "a": [1, 2]})
    assert json.loads(target.read_text()) == {"a": [1, 2], "b": 1}
    assert target.read_text().index('"a"') < target.read_text().index('"b"')  # stable key order


def test_failure_mid_write_keeps_old_file_and_cleans_up(tmp_path):
    target = tmp_path / "r.json"
    atomic_write_text(target, "old")

    class Unserialisable:
        pass

    with pytest.raises(TypeError):
        atomic_write_json(target, {"x": Unserialisable()})
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_written_files_get_the_umask_mode_not_a_private_one(tmp_path):
    import os
    previous = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.md", "x")
    finally:
        os.umask(previous)
    assert (tmp_path / "report.md").stat().st_mode & 0o777 == 0o644
