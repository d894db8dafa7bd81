"""The code's shape: no import cycles between the project's modules, and no module over 400 lines.

The import graph is read from the source with `ast`: every `import` and `from ... import` a module makes,
at module level or inside a function (a deferred import that dodges a cycle is still a cycle), except
those under `if TYPE_CHECKING:`, which never run.
"""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "baselines")
MAX_LINES = 400


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every module of `packages` under `root`."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports (`from pkg import sub` counts as `pkg.sub` when `sub` is a module)."""
    found: set[str] = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def visit(nodes) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package[:len(package) - node.level + 1]
                    base = ".".join(parent + ([base] if base else []))
                found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                             for alias in node.names)
            for child in ("body", "orelse", "finalbody", "handlers"):
                visit(getattr(node, child, None) or [])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {module for module in found if module in modules and module != name}


def import_graph(root: Path, packages=PACKAGES) -> dict[str, set[str]]:
    modules = project_modules(root, packages)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (first module repeated at the end), or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_the_project_has_no_import_cycles():
    graph = import_graph(ROOT)
    assert len(graph) > 100 and "harness.suite.load" in graph["harness.cli.suite_commands"]
    assert import_cycle(graph) is None


def test_the_cycle_check_finds_direct_deferred_and_relative_cycles(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from pkg.a import thing\n")
    (package / "a.py").write_text("def thing():\n    from pkg.sub import b\n    return b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.c\n"
                                          "from .. import a\nfrom pkg import thing\n")
    (package / "c.py").write_text("import pkg.sub.b\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.sub.b"}, "pkg.sub": set(), "pkg.sub.b": {"pkg.a", "pkg"},
                     "pkg.c": {"pkg.sub.b"}}
    cycle = import_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and {"pkg.a", "pkg.sub.b"} <= set(cycle) <= set(graph)
    (package / "sub" / "b.py").write_text("import json\n")
    assert import_cycle(import_graph(tmp_path, ("pkg",))) is None


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_400_lines(package):
    sizes = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in (ROOT / package).rglob("*.py")}
    assert sizes and {path: lines for path, lines in sizes.items() if lines > MAX_LINES} == {}
