#!/usr/bin/env bash
# Set up (if needed) and run the main job: train and evaluate every candidate of the default suite
# (toolshop: SmolLM2-135M-Instruct zero-shot, few-shot, RAG and LoRA), then write the reports.
# SUITE / OUT / REPORT override the suite, the results folder and the report folder; extra
# arguments go to `harness run` (e.g. --candidate smollm2-few-shot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
source scripts/allocator.sh
suite=${SUITE:-suites/toolshop/suite.yaml}
out=${OUT:-runs/main}
.venv/bin/harness run "$suite" --out "$out" "$@"
.venv/bin/harness report "$out/results.json" --out "${REPORT:-reports/toolshop}"
