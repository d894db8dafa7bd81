"""The `harness` command line: validate, run, score, show, report, compare, gate and import.

Bad input ends with one `error:` line on stderr and exit 2; nothing is written in that case.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Sequence

from harness.errors import EXIT_BAD_INPUT, HarnessInputError
from harness.version import __version__

EPILOG = "Exit status: 0 ok, 2 unusable input (one line on stderr says which file, line and field)."
GATE_EPILOG = ("Exit status: 0 no regression, 1 a gated metric dropped by more than its tolerance and the drop is "
               "significant (exact McNemar, p < alpha), 2 unusable input (different suites, unreadable or empty files).")


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

    validate = commands.add_parser("validate", help="check a suite, its data and everything a run needs",
                                   description="Load and check a suite YAML, every data file it names (test split, "
                                               "tool library, example bank, train split), and everything its "
                                               "candidates' backends and strategies and its gate need; `run` "
                                               "makes the same checks before any model work.",
                                   epilog=EPILOG)
    validate.add_argument("suite", help="suite YAML (or a folder holding suite.yaml)")
    validate.set_defaults(handler=cmd_validate)

    run = commands.add_parser("run", help="run a suite's candidates and write results.json + results.md",
                              description="Train fine-tunes (or reuse cached adapters), generate with every "
                                          "candidate (or those named), score every case, "
                                          "write OUT/results.json and OUT/results.md, and print the table.",
                              epilog=EPILOG)
    run.add_argument("suite", help="suite YAML (or a folder holding suite.yaml)")
    run.add_argument("--out", type=Path, help="output folder (default: runs/<suite name>)")
    run.add_argument("--candidate", action="append", dest="candidates", metavar="NAME",
                     help="run only this candidate (repeatable)")
    run.add_argument("--no-cache", dest="use_cache", action="store_false",
                     help="generate every case afresh, without reading or writing the generation cache "
                          "(trained LoRA adapters are still reused and stored; default: reuse and store "
                          "generations, so an interrupted run resumes where it stopped)")
    run.add_argument("--cache-dir", type=Path, metavar="DIR",
                     help="cache folder for generations and trained adapters "
                          "(default: $HARNESS_CACHE_DIR, else ~/.cache/harness)")
    _add_quiet(run)
    run.set_defaults(handler=cmd_run)

    score = commands.add_parser("score", help="re-score recorded outputs (JSONL) or BFCL result folders",
                                description="Score recorded or published outputs against a suite's cases, without "
                                            "a model. OUTPUTS is a JSONL file of lines {\"case_id\": ..., "
                                            "\"output\": ...} (BFCL's {\"id\": ..., \"result\": ...} also works), "
                                            "or a BFCL result folder (one file per category, or one folder per "
                                            "model): every model in it becomes a candidate, read with the decoder "
                                            "and name mapping of BFCL's handler for it, with its recorded latency "
                                            "and tokens.",
                                epilog=EPILOG)
    score.add_argument("suite", help="suite YAML (or a folder holding suite.yaml)")
    score.add_argument("outputs", type=Path, help="recorded outputs (JSONL), or a BFCL result folder")
    score.add_argument("--mode", choices=("strict", "bfcl"), help="scoring mode (default: the suite's)")
    score.add_argument("--decoder", "--parser", dest="decoder", default=None,
                       help="how outputs become calls, e.g. auto, hermes, bfcl_prompt, bfcl_fc "
                            "(`harness decoders` lists them; default: the suite's, usually auto)")
    score.add_argument("--names", choices=("exact", "underscore_to_dot"), default=None,
                       help="underscore_to_dot: the outputs come from an API that forbids '.' in function names, "
                            "so math.factorial was offered as math_factorial (default: the suite's, usually exact)")
    score.add_argument("--name", help="candidate name in the results (default: the outputs file's stem)")
    score.add_argument("--out", type=Path, required=True, help="output folder for results.json and results.md")
    _add_quiet(score)
    score.set_defaults(handler=cmd_score)

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

    decoders = commands.add_parser("decoders", help="list the decoders a suite or candidate may name",
                                   description="List every `decoder:` name with what it reads.", epilog=EPILOG)
    decoders.set_defaults(handler=cmd_decoders)

    plugins = commands.add_parser("plugins", help="list every plugin by role, with the package providing it",
                                  description="List the backends, strategies, decoders, metrics, report sections "
                                              "and training-data formats found through entry points "
                                              "(docs/plugins.md says how to add one).", epilog=EPILOG)
    plugins.set_defaults(handler=cmd_plugins)

    _add_gate_commands(commands)
    _add_import_commands(commands)
    return parser


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


def _add_import_commands(commands) -> None:
    from harness.integrations.bfcl.releases import RELEASES, V4

    importer = commands.add_parser("import", help="build a suite from an external benchmark (bfcl)",
                                   description="Build a harness suite from an external benchmark's data.",
                                   epilog=EPILOG)
    sources = importer.add_subparsers(dest="source", required=True, metavar="SOURCE")
    bfcl = sources.add_parser(
        "bfcl", help="any BFCL release (v4 by default)", epilog=EPILOG,
        description="Write OUT/suite.yaml and OUT/data/test.jsonl from a BFCL release's own data: the single-turn "
                    "Python AST categories and the irrelevance ones. Without --from, the bfcl-eval wheel of the "
                    "release (v4, or v3) is downloaded once with `pip download --no-deps` into "
                    "~/.cache/harness/wheels and read, never installed; v1 (2024) and v2 come from a checkout of "
                    "BFCL's repository. Case ids are BFCL's entry ids; the suite scores in bfcl mode and reports "
                    "that release's aggregates.")
    bfcl.add_argument("--from", "--wheel", dest="source", type=Path, metavar="PATH",
                      help="a bfcl-eval wheel, a BFCL data folder, or a checkout holding one "
                           "(default: the cached wheel of --release)")
    bfcl.add_argument("--release", choices=sorted(RELEASES), help="which release to read (default: the newest "
                                                                  "found at --from, else v4)")
    bfcl.add_argument("--categories", nargs="+", default=None, metavar="CATEGORY",
                      help=f"categories to import, in the release's own names (default: all it has; v4: "
                           f"{', '.join(V4.categories)})")
    bfcl.add_argument("--out", type=Path, required=True, help="folder for suite.yaml and data/")
    bfcl.add_argument("--force", action="store_true", help="replace a suite already in OUT")
    bfcl.set_defaults(handler=cmd_import_bfcl)


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")


def cmd_validate(args: argparse.Namespace) -> int:
    from collections import Counter

    from harness.suite.load import load_suite

    suite = load_suite(args.suite)
    per_category = Counter(case.category for case in suite.cases)
    categories = ", ".join(f"{name} {count}" for name, count in sorted(per_category.items()))
    candidates = len(suite.spec.candidates)
    print(f"ok: {suite.spec.name} v{suite.spec.version}: {len(suite.cases)} cases ({categories}); "
          f"{candidates} candidate{'' if candidates == 1 else 's'}; hash {suite.hash[:12]}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from harness.suite.load import load_suite

    suite = load_suite(args.suite)
    candidates = [suite.candidate(name) for name in args.candidates] if args.candidates else None
    if not (candidates or suite.spec.candidates):
        raise HarnessInputError("the suite declares no candidates", path=suite.path, field="candidates")
    out = args.out or Path("runs") / suite.spec.name
    return _run_and_write(suite, candidates, out, quiet=args.quiet, use_cache=args.use_cache, cache_dir=args.cache_dir)


def cmd_score(args: argparse.Namespace) -> int:
    from harness.parsing import decoder_named
    from harness.suite.candidate import CandidateSpec
    from harness.suite.load import load_suite

    suite = load_suite(args.suite)
    if args.decoder is not None:
        decoder_named(args.decoder)  # an unknown name is bad input before any work
    if args.mode:
        scoring = suite.spec.scoring.model_copy(update={"mode": args.mode})
        suite = dataclasses.replace(suite, spec=suite.spec.model_copy(update={"scoring": scoring}))
    if args.outputs.is_dir():
        return _score_bfcl_results(suite, args)
    if not args.outputs.is_file():
        raise HarnessInputError("outputs file not found", path=args.outputs)
    candidate = CandidateSpec(name=args.name or args.outputs.stem, backend="replay",
                              outputs=str(args.outputs.resolve()), decoder=args.decoder, names=args.names)
    return _run_and_write(suite, [candidate], args.out, quiet=args.quiet)


def _score_bfcl_results(suite, args: argparse.Namespace) -> int:
    """A BFCL result folder: every model in it, each read the way BFCL's handler for it reads it."""
    from harness.integrations.bfcl.results import replay_candidates

    if args.name:
        raise HarnessInputError("--name names one outputs file; a result folder's models keep their own names",
                                field="--name")
    chosen = replay_candidates(suite.cases, args.outputs, args.out / "outputs", args.decoder, args.names)
    for candidate, style in chosen:
        picked = "" if args.decoder or args.names else f"  (BFCL handler rule: {style.rule})"
        print(f"{candidate.name}: decoder {candidate.decoder}, names {candidate.names}{picked}")
    return _run_and_write(suite, [candidate for candidate, _ in chosen], args.out, quiet=args.quiet)


def cmd_decoders(args: argparse.Namespace) -> int:
    from harness.parsing import decoder_named, decoder_names

    width = max(len(name) for name in decoder_names())
    for name in decoder_names():
        print(f"{name:<{width}}  {decoder_named(name).summary}")
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from harness.plugins import ROLES, registry

    for role in ROLES:
        plugins = registry(role)
        print(f"{role.kind} ({role.group}):")
        width = max((len(name) for name in plugins.names()), default=0)
        for name in plugins.names():
            print(f"  {name:<{width}}  {plugins.origin(name)}")
    return 0


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


def cmd_import_bfcl(args: argparse.Namespace) -> int:
    from harness.integrations.bfcl.importer import import_bfcl

    imported = import_bfcl(args.out, args.categories, source=args.source, release=args.release,
                           overwrite=args.force)
    counts = ", ".join(f"{name} {count}" for name, count in imported.counts.items())
    print(f"wrote {imported.suite_path}: {imported.release.label}, {imported.total} cases ({counts})")
    if imported.defects:
        print(f"flagged {len(imported.defects)} known ground-truth defects: {', '.join(sorted(imported.defects))}")
    return 0


def _run_and_write(suite, candidates, out: Path, quiet: bool, use_cache: bool = True,
                   cache_dir: Path | None = None) -> int:
    from harness.io.atomic import atomic_write_text
    from harness.report.summary_table import summary_markdown
    from harness.run.runner import run_suite

    progress = not quiet and sys.stderr.isatty() and not os.environ.get("CI")
    results = run_suite(suite, candidates, progress=progress, use_cache=use_cache, cache_dir=cache_dir)
    table = summary_markdown(results)
    results.write(out / "results.json")
    atomic_write_text(out / "results.md", table)
    print(table)
    cached = sum(1 for record in results.records if record.cached)
    if cached:
        print(f"generation cache: {cached} of {len(results.records)} outputs reused (--no-cache to regenerate)")
    print(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
