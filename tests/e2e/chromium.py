"""Headless Chromium over the DevTools protocol (``--remote-debugging-pipe``), standard library only.

Opens a local page in Debian's ``chromium``, records every network request, console message and
uncaught exception while it loads, and takes a full-page PNG screenshot. The pipe transport is
the one Puppeteer and Playwright use: Chromium reads NUL-terminated JSON commands on fd 3 and
writes replies/events on fd 4, so no port, no websocket library and no downloaded browser.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
         # as Puppeteer starts it: a tab of a browser that has been up a while is never throttled as
         # a background one (on a loaded machine its page then waits for the load event)
         "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
         "--disable-renderer-backgrounding", "--disable-ipc-flooding-protection")


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path is not None:
            return path
    return None


@dataclass
class PageLoad:
    url: str
    requests: list[str] = field(default_factory=list)       # every URL the page asked for (incl. itself)
    console: list[dict] = field(default_factory=list)       # Runtime.consoleAPICalled + Log.entryAdded
    exceptions: list[dict] = field(default_factory=list)    # Runtime.exceptionThrown
    title: str = ""
    body_text: str = ""
    screenshot_png: bytes = b""
    layout_width: float = 0.0
    layout_height: float = 0.0
    probe: object = None  # what the ``probe`` expression returned (JSON), when one was given


class _Pipe:
    def __init__(self, write_fd: int, read_fd: int) -> None:
        self.write_fd, self.read_fd = write_fd, read_fd
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        return self.next_id

    def _read_messages(self, timeout_s: float) -> list[dict]:
        ready, _, _ = select.select([self.read_fd], [], [], timeout_s)
        if not ready:
            return []
        chunk = os.read(self.read_fd, 1 << 20)
        if not chunk:
            raise RuntimeError("chromium closed the DevTools pipe")
        self.buffer += chunk
        *complete, self.buffer = self.buffer.split(b"\0")
        return [json.loads(raw) for raw in complete if raw]

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout_s: float = 30) -> dict:
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + timeout_s
        answer: dict | None = None
        while time.monotonic() < deadline:
            # every message read is kept, the ones after the answer too: a local page's load event
            # often arrives in the same read as the answer to Page.navigate
            for message in self._read_messages(0.2):
                if message.get("id") == wanted:
                    answer = message
                else:
                    self.events.append(message)
            if answer is not None:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
        raise TimeoutError(f"chromium did not answer {method} within {timeout_s} s")

    def wait_event(self, method: str, timeout_s: float, session: str | None = None) -> dict | None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for event in self.events:
                if event.get("method") == method and (session is None or event.get("sessionId") == session):
                    return event
            self.events.extend(self._read_messages(0.2))
        return None

    def drain(self, quiet_s: float = 0.5) -> None:
        """Collect events until none arrive for ``quiet_s``."""
        while True:
            messages = self._read_messages(quiet_s)
            if not messages:
                return
            self.events.extend(messages)


def load_page(path: Path, width: int = 1100, height: int = 900, timeout_s: float = 60,
              full_page: bool = False, probe: str | None = None, mobile: bool = False,
              browser: Chromium | None = None) -> PageLoad:
    """Open ``path`` (a local file) in headless Chromium; return what happened and a screenshot
    (of the first ``width`` x ``height`` CSS pixels, or of the whole page with ``full_page``).

    ``probe``: a JavaScript expression evaluated in the loaded page, its value returned (as JSON)
    in :attr:`PageLoad.probe`. ``mobile``: emulate a phone's viewport (``meta viewport`` honoured).
    ``browser``: a running :class:`Chromium` to open the page in (its tab is navigated to the
    page; what is recorded is what this page did); without one, a browser is started for this page
    and closed after it.

    A browser that has not fired the page's load event within ``timeout_s`` is killed and the page
    opened once more in a fresh one, a safety net for a browser stuck on a busy machine. What the
    page does is checked the same on the second try."""
    own = browser is None
    current = Chromium() if browser is None else browser
    try:
        try:
            return current.open(path, width, height, timeout_s, full_page, probe, mobile)
        except TimeoutError:
            current.restart()
            return current.open(path, width, height, timeout_s, full_page, probe, mobile)
    finally:
        if own:
            current.close()


class Chromium:
    """One headless Chromium over the DevTools pipe, for several pages one after the other in one
    tab. Starting the browser is most of the cost of a page: a test module opens its pages in one."""

    def __init__(self) -> None:
        binary = find_chromium()
        if binary is None:
            raise RuntimeError("chromium is not installed: `apt-get update && apt-get install -y chromium` "
                               "(Debian's package; .ci/run installs it in CI)")
        self.binary = binary
        self._start()

    def _start(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="sweatline-chromium-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.log = open(Path(self.profile) / "chromium-stderr.log", "wb")  # a file, not a pipe: chromium is chatty

        def _fds() -> None:  # in the child: the DevTools pipe on fds 3 (in) and 4 (out)
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)  # out of the way first: the pipe
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)  # ends may themselves be fds 3 or 4
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile}", "--window-size=1100,900",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
            preexec_fn=_fds, close_fds=False, start_new_session=True,  # its own group: killed as a whole if stuck
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.pipe = _Pipe(to_child_w, from_child_r)
        self.session: str | None = None

    def open(self, path: Path, width: int = 1100, height: int = 900, timeout_s: float = 60, full_page: bool = False,
             probe: str | None = None, mobile: bool = False) -> PageLoad:
        """Load ``path`` in the browser's tab (the one tab, navigated from page to page: only the
        page's own events are read); see :func:`load_page`."""
        pipe = self.pipe
        url = Path(path).resolve().as_uri()
        result = PageLoad(url=url)
        session = self._session(timeout_s)
        try:
            pipe.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session=session)
            pipe.events.clear()
            pipe.call("Page.navigate", {"url": url}, session=session)
            if pipe.wait_event("Page.loadEventFired", timeout_s, session) is None:
                raise TimeoutError(f"{url} did not finish loading within {timeout_s} s")
            pipe.drain(0.7)
            for event in pipe.events:
                if event.get("sessionId") != session:
                    continue
                method, params = event.get("method"), event.get("params", {})
                if method == "Network.requestWillBeSent":
                    result.requests.append(params["request"]["url"])
                elif method == "Runtime.consoleAPICalled":
                    result.console.append({"level": params.get("type"), "args": params.get("args")})
                elif method == "Log.entryAdded":
                    result.console.append(params.get("entry", {}))
                elif method == "Runtime.exceptionThrown":
                    result.exceptions.append(params.get("exceptionDetails", {}))
            evaluated = pipe.call("Runtime.evaluate", {"expression": "JSON.stringify([document.title, document.body.innerText])",
                                                       "returnByValue": True}, session=session)
            result.title, result.body_text = json.loads(evaluated["result"]["value"])
            if probe is not None:
                probed = pipe.call("Runtime.evaluate", {"expression": f"JSON.stringify({probe})", "returnByValue": True},
                                   session=session)
                if "exceptionDetails" in probed:
                    raise RuntimeError(f"probe failed: {probed['exceptionDetails']}")
                result.probe = json.loads(probed["result"]["value"])
            metrics = pipe.call("Page.getLayoutMetrics", session=session)
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            result.layout_width, result.layout_height = size["width"], size["height"]
            params: dict = {"format": "png", "captureBeyondViewport": full_page}
            if full_page:
                params["clip"] = {"x": 0, "y": 0, "width": width, "height": result.layout_height, "scale": 1}
            shot = pipe.call("Page.captureScreenshot", params, session=session)
            result.screenshot_png = base64.b64decode(shot["data"])
        finally:
            pipe.events.clear()
        return result

    def _session(self, timeout_s: float) -> str:
        """The DevTools session of the browser's one tab (made at the first page)."""
        if self.session is None:
            target = self.pipe.call("Target.createTarget", {"url": "about:blank"}, timeout_s=timeout_s)["targetId"]
            self.session = self.pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.pipe.call(f"{domain}.enable", session=self.session)
        return self.session

    def restart(self) -> None:
        """Kill this browser and start a fresh one (a page that never fired its load event)."""
        self.close()
        self._start()

    def close(self) -> None:
        try:
            self.pipe.send("Browser.close")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the browser and its zygote/renderer children
            self.proc.wait()
        os.close(self.pipe.write_fd)
        os.close(self.pipe.read_fd)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
