"""The one exception the parser raises: output that attempts a call but cannot be read.

Callers score it as `parse_error`; anything else escaping `parse_tool_calls` is a bug.
"""
from __future__ import annotations


class ParseError(ValueError):
    """Model output that clearly attempts a tool call but is malformed or exceeds a bound."""
