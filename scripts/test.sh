#!/usr/bin/env bash
# Set up (if needed) and run the test suite offline. Extra arguments go to pytest
# (e.g. `bash scripts/test.sh -m slow`, or `tests/benchmarks --benchmark-enable`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
source scripts/allocator.sh
exec .venv/bin/python -m pytest "$@"
