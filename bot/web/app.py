"""The web application: Datasette over the read-only store, with the question pages in front
and an access log that never records query strings (they carry the questions)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from datasette.app import Datasette
from datasette.utils.asgi import Request, Response

from bot.engine import Engine
from bot.web.metadata import metadata
from bot.web.pages import Page, Pages, accepted_language

__all__ = ["SQL_TIME_LIMIT_MS", "create_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("bot.web.access")

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Arbitrary SQL (--sql) stops after this long, so one query cannot hold a replica.
SQL_TIME_LIMIT_MS = 1000


def create_app(db_path: Path, *, sql: bool = False, state_path: Path | None = None) -> ASGIApp:
    """The ASGI application serving the store at `db_path` (immutable) and the questions;
    `/usage` shows the anonymous usage summary counted in `state_path` (outside the store)."""
    datasette = Datasette(
        immutables=[str(db_path)], metadata=metadata(db_path), template_dir=str(TEMPLATES),
        settings={"default_allow_sql": sql, "sql_time_limit_ms": SQL_TIME_LIMIT_MS})
    pages = Pages(Engine(db_path), db_path.stem)
    return _logged(_QuestionRouter(pages, datasette, _UsagePage(state_path, db_path)))


class _QuestionRouter:
    """Serves /, /ask and /ask.json itself and passes every other request to Datasette."""

    def __init__(self, pages: Pages, datasette: Any, usage: _UsagePage) -> None:
        self.pages = pages
        self.datasette = datasette
        self.datasette_app: ASGIApp = datasette.app()
        self.usage = usage

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path is None or path not in ("/", "/ask", "/ask.json", "/usage"):
            await self.datasette_app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await Response.text("Method not allowed", status=405,
                                headers={"allow": "GET, HEAD"}).asgi_send(send)
            return
        if path == "/usage":
            request = Request(scope, receive)
            lang = accepted_language(request.headers.get("accept-language", ""))
            await self.usage.response(_query(scope).get("lang") or lang).asgi_send(send)
            return
        page = await self._page(path, scope, Request(scope, receive))
        response = await self._response(page)
        await response.asgi_send(send)

    async def _page(self, path: str, scope: Scope, request: Any) -> Page:
        query = _query(scope)
        accept = request.headers.get("accept-language", "")
        if path == "/ask.json":
            return self.pages.ask_json(query)
        if path == "/ask":
            origin = f"{scope.get('scheme', 'http')}://{request.headers.get('host', 'localhost')}"
            return await self.pages.ask(query, accept, origin)
        return self.pages.home(query, accept)

    async def _response(self, page: Page) -> Any:
        if page.json_body is not None:
            return Response(page.json_body, status=page.status,
                            content_type="application/json; charset=utf-8")
        # Datasette's templates need its start-up hooks run (it does so once). No request is
        # passed: our pages use no CSRF token or actor, so they set no cookie.
        await self.datasette.invoke_startup()
        html = await self.datasette.render_template(page.template, page.context)
        return Response.html(html, status=page.status)


class _UsagePage:
    """`/usage`: the last 30 days of anonymous usage counts, the summary admins get in
    Telegram (bot/stats.py): counts under 5 shown as "<5", no text, no ids, days only."""

    def __init__(self, state_path: Path | None, db_path: Path) -> None:
        self.state_path = state_path
        self.db_path = db_path

    def response(self, lang: str) -> Any:
        from bot.i18n import normalize_language
        from bot.stats import summarize, summary_text

        lang = normalize_language(lang) or "en"
        if self.state_path is None:
            return Response.text("Usage counts are not configured (RETURNBOT_STATE_PATH).",
                                 status=404)
        summary = summarize(self.state_path, 30, store_path=self.db_path)
        return Response.text(summary_text(summary, lang))


def _query(scope: Scope) -> dict[str, str]:
    """The query string's parameters, the first value of each (parsed once: Datasette's
    `request.args` parses again on every access)."""
    query: dict[str, str] = {}
    for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                keep_blank_values=True):
        query.setdefault(key, value)
    return query


def _logged(app: ASGIApp) -> ASGIApp:
    """Wrap `app` with an access log of method, path (no query string), status and time."""

    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start, status = time.perf_counter(), 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_status)
        finally:
            # The path only: query strings carry questions, which are never logged.
            # A failure before the response started is answered 500 by the server.
            access_log.info('"%s %s" %s %.1fms', scope["method"], scope["path"], status or 500,
                            (time.perf_counter() - start) * 1000)

    return logged
