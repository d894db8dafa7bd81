"""Where BFCL data comes from: a bfcl-eval wheel, a BFCL data folder, or a checkout of BFCL's repository.

Each is read the same way, as JSON-lines files named relative to the data folder (`BFCL_v3_simple.json`,
`possible_answer/BFCL_v3_simple.json`); a bad line is a one-line error naming the file, line and field.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from harness.errors import HarnessInputError
from harness.io.json_input import loads

_WHEEL_DATA = "bfcl_eval/data/"
#: Where a checkout or an unpacked package keeps the data folder, tried in order.
_DATA_FOLDERS = ("berkeley-function-call-leaderboard/data", "berkeley-function-call-leaderboard/bfcl_eval/data",
                 "bfcl_eval/data", "data", ".")


@dataclass(frozen=True)
class BfclSource:
    """A wheel (`path` is the .whl) or a data folder; `describe()` names it in errors and suite headers."""

    path: Path
    is_wheel: bool

    def describe(self) -> str:
        return f"{'wheel' if self.is_wheel else 'folder'} {self.path}"

    def names(self) -> list[str]:
        """Top-level data file names (no possible answers)."""
        if self.is_wheel:
            with _open_wheel(self.path) as archive:
                members = archive.namelist()
            return sorted(name[len(_WHEEL_DATA):] for name in members
                          if name.startswith(_WHEEL_DATA) and name.endswith(".json")
                          and "/" not in name[len(_WHEEL_DATA):])
        return sorted(entry.name for entry in self.path.glob("*.json") if entry.is_file())

    def exists(self, name: str) -> bool:
        if self.is_wheel:
            with _open_wheel(self.path) as archive:
                return _WHEEL_DATA + name in archive.namelist()
        return (self.path / name).is_file()

    def where(self, name: str) -> str:
        """The path shown in errors for the file `name`."""
        return f"{self.path}!{_WHEEL_DATA}{name}" if self.is_wheel else str(self.path / name)

    def rows(self, name: str) -> Iterator[tuple[int, object]]:
        """`(line number, decoded JSON)` for each non-blank line of `name`."""
        text = self._read(name)
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield number, loads(line, self.where(name), number)

    def _read(self, name: str) -> str:
        try:
            if self.is_wheel:
                with _open_wheel(self.path) as archive:
                    raw = archive.read(_WHEEL_DATA + name)
            else:
                raw = (self.path / name).read_bytes()
        except (KeyError, FileNotFoundError):
            raise HarnessInputError("file not found in the BFCL data", path=self.where(name)) from None
        except OSError as exc:
            raise HarnessInputError(f"cannot read: {exc.strerror or exc}", path=self.where(name)) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HarnessInputError(f"not UTF-8 text (byte {exc.start})", path=self.where(name)) from None


def source_at(path: Path) -> BfclSource:
    """The BFCL data at `path`: a wheel file, a data folder, or a checkout holding one."""
    path = Path(path)
    if path.is_file():
        if path.suffix != ".whl":
            raise HarnessInputError("expected a bfcl-eval wheel (.whl), a BFCL data folder or a checkout",
                                    path=path, field="--from")
        _open_wheel(path).close()
        return BfclSource(path.resolve(), is_wheel=True)
    if not path.is_dir():
        raise HarnessInputError("no such file or folder", path=path, field="--from")
    for relative in _DATA_FOLDERS:
        candidate = (path / relative).resolve()
        if candidate.is_dir() and any(name.startswith(("BFCL_v", "gorilla_openfunctions_v1_test_"))
                                      for name in (entry.name for entry in candidate.glob("*.json"))):
            return BfclSource(candidate, is_wheel=False)
    raise HarnessInputError("no BFCL data files (BFCL_v*_*.json or gorilla_openfunctions_v1_test_*.json) here "
                            "or in its data/ folder", path=path, field="--from")


def _open_wheel(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise HarnessInputError(f"cannot read the wheel ({exc}); delete it to download it again", path=path,
                                field="--from") from None
