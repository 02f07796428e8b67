"""Is the bot alive? A heartbeat file beside the state database, and the check that reads it.

The running bot (bot/telegram/health.py) writes `returnbot-health.json` in the folder of
`RETURNBOT_STATE_PATH`: its process, mode, store, whether the store is loaded, and when it
last had contact with Telegram (a poll answered). It writes "stopped" when it stops.
`returnbot health` (`check`) reads it from any process that shares the folder: healthy
when the last poll is at most `MAX_SILENCE` seconds old and the store is loaded and still
on disk. In webhook mode Telegram only calls when someone writes, so silence proves
nothing: the check asks the webhook server's own `GET /healthz` instead.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "HEARTBEAT_NAME", "MAX_SILENCE", "Beat", "Verdict", "check", "heartbeat_path", "probe",
    "read_beat", "write_beat",
]

HEARTBEAT_NAME = "returnbot-health.json"
MAX_SILENCE = 90.0
_PROBE_TIMEOUT = 5.0


@dataclass(frozen=True)
class Beat:
    """What the running bot says about itself (times are Unix seconds, no user data)."""

    pid: int
    host: str
    mode: str  # polling | webhook
    store: str
    store_loaded: bool
    last_contact: float  # last getUpdates answered by Telegram; 0 before the first
    written: float
    stopped: bool = False
    webhook_port: int | None = None
    webhook_listen: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of a health check: healthy or not, and one line saying why."""

    healthy: bool
    reason: str


def heartbeat_path(state_path: Path) -> Path:
    """Where the bot using `state_path` writes its heartbeat."""
    return state_path.parent / HEARTBEAT_NAME


def write_beat(path: Path, beat: Beat) -> None:
    """Write the heartbeat atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(asdict(beat)), encoding="utf-8")
    tmp.replace(path)


def read_beat(path: Path) -> Beat | None:
    """The last heartbeat, or None if there is none (or it cannot be read)."""
    try:
        return Beat(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def probe(host: str, port: int) -> bool:
    """Whether the webhook server answers `GET /healthz` with 200."""
    try:
        url = f"http://{host}:{port}/healthz"
        with urllib.request.urlopen(url, timeout=_PROBE_TIMEOUT) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _process_gone(beat: Beat) -> bool:
    """Whether the bot's process is gone (only knowable on the same host/container)."""
    if beat.host != socket.gethostname():
        return False
    try:
        os.kill(beat.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user
        return False
    return False


def _local(listen: str | None) -> str:
    """The address to reach a server listening on `listen` from this machine."""
    if not listen or listen in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{listen}]" if ":" in listen else listen


def check(state_path: Path, now: float | None = None,
          webhook_probe: Callable[[str, int], bool] = probe) -> Verdict:
    """Check the bot that uses `state_path`; see the module docstring."""
    now = time.time() if now is None else now
    path = heartbeat_path(state_path)
    beat = read_beat(path)
    if beat is None:
        return Verdict(False, f"not running: no heartbeat at {path}")
    if beat.stopped:
        return Verdict(False, f"not running: the bot stopped {now - beat.written:.0f} s ago")
    if _process_gone(beat):
        return Verdict(False, f"not running: process {beat.pid} is gone")
    if not beat.store_loaded:
        return Verdict(False, f"store not loaded: {beat.store}")
    if not Path(beat.store).exists():
        return Verdict(False, f"store missing: {beat.store}")
    if beat.mode == "webhook" and beat.webhook_port:
        if webhook_probe(_local(beat.webhook_listen), beat.webhook_port):
            return Verdict(True, f"ok: webhook server answers /healthz on port {beat.webhook_port}")
        return Verdict(False, f"webhook server does not answer /healthz on port {beat.webhook_port}")
    if beat.last_contact <= 0:
        return Verdict(False, "no poll answered yet")
    silence = now - beat.last_contact
    if silence > MAX_SILENCE:
        return Verdict(False, f"no poll answered for {silence:.0f} s")
    return Verdict(True, f"ok: polled {silence:.0f} s ago, store loaded ({beat.store})")
