#!/usr/bin/env bash
# Set up (if needed) and run the main job: every candidate of the default suite, results under runs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
exec .venv/bin/harness run "${SUITE:-suites/quickstart/suite.yaml}" --out "${OUT:-runs/main}" "$@"
