"""JSON that users hand the harness (test cases, tool libraries, example banks, training data, recorded outputs,
results files), read within bounds: a line or file too large, nesting too deep, bytes that are not UTF-8 text.

Every breach is a one-line `HarnessInputError` naming the file, the line (or byte offset) and what was
exceeded, raised before any work is done on the content: a JSON bomb of 200,000 nested `[` must not end in a
`RecursionError`, and a binary file must say where its first non-text byte is.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from harness.errors import HarnessInputError

#: One JSONL line (one case, one training example, one recorded output).
MAX_LINE_BYTES = 16 * 1024 * 1024
#: A whole JSON file (a tool library, a results file of 10,000 cases x 10 candidates is ~200 MB).
MAX_FILE_BYTES = 1024 * 1024 * 1024
#: Arrays and objects inside one another: tool schemas and answers nest a dozen levels, not a hundred.
MAX_DEPTH = 100


def read_jsonl(path: str | Path, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[int, Any]]:
    """`(line number, decoded JSON)` for each non-blank line. The file is read a bounded line at a time, so an
    endless line is refused without being read into memory."""
    path = Path(path)
    with _open(path) as handle:
        offset = 0
        for number in range(1, 1 << 62):
            raw = handle.readline(max_line_bytes + 1)
            if not raw:
                return
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                raise HarnessInputError(f"line longer than {_size(max_line_bytes)} (the limit for one JSONL line)",
                                        path=path, line=number)
            text = _text(raw, path, number, offset)
            offset += len(raw)
            if text.strip():
                yield number, loads(text, path, number)


def read_json(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """A whole JSON file, decoded."""
    path = Path(path)
    with _open(path) as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise HarnessInputError(f"file larger than {_size(max_bytes)}", path=path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return loads(_text(raw, path, None, 0), path, None)


def loads(text: str, path: str | Path, line: int | None) -> Any:
    """`json.loads` with the nesting bound, errors naming `path` and `line`."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if line is not None else f"line {exc.lineno}, column {exc.colno}"
        raise HarnessInputError(f"invalid JSON: {exc.msg} ({where})", path=path,
                                line=line if line is not None else exc.lineno) from None
    except RecursionError:
        raise HarnessInputError(f"JSON nested deeper than {MAX_DEPTH} levels", path=path, line=line) from None
    # Depth can only exceed the bound when the text holds that many brackets: counting them runs at C speed.
    if text.count("[") + text.count("{") > MAX_DEPTH and nesting_depth(value) > MAX_DEPTH:
        raise HarnessInputError(f"JSON nested deeper than {MAX_DEPTH} levels", path=path, line=line)
    return value


def nesting_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How many arrays/objects deep `value` goes, counting no further than `limit + 1`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _open(path: Path):
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise HarnessInputError("file not found", path=path) from None
    except IsADirectoryError:
        raise HarnessInputError("is a folder, not a file", path=path) from None
    except OSError as exc:
        raise HarnessInputError(f"cannot read file: {exc.strerror}", path=path) from None


def _text(raw: bytes, path: Path, line: int | None, offset: int) -> str:
    try:
        text = raw.decode("utf-8-sig" if offset == 0 else "utf-8")
    except UnicodeDecodeError as exc:
        position = offset + exc.start
        raise HarnessInputError(f"not UTF-8 text: byte {raw[exc.start]:#04x} at byte offset {position}",
                                path=path, line=line, hint="is this a binary file?") from None
    if "\x00" in text:
        position = offset + len(text[:text.index("\x00")].encode("utf-8"))
        raise HarnessInputError(f"not text: a NUL byte at byte offset {position}", path=path, line=line,
                                hint="is this a binary file?")
    return text


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count >= 1024 * 1024 else f"{count} bytes"
