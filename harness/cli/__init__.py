"""The `harness` command line: validate, run, train, score, show, report, compare, gate, decoders, plugins and
import, one module per group of commands.

Bad input ends with one `error:` line on stderr and exit 2; nothing is written in that case.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from harness.cli import catalog_commands, results_commands, suite_commands
from harness.cli.common import EPILOG
from harness.errors import EXIT_BAD_INPUT, HarnessInputError
from harness.version import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except HarnessInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not a failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness", epilog=EPILOG,
        description="Evaluate function-calling candidates (prompting baselines and fine-tunes) on tool-use suites.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (suite_commands, results_commands, catalog_commands):
        group.add_commands(commands)
    return parser
