#!/usr/bin/env bash
# Create .venv (if missing) and install the harness with its test extras.
# torch is pinned to the CPU build 2.13.0 first, so no multi-GB CUDA build is pulled in.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[test]"
# tcmalloc makes CPU LoRA training ~1.3x faster (see scripts/allocator.sh). Best effort: skipped
# where apt is missing or needs a password; everything works without it, only slower.
# allocator.sh holds the one list of places tcmalloc is looked for.
if ! HARNESS_MALLOC=tcmalloc LD_PRELOAD= bash -c 'source scripts/allocator.sh; [ -n "${LD_PRELOAD:-}" ]' \
   && command -v apt-get >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo "sudo -n")
  { $SUDO apt-get install -y -q libtcmalloc-minimal4 >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q libtcmalloc-minimal4 >/dev/null 2>&1; }; } \
    || echo "setup: libtcmalloc-minimal4 not installed (optional: LoRA training runs ~1.3x slower without it)" >&2
fi
