"""Progress of long work where the user can see it: bars on a terminal, plain timestamped lines in a log.

A CI log or `nohup` file gets a line at least every `interval_s` seconds (default 30; the
`HARNESS_PROGRESS_INTERVAL_S` environment variable changes it) while work runs, naming the candidate,
cases done of total, the rate, and during training the step and loss; `-q` silences it. A bar redrawn
with carriage returns would be one unreadable line there, and no output at all looks like a hang.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal, TextIO, TypeVar

Item = TypeVar("Item")
Mode = Literal["bars", "lines", "off"]
DEFAULT_INTERVAL_S = 30.0


@dataclass
class _Task:
    """What a running piece of work last reported; the ticker prints it."""

    label: str
    total: int | None = None
    unit: str = "case"
    done: int = 0
    detail: str = ""
    started: float = field(default_factory=time.monotonic)

    def text(self) -> str:
        parts = [self.label]
        if self.total is not None:
            elapsed = max(time.monotonic() - self.started, 1e-9)
            rate = self.done / elapsed
            parts.append(f"{self.done}/{self.total} {self.unit}s")
            if self.done:
                parts.append(f"{rate:.2f} {self.unit}s/s")
                parts.append(f"eta {_duration((self.total - self.done) / rate)}")
        if self.detail:
            parts.append(self.detail)
        return ": ".join(parts[:2]) + (", " + ", ".join(parts[2:]) if len(parts) > 2 else "")


class Progress:
    """Where progress goes: `bars` (tqdm, a terminal), `lines` (timestamped lines, a log) or `off` (`-q`)."""

    def __init__(self, mode: Mode = "off", interval_s: float = DEFAULT_INTERVAL_S, stream: TextIO | None = None):
        self.mode = mode
        self.interval_s = interval_s
        self.stream = stream if stream is not None else sys.stderr
        self._task: _Task | None = None
        self._lock = threading.Lock()

    @classmethod
    def choose(cls, quiet: bool = False, stream: TextIO | None = None) -> "Progress":
        """Off when quiet; bars on an interactive terminal (not under CI); lines otherwise."""
        stream = stream if stream is not None else sys.stderr
        if quiet:
            return cls("off", stream=stream)
        if stream.isatty() and not os.environ.get("CI"):
            return cls("bars", stream=stream)
        interval = float(os.environ.get("HARNESS_PROGRESS_INTERVAL_S") or DEFAULT_INTERVAL_S)
        return cls("lines", interval_s=interval, stream=stream)

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def __call__(self, text: str) -> None:
        """A Progress is also the plain message function (`Callable[[str], None]`) lower layers take."""
        self.say(text)

    def say(self, text: str) -> None:
        """One message now (a bar stays intact), under the running task's label."""
        with self._lock:
            if self._task is not None:
                text = f"{self._task.label}: {text}"
        if self.mode == "bars":
            from tqdm.auto import tqdm

            tqdm.write(text, file=self.stream)
        elif self.mode == "lines":
            self._line(text)

    def update(self, done: int | None = None, total: int | None = None, detail: str | None = None) -> None:
        """How far the running task is (e.g. the training step and loss); shown by the next line, not at once."""
        with self._lock:
            if self._task is not None:
                for name, value in (("done", done), ("total", total), ("detail", detail)):
                    if value is not None:
                        setattr(self._task, name, value)

    def track(self, items: Iterable[Item], total: int, label: str, unit: str = "case") -> Iterator[Item]:
        """`items`, counted as they are consumed."""
        if self.mode == "off":
            yield from items
            return
        if self.mode == "bars":
            from tqdm.auto import tqdm

            yield from tqdm(items, total=total, desc=label, unit=unit, leave=False, file=self.stream)
            return
        with self.task(label, total, unit) as task:
            for item in items:
                yield item
                with self._lock:
                    task.done += 1

    @contextlib.contextmanager
    def task(self, label: str, total: int | None = None, unit: str = "case") -> Iterator[_Task]:
        """A piece of work: its messages carry its label; in lines mode it is reported when it starts, every
        `interval_s` while it runs, and when it ends."""
        task = _Task(label, total, unit)
        with self._lock:
            outer, self._task = self._task, task
        if self.mode != "lines":
            try:
                yield task
            finally:
                with self._lock:
                    self._task = outer
            return
        self._line(task.text())
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(task, stop), daemon=True, name="harness-progress")
        ticker.start()
        ended = "stopped after"
        try:
            yield task
            ended = "done in"
        finally:
            stop.set()
            ticker.join()
            with self._lock:
                self._task = outer
            self._line(task.text() + f" ({ended} {_duration(time.monotonic() - task.started)})")

    def _tick(self, task: _Task, stop: threading.Event) -> None:
        while not stop.wait(self.interval_s):
            with self._lock:
                text = task.text()
            self._line(text)

    def _line(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        try:
            print(f"[{stamp}] {text}", file=self.stream, flush=True)
        except (OSError, ValueError):  # the log went away (closed pipe or file): progress is not worth a crash
            pass


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
