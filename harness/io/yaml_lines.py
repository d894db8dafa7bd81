"""Load YAML together with the line number of every key, so errors can point at the offending line.

PyYAML's composed node tree carries marks; we read them once into a `{path: line}` map. The document is
bounded before anything walks it: its size, its nesting, and the number of values it expands to, since
aliases (`*name`) repeat their anchor's content, and ten levels of nine (the "billion laughs") expand to
3.5 billion values from a few hundred bytes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.errors import HarnessInputError

Location = tuple[Any, ...]
#: A suite YAML is a page of settings; its data lives in JSONL files.
MAX_YAML_BYTES = 4 * 1024 * 1024
#: Values after aliases are expanded: a hand-written suite has hundreds.
MAX_YAML_VALUES = 100_000


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[Location, int]]:
    """Parse `path`; return the plain data and a map from key path (e.g. `("candidates", 0, "k")`) to line."""
    text = _read_text(path)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise HarnessInputError(f"invalid YAML: {problem}", path=path,
                                line=mark.line + 1 if mark else None) from None
    except RecursionError:
        raise HarnessInputError("YAML nested too deeply", path=path) from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, lines


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise HarnessInputError("file not found", path=path) from None
    except OSError as exc:
        raise HarnessInputError(f"cannot read file: {exc.strerror}", path=path) from None
    if len(raw) > MAX_YAML_BYTES:
        raise HarnessInputError(f"YAML file larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB", path=path,
                                hint="a suite YAML holds settings; put cases and examples in JSONL files")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HarnessInputError(f"not UTF-8 text: byte {raw[exc.start]:#04x} at byte offset {exc.start}",
                                path=path, line=raw[:exc.start].count(b"\n") + 1) from None


def _check_expansion(root: yaml.Node, path: Path) -> None:
    """Refuse a document expanding to more than MAX_YAML_VALUES values, naming the line that multiplies them
    (the innermost node still over the bound). Sizes are counted once per distinct node, so this is linear."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1 + sum(size(child) for child in _children(node))
        sizes[id(node)] = min(total, 10 * MAX_YAML_VALUES)  # capped: the count only needs to cross the bound
        return sizes[id(node)]

    if size(root) <= MAX_YAML_VALUES:
        return
    culprit = root
    while True:
        bigger = next((child for child in _children(culprit) if sizes[id(child)] > MAX_YAML_VALUES), None)
        if bigger is None:
            break
        culprit = bigger
    raise HarnessInputError(f"the YAML expands to more than {MAX_YAML_VALUES:,} values through aliases",
                            path=path, line=culprit.start_mark.line + 1,
                            hint="each `*alias` repeats its anchor's whole content")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


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
