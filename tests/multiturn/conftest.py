"""Fixtures shared by the multi-turn tests."""
from __future__ import annotations

import pytest

from harness.integrations.bfcl.wheel import BfclWheelError, bfcl_wheel_path


@pytest.fixture(scope="module")
def wheel():
    """The pinned BFCL v4 wheel (downloaded once into the wheel cache); the test is skipped when it cannot be had."""
    try:
        return bfcl_wheel_path()
    except BfclWheelError as exc:
        pytest.skip(f"BFCL wheel unavailable: {exc}")
