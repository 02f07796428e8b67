"""The channel's long-lived services: the engine, the state store, and their worker thread.

Both are SQLite, and SQLite stays off the event loop: every call runs on one dedicated
worker thread (which also serialises them, so neither connection is ever shared between
threads at the same moment). Charts render on a second thread, so a slow chart never
delays other chats' answers. Opened in `post_init`, closed in `post_shutdown`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup

from bot.answer import Answer, ChartData
from bot.engine import Engine
from bot.i18n import DEFAULT_LANGUAGE, formatter, normalize_language
from bot.settings import Settings
from bot.telegram.keyboards import answer_keyboard
from bot.telegram.state import StateStore
from bot.telegram.texts import EXAMPLES, gettext

__all__ = ["Reply", "Services", "SourceLine", "services_of"]

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Reply:
    """An engine answer and the buttons for its next steps."""

    answer: Answer
    markup: InlineKeyboardMarkup | None


@dataclass(frozen=True)
class SourceLine:
    """One publication listed by /sources."""

    publisher: str
    title: str
    url: str
    published: str


class Services:
    """Engine + state store, run on a worker thread; see the module docstring."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._owns_engine = engine is None
        self._state: StateStore | None = None
        self._sources: list[SourceLine] = []
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="returnbot-store")
        self._charts = ThreadPoolExecutor(1, thread_name_prefix="returnbot-chart")

    async def open(self) -> None:
        """Open the engine (unless one was given) and the state store, on the worker."""
        if self._engine is None:
            self._engine = await self.run(Engine, self.settings.db_path)
        self._state = await self.run(StateStore, self.settings.state_path)
        self._sources = await self.run(self._read_sources)

    async def close(self) -> None:
        """Close what `open` opened and stop the threads."""
        if self._state is not None:
            await self.run(self._state.close)
            self._state = None
        if self._owns_engine and self._engine is not None:
            await self.run(self._engine.close)
            self._engine = None
        self._worker.shutdown(wait=True)
        self._charts.shutdown(wait=True)

    @property
    def engine(self) -> Engine:
        """The engine; only valid between `open` and `close`."""
        if self._engine is None:
            raise RuntimeError("services are not open")
        return self._engine

    @property
    def state(self) -> StateStore:
        """The state store; only valid between `open` and `close`."""
        if self._state is None:
            raise RuntimeError("services are not open")
        return self._state

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `function` on the worker thread."""
        call = functools.partial(function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    async def chart_png(self, chart: ChartData, lang: str) -> bytes:
        """Render `chart` on the chart thread, numbers formatted for `lang`."""
        from bot.chart import render_png  # lazily: matplotlib takes a second to import

        number = formatter(lang).decimal
        call = functools.partial(render_png, chart, number=number)
        return await asyncio.get_running_loop().run_in_executor(self._charts, call)

    # Everything below runs on the worker thread (through `run`).

    def ui_language(self, user_id: int | None, client_code: str | None) -> str:
        """Return the interface language: the /language choice, else the client's, else English."""
        saved = self.state.language(user_id) if user_id is not None else None
        return saved or normalize_language(client_code) or DEFAULT_LANGUAGE

    def ask(self, text: str, user_id: int | None, chat_id: int, client_code: str | None) -> Reply:
        """Answer a question in a chat, as a follow-up of the chat's previous one."""
        saved = self.state.language(user_id) if user_id is not None else None
        answer = self.engine.ask(
            text, lang=saved, hint_lang=normalize_language(client_code),
            context=self.state.last_query(chat_id),
        )
        return self._reply(answer, chat_id)

    def answer_query(self, query: dict[str, Any], lang: str, chat_id: int) -> Reply:
        """Answer a button's query in `lang`."""
        return self._reply(self.engine.answer_query(query, lang=lang), chat_id)

    def _reply(self, answer: Answer, chat_id: int) -> Reply:
        if answer.query is not None:
            self.state.set_last_query(chat_id, answer.query)
        store = functools.partial(self.state.put_button, chat_id)
        return Reply(answer, answer_keyboard(answer.actions, answer.language, store))

    def inline_answers(
        self, text: str, user_id: int, client_code: str | None
    ) -> list[tuple[str, Answer]]:
        """Answer an inline query: (title, answer) pairs; the examples when it is empty."""
        saved = self.state.language(user_id)
        if text.strip():
            answer = self.engine.ask(text, lang=saved, hint_lang=normalize_language(client_code))
            return [(answer.text.split("\n", 1)[0], answer)]
        lang = saved or normalize_language(client_code) or DEFAULT_LANGUAGE
        return [
            (gettext(lang, label), self.engine.answer_query(query, lang=lang))
            for label, query in EXAMPLES
        ]

    def button_query(self, token: str) -> dict[str, Any] | None:
        """Return the query kept for a long button, or None if unknown or forgotten."""
        return self.state.button(token)

    def set_language(self, user_id: int, lang: str) -> None:
        """Remember a /language choice."""
        self.state.set_language(user_id, lang)

    def forget(self, user_id: int | None, chat_id: int | None) -> int:
        """Delete everything stored about the user and the chat."""
        return self.state.forget(user_id, chat_id)

    def definition(self, lang: str) -> Answer:
        """Return the engine's explanation of the two series (for /about)."""
        return self.engine.answer_query({"kind": "definition", "topic": "series"}, lang=lang)

    @property
    def sources(self) -> list[SourceLine]:
        """The official publications in the store, newest first (read at start-up)."""
        return self._sources

    def _read_sources(self, limit: int = 15) -> list[SourceLine]:
        """List the store's official publications; empty if the store cannot tell."""
        try:
            db = sqlite3.connect(f"file:{self.settings.db_path}?mode=ro", uri=True)
            try:
                rows = db.execute(
                    "SELECT publisher, title, url, coalesce(published, '') FROM publications"
                    " WHERE reliability = 'official' ORDER BY published DESC LIMIT ?",
                    (limit,),
                ).fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            logger.warning("cannot list publications for /sources: %s", exc)
            return []
        return [SourceLine(*map(str, row)) for row in rows]


def services_of(bot_data: Mapping[Any, Any]) -> Services:
    """Return the Services that build_application put in the Application's bot_data."""
    found = bot_data.get("services")
    if not isinstance(found, Services):
        raise RuntimeError("the application was not built by build_application")
    return found
