"""The one error type for bad user input, rendered as a single line naming file, line and field.

The CLI turns it into exit code 2 without a traceback; anything else escaping is a bug.
"""
from __future__ import annotations

from pathlib import Path

#: Exit status for unusable input (bad suite, bad data, bad results file).
EXIT_BAD_INPUT = 2


class HarnessInputError(Exception):
    """Input the harness cannot use. `str()` is the one line shown to the user."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 field: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line is not None:
            where += f":{self.line}"
        parts = [where] if where else []
        if self.field:
            parts.append(f"field '{self.field}'")
        text = ": ".join(parts + [self.message])
        return f"{text} ({self.hint})" if self.hint else text
