"""A small DevTools-protocol client for the browser tests: headless Chromium started on a free port, one page
driven over a websocket (`Runtime.evaluate` to click, type and read the DOM; `Page.captureScreenshot` for a PNG).

Only what the report tests need; `websocket-client` is the one dependency (the `test` extra).
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

# Flags that keep a headless run offline, quiet and independent of any profile on the machine.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


def chromium_or_skip() -> str:
    """The chromium binary; skipped where it is absent, except under CI (CI set), where the browser tests must run."""
    found = os.environ.get("HARNESS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "chromium not installed (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run the browser test")
    pytest.skip(message)


class PageError(AssertionError):
    """A script in the page threw, or the protocol answered an error: the test fails with the page's message."""


class Browser:
    """One headless Chromium and one page in it, attached through a flat session on the browser's websocket.

    Commands are synchronous: `send` waits for its answer and keeps the events that arrived meanwhile in
    `events` (e.g. `Network.requestWillBeSent`, which the tests read to prove no external request is made).
    """

    def __init__(self, binary: str, profile: Path, width: int = 1400, height: int = 900, timeout: float = 60):
        import websocket  # the test extra; imported here so collecting the tests needs no browser stack

        self.timeout = timeout
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            self.socket = websocket.create_connection(self._endpoint(), timeout=timeout, suppress_origin=True)
        except BaseException:
            self.close()
            raise
        self.events: list[dict] = []
        self._next_id = 0
        self.session = None
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")
        self.resize(width, height)

    def _endpoint(self) -> str:
        """The browser's websocket address, from the line Chromium prints on stderr once it listens. A thread keeps
        reading stderr afterwards, so a chatty browser never blocks on a full pipe."""
        found = threading.Event()
        self.log: list[str] = []

        def read() -> None:
            for line in self.process.stderr:
                self.log.append(line)
                if not found.is_set() and _LISTENING.search(line):
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(self.timeout):
            raise RuntimeError("chromium printed no DevTools address:\n" + "".join(self.log)[-2000:])
        return next(_LISTENING.search(line).group(1) for line in self.log if _LISTENING.search(line))

    def send(self, method: str, **params) -> dict:
        """Send one command (to the page session once attached) and return its result."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session is not None:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise PageError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def resize(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def evaluate(self, expression: str):
        """The value of a JS expression (promises awaited); a thrown error fails the test with its message."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise PageError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def open(self, url: str, ready: str = "document.readyState === 'complete'", timeout: float | None = None) -> float:
        """Navigate to `url` (about:blank first, so a URL differing only in its hash is a fresh load) and wait
        until the JS expression `ready` is true; returns the seconds it took."""
        self.send("Page.navigate", url="about:blank")
        started = time.monotonic()
        self.send("Page.navigate", url=url)
        self.wait_for(ready, timeout)
        return time.monotonic() - started

    def wait_for(self, expression: str, timeout: float | None = None) -> None:
        """Poll until `expression` is true. An error meanwhile (the page still loading, its elements not there yet)
        counts as not yet; at the deadline the last one is reported."""
        deadline = time.monotonic() + (timeout or self.timeout)
        last_error = None
        while True:
            try:
                if self.evaluate(f"Boolean({expression})"):
                    return
            except PageError as error:
                last_error = error
            if time.monotonic() > deadline:
                raise TimeoutError(f"page never satisfied: {expression}" + (f" ({last_error})" if last_error else ""))
            time.sleep(0.05)

    def screenshot(self) -> bytes:
        """The viewport as PNG bytes."""
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def requested_urls(self) -> list[str]:
        return [event["params"]["request"]["url"] for event in self.events
                if event.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
