"""Pinned wheels: taken from the cache without downloading, fetched once with pip otherwise, and refused when
the file is not the pinned one."""
import hashlib
from pathlib import Path

import pytest

from harness.integrations.bfcl.wheel import BFCL_WHEELS, BfclWheelError, bfcl_wheel_path
from harness.io.wheels import PinnedWheel, WheelError, pinned_wheel_path

CONTENT = b"not really a wheel"
WHEEL = PinnedWheel("some-dist", "1.2", hashlib.sha256(CONTENT).hexdigest())
FILE_NAME = "some_dist-1.2-py3-none-any.whl"


def _no_download(*args, **kwargs):
    pytest.fail("pip was run although the wheel is cached")


def test_a_cached_wheel_is_used_without_downloading(tmp_path, monkeypatch):
    (tmp_path / FILE_NAME).write_bytes(CONTENT)
    monkeypatch.setattr("harness.io.wheels.subprocess.run", _no_download)
    assert pinned_wheel_path(WHEEL, tmp_path) == tmp_path / FILE_NAME
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "root"))
    (tmp_path / "root" / "wheels").mkdir(parents=True)
    (tmp_path / "root" / "wheels" / FILE_NAME).write_bytes(CONTENT)
    assert pinned_wheel_path(WHEEL) == tmp_path / "root" / "wheels" / FILE_NAME


def test_a_cached_file_with_another_hash_is_refused(tmp_path, monkeypatch):
    (tmp_path / FILE_NAME).write_bytes(b"tampered")
    monkeypatch.setattr("harness.io.wheels.subprocess.run", _no_download)
    with pytest.raises(WheelError, match=rf"{FILE_NAME} has sha256 [0-9a-f]{{12}}\.\.\., expected "
                                         rf"{WHEEL.sha256[:12]}\.\.\. for some-dist==1\.2 \(delete it"):
        pinned_wheel_path(WHEEL, tmp_path)


def test_bfcl_wheels_are_pinned_by_hash(tmp_path, monkeypatch):
    monkeypatch.setattr("harness.io.wheels.subprocess.run", _no_download)
    (tmp_path / "bfcl_eval-2026.3.23-py3-none-any.whl").write_bytes(b"")
    with pytest.raises(BfclWheelError, match="expected 3bb6dfa5f0c6"):
        bfcl_wheel_path(tmp_path)
    assert set(BFCL_WHEELS) == {"2026.3.23", "2025.6.8"}
    with pytest.raises(BfclWheelError, match="no pinned bfcl-eval wheel 2024.1.1"):
        bfcl_wheel_path(tmp_path, version="2024.1.1")


def test_a_missing_wheel_is_fetched_once_through_a_scratch_folder(tmp_path, monkeypatch):
    calls = []

    class Done:
        returncode, stdout, stderr = 0, "", ""

    def fake_pip(command, **kwargs):
        calls.append(command)
        dest = Path(command[command.index("--dest") + 1])
        assert dest.parent == tmp_path and dest.name.startswith(".some-dist.download-")
        (dest / FILE_NAME).write_bytes(CONTENT)
        return Done()

    monkeypatch.setattr("harness.io.wheels.subprocess.run", fake_pip)
    assert pinned_wheel_path(WHEEL, tmp_path) == tmp_path / FILE_NAME
    assert pinned_wheel_path(WHEEL, tmp_path) == tmp_path / FILE_NAME
    assert len(calls) == 1 and calls[0][-3:-2] == ["some-dist==1.2"] and "--no-deps" in calls[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == [FILE_NAME]


def test_a_failed_download_is_one_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    class Failed:
        returncode, stdout, stderr = 1, "", "ERROR: No matching distribution found for some-dist==1.2\n"

    monkeypatch.setattr("harness.io.wheels.subprocess.run", lambda *a, **k: Failed())
    with pytest.raises(WheelError, match=r"could not download some-dist==1\.2 with pip: ERROR: No matching "
                                         r"distribution .* \(put the wheel into .* to work offline\)"):
        pinned_wheel_path(WHEEL, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []
