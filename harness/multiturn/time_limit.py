"""A time limit on each tool call: a simulator method that never returns becomes that call's tool error, as a
real API's timeout would, and the conversation (and the run) goes on.

Python cannot stop a running function from another thread, so the limit is a POSIX interval timer whose SIGALRM
handler raises inside the method. That needs the main thread of a platform with SIGALRM (not Windows); anywhere
else calls run without a limit. A timer already armed around the call (pytest-timeout's, a caller's own) is
left in charge when it would fire first, and otherwise re-armed afterwards with what remains of it.
"""
from __future__ import annotations

import signal
import threading
import time
from typing import Any, Callable, Mapping, TypeVar

from harness.multiturn.case import CaseEnvironments, MultiTurnCase
from harness.multiturn.environment import EnvironmentFactory, ToolEnvironment, ToolResult

T = TypeVar("T")


class CallTimedOut(BaseException):
    """Raised inside a tool method past its limit. A BaseException, as KeyboardInterrupt is, so a simulator's
    own `except Exception` around a loop cannot swallow it and go on looping."""


def can_limit_time() -> bool:
    """Whether `call_with_time_limit` can enforce its limit here."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call_with_time_limit(function: Callable[[], T], seconds: float | None) -> T:
    """`function()`, raising `CallTimedOut` in it once it has run `seconds` (None: no limit)."""
    if seconds is None or not can_limit_time():
        return function()
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay <= seconds:  # the outer timer fires first: it is the limit
        return function()
    armed = True

    def on_alarm(signum: int, frame: Any) -> None:
        if armed:
            raise CallTimedOut(seconds)

    started = time.monotonic()
    outer_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function()
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_delay:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), outer_interval)


class TimeLimitedEnvironment:
    """A `ToolEnvironment` whose every call runs under a time limit; everything else is the wrapped one's."""

    def __init__(self, environment: ToolEnvironment, seconds: float) -> None:
        self._environment = environment
        self.seconds = seconds

    @property
    def tool_names(self) -> tuple[str, ...]:
        return self._environment.tool_names

    def execute(self, name: str, arguments: Mapping[str, Any]) -> ToolResult:
        try:
            return call_with_time_limit(lambda: self._environment.execute(name, arguments), self.seconds)
        except CallTimedOut:
            return ToolResult.failure(f"{name} did not return within {self.seconds:g} s")

    def state(self, *, copy: bool = True) -> dict[str, dict[str, Any]]:
        return self._environment.state(copy=copy)

    def fingerprint(self, name: str) -> bytes | None:
        return self._environment.fingerprint(name)


def time_limited(environments: CaseEnvironments, seconds: float) -> CaseEnvironments:
    """`environments` whose environments time-limit every call: the loop's and the checker's replays alike, so a
    call that hung in the conversation is the same tool error when it is scored."""

    def make(case: MultiTurnCase) -> EnvironmentFactory:
        fresh = environments(case)
        return lambda: TimeLimitedEnvironment(fresh(), seconds)

    return make


__all__ = ["CallTimedOut", "TimeLimitedEnvironment", "call_with_time_limit", "can_limit_time", "time_limited"]
