"""BFCL (Berkeley Function-Calling Leaderboard) as external benchmark data: its releases, wheels, entries as Cases,
and its published result folders as candidates.

Scoring with BFCL's semantics lives in `harness.scoring` (mode "bfcl") and `harness.parsing.bfcl_styles`.
"""
from harness.integrations.bfcl.convert import (BFCL_CATEGORY_KEY, BFCL_RELEASE_KEY, bfcl_case, ground_truth_defect,
                                               load_bfcl_cases, release_cases)
from harness.integrations.bfcl.releases import RELEASES, Release
from harness.integrations.bfcl.sources import BfclSource, source_at
from harness.integrations.bfcl.wheel import (BFCL_V3_WHEEL_VERSION, BFCL_WHEEL_VERSION, BfclWheelError, bfcl_wheel_path,
                                             default_wheel_cache, read_bfcl_jsonl)

__all__ = [
    "BFCL_CATEGORY_KEY", "BFCL_RELEASE_KEY", "BFCL_V3_WHEEL_VERSION", "BFCL_WHEEL_VERSION", "BfclSource",
    "BfclWheelError", "RELEASES", "Release", "bfcl_case", "bfcl_wheel_path", "default_wheel_cache",
    "ground_truth_defect", "load_bfcl_cases", "read_bfcl_jsonl", "release_cases", "source_at",
]
