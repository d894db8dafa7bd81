"""BFCL (Berkeley Function-Calling Leaderboard) as external benchmark data: its wheel, and its entries as Cases.

Scoring with BFCL's semantics lives in `harness.scoring.tool_call_accuracy` (mode "bfcl"), not here.
"""
from harness.bfcl.convert import (CATEGORY_BY_BFCL_CATEGORY, bfcl_case, ground_truth_defect,
                                  load_bfcl_cases)
from harness.bfcl.wheel import (BFCL_WHEEL_VERSION, BfclWheelError, bfcl_wheel_path, default_wheel_cache,
                                read_bfcl_jsonl)

__all__ = [
    "BFCL_WHEEL_VERSION", "BfclWheelError", "CATEGORY_BY_BFCL_CATEGORY", "bfcl_case", "bfcl_wheel_path",
    "default_wheel_cache", "ground_truth_defect", "load_bfcl_cases", "read_bfcl_jsonl",
]
