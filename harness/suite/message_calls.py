"""Calls inside chat messages, as suites, example banks, training data and strategies write them.

A call may be OpenAI-shaped (`{"id", "type": "function", "function": {"name", "arguments"}}`) or bare
(`{"name", "arguments"}`), and its arguments a dict or the JSON string the chat-completions API sends. Every
reader and writer of such calls goes through these three functions, so they all accept the same shapes.
"""
from __future__ import annotations

import json
from typing import Any, Mapping


def call_function(call: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `{name, arguments}` part of a call in either shape."""
    function = call.get("function")
    return function if isinstance(function, Mapping) else call


def decoded_arguments(arguments: Any) -> Any:
    """Arguments as data: a JSON string decoded; anything else, or a string that is not JSON, as written (the
    caller decides whether that is an error)."""
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except json.JSONDecodeError:
            return arguments
    return arguments


def encoded_arguments(arguments: Any) -> str:
    """Arguments as the JSON string the chat-completions API wants (a string is taken as already encoded)."""
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
