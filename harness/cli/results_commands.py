"""The commands that read results files: show, report, gate, compare."""
from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli.common import EPILOG, GATE_EPILOG


def add_commands(commands) -> None:
    show = commands.add_parser("show", help="print a results file's summary table",
                               description="Print the summary table of a results.json.", epilog=EPILOG)
    show.add_argument("results", type=Path, help="a results.json written by run or score")
    show.set_defaults(handler=cmd_show)

    report = commands.add_parser(
        "report", help="write leaderboard reports (md, html, csv, json) with the fine-tune decision",
        description="Report one or more results files of the same suite (e.g. one per candidate group): the "
                    "fine-tune decision, leaderboard with 95% CIs and significance groups, per-category accuracy, "
                    "stage funnel, common errors, training runs and a cost-vs-accuracy plot.", epilog=EPILOG)
    report.add_argument("results", type=Path, nargs="+", help="results.json files of one suite (same name, version, hash)")
    report.add_argument("--format", default="md,html,csv,json", help="comma-separated formats (default: md,html,csv,json)")
    report.add_argument("--out", type=Path, required=True, help="output folder for report.md, report.html, *.csv, report.json")
    report.set_defaults(handler=cmd_report)
    _add_gate_commands(commands)


def _add_gate_commands(commands) -> None:
    gate = commands.add_parser(
        "gate", help="fail (exit 1) on a significant regression against a reference results file",
        description="Compare a new results file with a stored reference, candidate by candidate on the cases both "
                    "ran. A gated metric fails when it drops by more than its tolerance AND the drop is significant "
                    "on an exact McNemar test. Gated metrics and tolerances: the suite's `gate:` block as recorded "
                    "in the reference, else tool_call_accuracy=0.02 and schema_validity=0.02.",
        epilog=GATE_EPILOG)
    gate.add_argument("--reference", type=Path, required=True, help="the stored reference results.json")
    gate.add_argument("--results", type=Path, required=True, help="the new run's results.json")
    gate.add_argument("--tolerance", action="append", default=[], metavar="METRIC=VALUE",
                      help="largest allowed drop, as a fraction (0.02) or percentage (2%%); adds or overrides one "
                           "gated metric (repeatable)")
    gate.add_argument("--alpha", type=float, help="significance level of the paired test (default: the suite's, else 0.05)")
    _add_pair(gate)
    gate.set_defaults(handler=cmd_gate)

    compare = commands.add_parser(
        "compare", help="per-candidate paired comparison of two results files (no gating)",
        description="Compare two runs of the same suite per candidate on the cases both ran: rates, cases lost and "
                    "gained, exact McNemar p. Always exits 0 on usable input.", epilog=EPILOG)
    compare.add_argument("a", type=Path, help="the first (older) results.json")
    compare.add_argument("b", type=Path, help="the second (newer) results.json")
    compare.add_argument("--metric", action="append", dest="metrics", metavar="METRIC",
                         help="per-case metric to compare (repeatable; default: all of them)")
    compare.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    _add_pair(compare)
    compare.set_defaults(handler=cmd_compare)


def _add_pair(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pair", action="append", default=[], metavar="REF_NAME=NEW_NAME",
                        help="compare the reference's candidate REF_NAME with the results' NEW_NAME (repeatable); "
                             "candidates otherwise pair by name, and two files of one candidate each pair "
                             "automatically")


def cmd_show(args: argparse.Namespace) -> int:
    from harness.report.summary_table import summary_markdown
    from harness.results.file import ResultsFile

    print(summary_markdown(ResultsFile.read(args.results)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from harness.report.build import load_report
    from harness.report.writer import parse_formats, write_report

    formats = parse_formats(args.format)  # checked before any work, so a typo costs nothing
    report = load_report(args.results)
    written = write_report(report, args.out, formats)
    print(f"Decision: {report.decision.sentence}.")
    print(f"wrote {', '.join(str(path) for path in written)}")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    from harness.gate.gate import parse_pairs, parse_tolerance, run_gate

    tolerances = dict(parse_tolerance(text) for text in args.tolerance)
    report = run_gate(args.reference, args.results, tolerances=tolerances, alpha=args.alpha,
                      pairs=parse_pairs(args.pair))
    print(report.text())
    return 0 if report.passed else 1


def cmd_compare(args: argparse.Namespace) -> int:
    from harness.gate.gate import changes_table, compare_runs, parse_pairs
    from harness.results.file import ResultsFile
    from harness.scoring.metric import per_case_metric_names

    pairs = parse_pairs(args.pair)
    before, after = ResultsFile.read(args.a), ResultsFile.read(args.b)
    changes, notes = compare_runs(before, after, args.metrics or list(per_case_metric_names()), alpha=args.alpha,
                                  labels=(str(args.a), str(args.b)), pairs=pairs)
    print(f"A = {args.a}, B = {args.b}: exact McNemar on the cases both ran, alpha {args.alpha:g}\n")
    print(changes_table(changes, names=("A", "B")))
    for note in notes:
        print(f"note: {note}")
    return 0
