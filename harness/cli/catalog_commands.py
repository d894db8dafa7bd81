"""The commands about what the harness knows: decoders, plugins, and importing external benchmarks."""
from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli.common import EPILOG


def add_commands(commands) -> None:
    decoders = commands.add_parser("decoders", help="list the decoders a suite or candidate may name",
                                   description="List every `decoder:` name with what it reads.", epilog=EPILOG)
    decoders.set_defaults(handler=cmd_decoders)

    plugins = commands.add_parser("plugins", help="list every plugin by role, with the package providing it",
                                  description="List the backends, strategies, decoders, metrics, report sections "
                                              "and training-data formats found through entry points "
                                              "(docs/plugins.md says how to add one).", epilog=EPILOG)
    plugins.set_defaults(handler=cmd_plugins)
    _add_import_commands(commands)


def _add_import_commands(commands) -> None:
    from harness.integrations.bfcl.releases import RELEASES, V4
    from harness.multiturn.bfcl_cases import BFCL_MULTI_TURN_CATEGORIES

    importer = commands.add_parser("import", help="build a suite from an external benchmark (bfcl)",
                                   description="Build a harness suite from an external benchmark's data.",
                                   epilog=EPILOG)
    sources = importer.add_subparsers(dest="source", required=True, metavar="SOURCE")
    bfcl = sources.add_parser(
        "bfcl", help="any BFCL release (v4 by default), v4's multi-turn categories on request", epilog=EPILOG,
        description="Write OUT/suite.yaml and OUT/data/test.jsonl from a BFCL release's own data: the single-turn "
                    "Python AST categories and the irrelevance ones. Without --from, the bfcl-eval wheel of the "
                    "release (v4, or v3) is downloaded once with `pip download --no-deps` into "
                    "~/.cache/harness/wheels and read, never installed; v1 (2024) and v2 come from a checkout of "
                    "BFCL's repository. BFCL v4's multi-turn categories (" + ", ".join(BFCL_MULTI_TURN_CATEGORIES)
                    + "; `multi_turn` names all four) import when --categories names them, from the pinned v4 "
                    "wheel only, into OUT/data/multi_turn.jsonl: conversations run on BFCL's own simulated APIs. "
                    "Case ids are BFCL's entry ids; the suite scores in bfcl mode and reports that release's "
                    "aggregates.")
    bfcl.add_argument("--from", "--wheel", dest="source", type=Path, metavar="PATH",
                      help="a bfcl-eval wheel, a BFCL data folder, or a checkout holding one "
                           "(default: the cached wheel of --release)")
    bfcl.add_argument("--release", choices=sorted(RELEASES), help="which release to read (default: the newest "
                                                                  "found at --from, else v4)")
    bfcl.add_argument("--categories", nargs="+", default=None, metavar="CATEGORY",
                      help=f"categories to import, in the release's own names (default: all its single-turn ones; "
                           f"v4: {', '.join(V4.categories)}); v4 adds the multi-turn "
                           f"{', '.join(BFCL_MULTI_TURN_CATEGORIES)}, or multi_turn for all four")
    bfcl.add_argument("--out", type=Path, required=True, help="folder for suite.yaml and data/")
    bfcl.add_argument("--force", action="store_true", help="replace a suite already in OUT")
    bfcl.set_defaults(handler=cmd_import_bfcl)


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


def cmd_import_bfcl(args: argparse.Namespace) -> int:
    from harness.integrations.bfcl.importer import MULTI_TURN_FILE, import_bfcl

    imported = import_bfcl(args.out, args.categories, source=args.source, release=args.release,
                           overwrite=args.force)
    counts = ", ".join(f"{name} {count}" for name, count in imported.counts.items())
    print(f"wrote {imported.suite_path}: {imported.release.label}, {imported.total} cases ({counts})")
    if imported.multi_turn_categories:  # two files: say which holds what
        for path, file_counts in imported.data_files.items():
            kind = "conversations" if path == MULTI_TURN_FILE else "single-turn cases"
            print(f"  {path}: {sum(file_counts.values())} {kind} "
                  f"({', '.join(f'{name} {count}' for name, count in file_counts.items())})")
    if imported.defects:
        print(f"flagged {len(imported.defects)} known ground-truth defects: {', '.join(sorted(imported.defects))}")
    return 0
