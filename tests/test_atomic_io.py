"""Atomic writes: a failed write leaves the old file intact and no temp files behind."""
import json

import pytest

from harness.io.atomic import atomic_write_json, atomic_write_text, publish_dir, scratch_dir


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


def test_a_scratch_folder_sits_hidden_beside_its_target_and_is_removed_whatever_happens(tmp_path):
    target = tmp_path / "deep" / "model"
    with pytest.raises(RuntimeError):
        with scratch_dir(target, "build") as scratch:
            assert scratch.parent == target.parent and scratch.name.startswith(".model.build-")
            (scratch / "half.bin").write_bytes(b"x")
            raise RuntimeError("killed mid-build")
    assert list(target.parent.iterdir()) == []


def test_a_published_folder_is_readable_and_a_lost_race_is_quiet(tmp_path):
    target = tmp_path / "entry"
    with scratch_dir(target, "train") as scratch:
        (scratch / "sub").mkdir()
        (scratch / "sub" / "weights.bin").write_bytes(b"w")
        publish_dir(scratch, target, lambda folder: (folder / "sub" / "weights.bin").is_file())
    assert (target / "sub" / "weights.bin").read_bytes() == b"w"
    assert oct(target.stat().st_mode & 0o777) == "0o755"
    assert oct((target / "sub" / "weights.bin").stat().st_mode & 0o777) == "0o644"
    with scratch_dir(target, "train") as scratch:  # a second writer finishing the same entry later
        (scratch / "sub").mkdir()
        (scratch / "sub" / "weights.bin").write_bytes(b"other")
        publish_dir(scratch, target, lambda folder: (folder / "sub" / "weights.bin").is_file())
    assert (target / "sub" / "weights.bin").read_bytes() == b"w"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entry"]


def test_publishing_over_something_incomplete_is_an_error(tmp_path):
    target = tmp_path / "entry"
    (target / "stray").mkdir(parents=True)
    (target / "stray" / "file").write_text("not ours")
    with scratch_dir(target, "train") as scratch:
        (scratch / "done").write_text("yes")
        with pytest.raises(OSError):
            publish_dir(scratch, target, lambda folder: (folder / "done").is_file())
