"""Load YAML together with the line number of every key, so errors can point at the offending line.

PyYAML's composed node tree carries marks; we read them once into a `{path: line}` map.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import HarnessInputError

Location = tuple[Any, ...]


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[Location, int]]:
    """Parse `path`; return the plain data and a map from key path (e.g. `("candidates", 0, "k")`) to line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HarnessInputError("file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HarnessInputError(f"cannot read file: {exc}", path=path) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise HarnessInputError(f"invalid YAML: {problem}", path=path,
                                line=mark.line + 1 if mark else None) from None
    lines: dict[Location, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, lines


def _collect_lines(node: yaml.Node, here: Location, lines: dict[Location, int]) -> None:
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = here + (key_node.value,)
            _collect_lines(value_node, child, lines)
            lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, here + (index,), lines)


def line_of(lines: dict[Location, int], location: Location) -> int | None:
    """Line of the deepest known prefix of `location` (a missing key points at its parent)."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None


def dotted(location: Location) -> str:
    """`("candidates", 0, "k")` -> `candidates[0].k`, the field notation used in error messages."""
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
