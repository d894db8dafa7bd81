"""The commands that read a suite: validate, run, train, score."""
from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from pathlib import Path

from harness.cli.common import EPILOG, add_quiet
from harness.errors import HarnessInputError


def add_commands(commands) -> None:
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
    add_quiet(run)
    run.set_defaults(handler=cmd_run)

    train = commands.add_parser(
        "train", help="train (or find cached) the fine-tunes' LoRA adapters, without generating",
        description="Train the adapter of every candidate with a `lora:` block (or those named), or find it in the "
                    "adapter cache, and print where it is; `harness run` then reuses it. Runs unchanged under "
                    "`accelerate launch --num_processes N` or `torchrun --nproc_per_node N` (several GPUs or "
                    "processes): the main process writes the one adapter.", epilog=EPILOG)
    train.add_argument("suite", help="suite YAML (or a folder holding suite.yaml)")
    train.add_argument("--candidate", action="append", dest="candidates", metavar="NAME",
                       help="train only this fine-tune (repeatable)")
    train.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="cache folder for adapters (default: $HARNESS_CACHE_DIR, else ~/.cache/harness)")
    add_quiet(train)
    train.set_defaults(handler=cmd_train)

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
    add_quiet(score)
    score.set_defaults(handler=cmd_score)


def cmd_validate(args: argparse.Namespace) -> int:
    from harness.suite.load import load_suite

    suite = load_suite(args.suite)
    candidates = len(suite.spec.candidates)
    conversations = (f"; {len(suite.multi_turn_cases)} conversations ({_per_category(suite.multi_turn_cases)})"
                     if suite.multi_turn_cases else "")
    print(f"ok: {suite.spec.name} v{suite.spec.version}: {len(suite.cases)} cases ({_per_category(suite.cases)})"
          f"{conversations}; {candidates} candidate{'' if candidates == 1 else 's'}; hash {suite.hash[:12]}")
    return 0


def _per_category(cases) -> str:
    """"irrelevance 2, multiple 3, ...": how many cases each category has, by name."""
    counts = Counter(case.category for case in cases)
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))


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


def cmd_train(args: argparse.Namespace) -> int:
    from harness.progress import Progress
    from harness.run.train import fine_tunes, is_main_process, train_adapter
    from harness.suite.load import load_suite

    suite = load_suite(args.suite)
    chosen = fine_tunes(suite, args.candidates or ())
    main_process = is_main_process()
    progress = Progress.choose(quiet=args.quiet or not main_process)
    for candidate in chosen:
        result = train_adapter(suite, candidate, progress, args.cache_dir)
        if main_process:
            run = result.run
            how = (f"trained in {run.wall_time_s:.1f} s ({run.steps} steps, {run.world_size} process"
                   f"{'es' if run.world_size != 1 else ''}, final train loss {run.final_train_loss:.4f})"
                   if result.trained else "found in the adapter cache")
            print(f"{candidate.name}: {how}: {result.path}")
    return 0


def _run_and_write(suite, candidates, out: Path, quiet: bool, use_cache: bool = True,
                   cache_dir: Path | None = None) -> int:
    from harness.io.atomic import atomic_write_text
    from harness.report.summary_table import summary_markdown
    from harness.run.runner import run_suite

    from harness.progress import Progress

    results = run_suite(suite, candidates, progress=Progress.choose(quiet), use_cache=use_cache,
                        cache_dir=cache_dir)
    table = summary_markdown(results)
    results.write(out / "results.json")
    atomic_write_text(out / "results.md", table)
    print(table)
    cached = sum(1 for record in results.records if record.cached)
    if cached:
        print(f"generation cache: {cached} of {len(results.records)} outputs reused (--no-cache to regenerate)")
    print(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    return 0
