#!/usr/bin/env bash
# Peak resident memory (GNU time %M) of the main job, phase by phase, each in its own process and with an
# empty cache: training the suite's LoRA adapters (`harness train`), then generating and scoring every
# candidate (`harness run`, which reuses the adapter just trained; the results file also records each
# candidate's own generation peak). Prints one line per phase; SUITE / OUT override the suite and the
# output folder (default runs/memory, its cache in runs/memory/cache).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
source scripts/allocator.sh
suite=${SUITE:-suites/toolshop/suite.yaml}
out=${OUT:-runs/memory}
rm -rf "$out" && mkdir -p "$out"
export HARNESS_CACHE_DIR="$out/cache"
phase() {  # phase NAME COMMAND...: run it under GNU time, keep its log, print its peak and wall time
  local name=$1; shift
  /usr/bin/time -f "%M %e" -o "$out/$name.time" "$@" > "$out/$name.log" 2>&1
  read -r peak_kb seconds < "$out/$name.time"
  awk -v n="$name" -v k="$peak_kb" -v s="$seconds" 'BEGIN { printf "%-10s peak %7.0f MiB  %8.1f s\n", n, k / 1024, s }'
}
phase train .venv/bin/harness train "$suite"
phase run .venv/bin/harness run "$suite" --out "$out/run"
.venv/bin/python - "$out/run/results.json" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["candidates"]:
    memory = c.get("memory") or {}
    print(f"  {c['name']:<20} generation peak {memory.get('generation_peak_rss_mib')} MiB "
          f"({memory.get('generation_peak_scope')})")
PY
