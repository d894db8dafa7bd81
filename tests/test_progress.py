"""Progress: plain timestamped lines in a log (at least every interval while work runs), bars on a terminal,
nothing when quiet; `harness run` in a log prints lines."""
import io
import re
import time

from harness.progress import Progress

LINE = re.compile(r"^\[\d\d:\d\d:\d\d\] ")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_mode_follows_the_stream_and_quiet(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert Progress.choose(quiet=True, stream=Terminal()).mode == "off"
    assert Progress.choose(stream=Terminal()).mode == "bars"
    assert Progress.choose(stream=io.StringIO()).mode == "lines"
    monkeypatch.setenv("CI", "true")
    assert Progress.choose(stream=Terminal()).mode == "lines"
    monkeypatch.setenv("HARNESS_PROGRESS_INTERVAL_S", "2.5")
    assert Progress.choose(stream=io.StringIO()).interval_s == 2.5


def test_lines_name_the_task_count_rate_and_come_while_work_runs():
    log = io.StringIO()
    progress = Progress("lines", interval_s=0.05, stream=log)
    seen = []
    for item in progress.track(iter(range(4)), total=4, label="cand"):
        seen.append(item)
        if item == 1:  # the work on case 2 stalls: the ticker must keep printing meanwhile
            deadline = time.monotonic() + 5
            while log.getvalue().count("cand: 1/4 cases, ") < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
    lines = log.getvalue().splitlines()
    assert seen == [0, 1, 2, 3] and all(LINE.match(line) for line in lines)
    assert lines[0].endswith("] cand: 0/4 cases")
    assert sum(bool(re.search(r"cand: 1/4 cases, [\d.]+ cases/s, eta \d+ s$", line)) for line in lines) >= 2
    assert re.search(r"cand: 4/4 cases, [\d.]+ cases/s, eta 0 s \(done in \d+ s\)$", lines[-1])


def test_training_steps_and_messages_carry_the_task_label():
    log = io.StringIO()
    progress = Progress("lines", interval_s=60, stream=log)
    with progress.task("ft training", unit="step"):
        progress.update(done=3, total=30, detail="loss=1.2000")
        progress("step 3/30 loss=1.2000")
    lines = log.getvalue().splitlines()
    assert lines[0].endswith("] ft training")
    assert lines[1].endswith("] ft training: step 3/30 loss=1.2000")
    assert re.search(r"ft training: 3/30 steps, .* steps/s, eta .*, loss=1.2000 \(done in 0 s\)$", lines[2])


def test_a_task_that_fails_says_it_stopped():
    log = io.StringIO()
    progress = Progress("lines", stream=log)
    try:
        with progress.task("cand", total=2):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert log.getvalue().splitlines()[-1].endswith("(stopped after 0 s)")


def test_quiet_prints_nothing_and_bars_keep_messages():
    quiet = io.StringIO()
    progress = Progress("off", stream=quiet)
    assert list(progress.track(iter(range(3)), 3, "x")) == [0, 1, 2]
    progress("hello")
    assert quiet.getvalue() == ""
    terminal = Terminal()
    bars = Progress("bars", stream=terminal)
    with bars.task("ft training"):
        bars("step 1/2")
    assert "ft training: step 1/2" in terminal.getvalue()
