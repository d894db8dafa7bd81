"""The one error type for bad user input, rendered as a single line naming file, line and field.

The CLI turns it into exit code 2 without a traceback; anything else escaping is a bug.
"""
from __future__ import annotations

import enum
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


class ErrorKind(str, enum.Enum):
    """Why a case failed, for the whole pipeline: the backend, decoding, then scoring. The values are the
    strings results files hold; docs/metrics.md defines each."""

    # The backend gave no usable output.
    MISSING_OUTPUT = "missing_output"      # a replayed file has no output for the case
    GENERATION_ERROR = "generation_error"  # a local model failed (a prompt it cannot render, past its context)
    TIMEOUT = "timeout"                    # an endpoint did not answer in time
    ENDPOINT_ERROR = "endpoint_error"      # an endpoint failed or answered something unusable
    BACKEND_ERROR = "backend_error"        # a backend yielded no generation for the prompt (a backend bug)
    # Decoding.
    PARSE_ERROR = "parse_error"            # the output could not be decoded into calls
    # Scoring.
    WRONG_COUNT = "wrong_count"            # number of calls differs from the number expected
    WRONG_NAME = "wrong_name"              # another function called, or one the case does not offer
    MISSING_REQUIRED = "missing_required"  # an argument the schema or the expected call requires is absent
    UNEXPECTED_ARG = "unexpected_arg"      # an argument outside the schema or outside the expected call
    TYPE_ERROR = "type_error"              # an argument of the wrong Python type (BFCL's type rules)
    VALUE_ERROR = "value_error"            # an argument whose value is not in the acceptable list
    UNEXPECTED_CALL = "unexpected_call"    # an irrelevance case (no call expected) got a call

    @property
    def stage(self) -> str:
        """Where the case failed: backend, decode or score."""
        if self in _BACKEND_KINDS:
            return "backend"
        return "decode" if self is ErrorKind.PARSE_ERROR else "score"


_BACKEND_KINDS = frozenset({ErrorKind.MISSING_OUTPUT, ErrorKind.GENERATION_ERROR, ErrorKind.TIMEOUT,
                            ErrorKind.ENDPOINT_ERROR, ErrorKind.BACKEND_ERROR})
