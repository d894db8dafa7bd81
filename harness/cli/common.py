"""What every `harness` command shares: exit-status epilogs and common options."""
from __future__ import annotations

import argparse

EPILOG = "Exit status: 0 ok, 2 unusable input (one line on stderr says which file, line and field)."
GATE_EPILOG = ("Exit status: 0 no regression, 1 a gated metric dropped by more than its tolerance and the drop is "
               "significant (exact McNemar, p < alpha), 2 unusable input (different suites, unreadable or empty files).")


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress (default: bars on a terminal, a line at least every 30 s in a log)")
