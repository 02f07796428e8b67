"""The running bot's side of `returnbot health`: the heartbeat, and `GET /healthz` for webhooks.

- `PollRequest` is the getUpdates request: it notes when Telegram last answered a poll.
- `Heartbeat` (started in post_init, stopped in post_shutdown) writes that, the mode and
  whether the store is loaded into the heartbeat file (bot/health.py) every few seconds,
  off the event loop; a blocked loop stops the beats, so the check fails.
- In webhook mode it adds `GET /healthz` to PTB's own webhook server (tornado): 200 when
  the store is loaded and on disk, else 503. PTB has no public way to add a route, so it
  reaches the tornado Application through the Updater's server (`_httpd`, private); if a
  PTB version moves it, the bot logs a warning and runs without /healthz (a test notices).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

import tornado.web
from telegram.request import HTTPXRequest, RequestData

from bot.health import Beat, heartbeat_path, write_beat
from bot.settings import Settings

__all__ = ["BEAT_SECONDS", "Heartbeat", "PollRequest", "heartbeat_of"]

logger = logging.getLogger(__name__)
# How often the heartbeat file is rewritten while polls keep being answered.
BEAT_SECONDS = 5.0
_TICK = 0.5


class PollRequest(HTTPXRequest):
    """HTTPXRequest for getUpdates that remembers when Telegram last answered it."""

    __slots__ = ("last_ok",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_ok = 0.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send the request; note the time when Telegram answered 200."""
        status, body = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout,
            pool_timeout)
        if status == 200:
            self.last_ok = time.time()
        return status, body


class _Healthz(tornado.web.RequestHandler):
    """GET /healthz on the webhook server: 200 when the store is loaded, else 503."""

    def initialize(self, heartbeat: Heartbeat) -> None:
        self.heartbeat = heartbeat

    def get(self) -> None:
        ok = self.heartbeat.store_ready()
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("ok\n" if ok else "store not loaded\n")


class Heartbeat:
    """Writes the heartbeat file while the bot runs; see the module docstring."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = heartbeat_path(settings.state_path)
        self.mode = "webhook" if settings.webhook_url else "polling"
        self.poll_request: PollRequest | None = None
        self.store_loaded = False
        self._task: asyncio.Task[None] | None = None
        self._written_contact = -1.0
        self._written_at = 0.0
        self._healthz = False

    def make_poll_request(self, **kwargs: Any) -> PollRequest:
        """The getUpdates request for the ApplicationBuilder (it feeds the heartbeat)."""
        self.poll_request = PollRequest(**kwargs)
        return self.poll_request

    def store_ready(self) -> bool:
        """Whether the engine's store is loaded and its file still there."""
        return self.store_loaded and Path(self.settings.db_path).exists()

    def _beat(self, stopped: bool = False) -> Beat:
        return Beat(
            pid=os.getpid(), host=socket.gethostname(), mode=self.mode,
            store=str(Path(self.settings.db_path).resolve()), store_loaded=self.store_loaded,
            last_contact=self.poll_request.last_ok if self.poll_request else 0.0,
            written=time.time(), stopped=stopped,
            webhook_port=self.settings.webhook_port if self.mode == "webhook" else None,
            webhook_listen=self.settings.webhook_listen if self.mode == "webhook" else None)

    async def start(self, app: Any, store_loaded: bool) -> None:
        """Start beating (post_init: the store is open by now)."""
        self.store_loaded = store_loaded
        try:
            await self._write(self._beat())
        except OSError as exc:  # the bot can answer without it; the check will say so
            logger.warning("could not write the heartbeat: %s", exc)
        self._task = asyncio.get_running_loop().create_task(self._run(app))

    async def stop(self) -> None:
        """Stop beating and say so in the file (post_shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self._write(self._beat(stopped=True))
        except OSError as exc:
            logger.warning("could not write the heartbeat: %s", exc)

    async def _run(self, app: Any) -> None:
        while True:
            await asyncio.sleep(_TICK)
            if self.mode == "webhook" and not self._healthz:
                self._healthz = self._serve_healthz(app)
            contact = self.poll_request.last_ok if self.poll_request else 0.0
            due = time.time() - self._written_at >= BEAT_SECONDS
            if contact != self._written_contact and (due or self._written_contact <= 0):
                try:
                    await self._write(self._beat())
                except OSError as exc:
                    logger.warning("could not write the heartbeat: %s", exc)

    async def _write(self, beat: Beat) -> None:
        await asyncio.get_running_loop().run_in_executor(None, write_beat, self.path, beat)
        self._written_contact, self._written_at = beat.last_contact, beat.written

    def _serve_healthz(self, app: Any) -> bool:
        """Add GET /healthz to the running webhook server; False while it is not up yet."""
        server = getattr(app.updater, "_httpd", None)  # PTB's WebhookServer (private)
        if server is None or not getattr(server, "is_running", False):
            return False
        webhook_app = getattr(getattr(server, "_http_server", None), "request_callback", None)
        if not isinstance(webhook_app, tornado.web.Application):
            logger.warning("this PTB version hides its webhook server: no GET /healthz")
            return True
        webhook_app.add_handlers(r".*", [(r"/healthz", _Healthz, {"heartbeat": self})])
        return True


def heartbeat_of(bot_data: Any) -> Heartbeat | None:
    """The Heartbeat build_application put in bot_data, if any."""
    found = bot_data.get("heartbeat")
    return found if isinstance(found, Heartbeat) else None
