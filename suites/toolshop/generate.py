"""Regenerate the toolshop suite's data files (tools, test, train, example bank, multi-turn, tiny subsets).

Deterministic: the same seed writes the same bytes, which tests/suites/test_toolshop.py checks.
Usage: python suites/toolshop/generate.py [--out DIR] [--seed N] [--stats]   (DIR defaults to suites/toolshop/data)
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from toolshop_gen.multiturn import SIMULATOR  # noqa: E402  (needs the path above)
from toolshop_gen.splits import build_all  # noqa: E402
from toolshop_gen.stats import summary  # noqa: E402
from toolshop_gen.tools import TOOLS  # noqa: E402

SEED = 20260301


def write_jsonl(path: Path, rows: list) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_bytes(text.encode("utf-8"))


def copy_simulator(out: Path) -> None:
    """The multi-turn cases name their simulator relative to their own folder, so a folder written elsewhere
    gets a copy of it (the simulator is hand-written, not generated)."""
    target = out / SIMULATOR.name
    if not (target.exists() and target.samefile(SIMULATOR)):
        shutil.copyfile(SIMULATOR, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "data", help="folder to write (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    parser.add_argument("--stats", action="store_true", help="also print counts per split and template counts")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "tools.json").write_bytes((json.dumps(TOOLS, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    files = build_all(args.seed)
    for name, rows in files.items():
        write_jsonl(args.out / name, rows)
    copy_simulator(args.out)
    print(f"wrote {args.out}")
    if args.stats:
        print(summary(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
