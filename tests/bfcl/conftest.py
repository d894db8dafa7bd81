"""Fixtures shared by the BFCL tests."""
from __future__ import annotations

import pytest

from harness.integrations.bfcl.wheel import bfcl_wheel_path


@pytest.fixture(scope="module")
def wheel():
    """The pinned BFCL v4 wheel (downloaded once into the wheel cache); skipped when no registry is reachable."""
    try:
        return bfcl_wheel_path()
    except Exception as exc:  # no registry reachable: nothing here can run
        pytest.skip(f"BFCL wheel unavailable: {exc}")
