"""Headless Chromium as a printer: HTML in, PDF or PNG out (for the posters).

Chromium shapes Arabic, lays out right-to-left text and finds the system's fonts, which is
what the posters need. One browser serves many pages: it is driven over the DevTools
protocol on a pipe (`--remote-debugging-pipe`: commands on fd 3, replies on fd 4, each a
JSON object ended by a NUL byte), so `--all` pays for one start-up, not sixty. No network:
the pages are local files and every background service is switched off.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.errors import ReturnBotError

__all__ = ["A4_PX", "Browser", "BrowserError", "find_chromium"]

# A4 at CSS pixels (96 per inch): 210 × 297 mm.
A4_PX = (794, 1123)
_A4_INCHES = (8.27, 11.69)
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
    "--remote-debugging-pipe",
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


class BrowserError(ReturnBotError):
    """Chromium is missing, did not start, or failed to print a page."""


def find_chromium() -> str:
    """Return the Chromium executable (`RETURNBOT_CHROMIUM`, else the first on PATH)."""
    configured = os.environ.get("RETURNBOT_CHROMIUM")
    found = configured or next((p for c in _CANDIDATES if (p := shutil.which(c))), None)
    if not found:
        raise BrowserError("no Chromium found: install Debian's `chromium` (make setup-system)")
    return found


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    """Move a pipe's ends above fd 4, so that the child can put them on 3 and 4 safely."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved[0], moved[1]


class Browser:
    """One headless Chromium, printing local HTML files; use it as a context manager."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0) -> None:
        self._executable = executable or find_chromium()
        self._timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="returnbot-chromium-")
        self._process: subprocess.Popen[bytes] | None = None
        self._ids = 0
        self._session: str | None = None
        self._buffer = b""

    def __enter__(self) -> Browser:
        commands_read, commands_write = _high(os.pipe())
        replies_read, replies_write = _high(os.pipe())

        def child_fds() -> None:  # Chromium expects the pipe on fds 3 and 4
            os.dup2(commands_read, 3)  # dup2's copies are inherited; the rest closes on exec
            os.dup2(replies_write, 4)

        try:
            self._process = subprocess.Popen(
                [self._executable, *_FLAGS, f"--user-data-dir={self._profile.name}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                close_fds=False, preexec_fn=child_fds,
            )
        except OSError as exc:
            raise BrowserError(f"cannot start {self._executable}: {exc}") from exc
        finally:
            os.close(commands_read)
            os.close(replies_write)
        self._commands = os.fdopen(commands_write, "wb", buffering=0)
        self._replies = os.fdopen(replies_read, "rb", buffering=0)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._process is not None:
            with contextlib.suppress(BrowserError, OSError):  # it may be gone already
                self._call("Browser.close")
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._commands.close()
            self._replies.close()
        self._profile.cleanup()

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._replies.read(1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        found: dict[str, Any] = json.loads(message)
        return found

    def _call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (events in between are skipped)."""
        self._ids += 1
        request: dict[str, Any] = {"id": self._ids, "method": method, "params": params}
        if session:
            request["sessionId"] = session
        self._commands.write(json.dumps(request).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._ids:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def _tab(self) -> str:
        """Return the session of the one tab, sized like an A4 page (opened on first use)."""
        if self._session is None:
            target = self._call("Target.createTarget", url="about:blank")["targetId"]
            self._session = self._call("Target.attachToTarget", targetId=target,
                                       flatten=True)["sessionId"]
            width, height = A4_PX
            self._call("Emulation.setDeviceMetricsOverride", self._session, width=width,
                       height=height, deviceScaleFactor=1, mobile=False)
        return self._session

    def _load(self, html: Path) -> str:
        """Show `html` in the tab once it and its fonts are ready; return the session."""
        session = self._tab()
        self._call("Page.navigate", session, url=html.resolve().as_uri())
        # The page is local (no network): wait for the load event, then for the fonts.
        self._call("Runtime.evaluate", session, awaitPromise=True, expression=(
            "new Promise(r => { const done = () => document.fonts.ready.then(() => r(1));"
            " document.readyState === 'complete' ? done()"
            " : window.addEventListener('load', done); })"))
        return session

    def print(self, html: Path, out: Path, scale: float = 2.0) -> None:
        """Print `html` to `out`: a PDF (A4) or, for a .png name, an A4 picture at `scale`."""
        session = self._load(html)
        if out.suffix.lower() == ".pdf":
            paper_width, paper_height = _A4_INCHES
            data = self._call(
                "Page.printToPDF", session, paperWidth=paper_width, paperHeight=paper_height,
                marginTop=0, marginBottom=0, marginLeft=0, marginRight=0,
                printBackground=True, preferCSSPageSize=True)["data"]
        else:
            width, height = A4_PX
            data = self._call("Page.captureScreenshot", session, format="png",
                              optimizeForSpeed=True, clip={
                                  "x": 0, "y": 0, "width": width, "height": height,
                                  "scale": scale})["data"]
        out.write_bytes(base64.b64decode(data))
