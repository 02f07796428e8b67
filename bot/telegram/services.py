"""The channel's long-lived services: the engine, the state store, and their worker thread.

Both are SQLite, and SQLite stays off the event loop: engine calls run on one dedicated
worker thread, state writes on another (so that a queue of questions never delays a
language choice on its way to the file); state reads come from memory.
Recent answers are reused (the engine is deterministic over a read-only store), so a burst
of the same question costs one engine call. Charts render on a second thread, so a slow
chart never delays other chats' answers. Opened in `post_init`, closed in `post_shutdown`.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
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
# Recent answers kept for reuse (the same question in a burst, inline typing, buttons).
_CACHE_SIZE = 2048
_PNG_CACHE_SIZE = 32  # about 40 kB each
_PRUNE_EVERY = 3600.0
# State writes are batched for this long: a crash loses at most this (plus one write).
_WRITE_DELAY = 0.1
_UNSET: Any = object()


@dataclass
class _Cached:
    """An engine answer and, once built, its keyboard (when it is the same for every chat)."""

    answer: Answer
    markup: InlineKeyboardMarkup | None = _UNSET


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _canonical(query: dict[str, Any] | None) -> str | None:
    return None if query is None else json.dumps(query, sort_keys=True, separators=(",", ":"))


def _log_failure(future: Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("state write failed", exc_info=future.exception())


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
    """Engine + state store, off the event loop; see the module docstring."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._owns_engine = engine is None
        self._state: StateStore | None = None
        self._sources: list[SourceLine] = []
        self._sources_of: object = None  # the engine's store the sources were read with
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="returnbot-store")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="returnbot-state")
        self._charts = ThreadPoolExecutor(1, thread_name_prefix="returnbot-chart")
        self._cache: OrderedDict[tuple[Any, ...], _Cached] = OrderedDict()
        self._pngs: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._next_prune = time.monotonic() + _PRUNE_EVERY
        self._pending: list[Callable[[], None]] = []
        self._flush_timer: asyncio.TimerHandle | None = None

    async def open(self) -> None:
        """Open the engine (unless one was given) and the state store, on the worker."""
        if self._engine is None:
            self._engine = await self.run(Engine, self.settings.db_path)
        self._state = await self._on_writer(
            functools.partial(StateStore, self.settings.state_path, self._write))

    async def close(self) -> None:
        """Write what is pending, close what `open` opened and stop the threads."""
        await self.flush()
        if self._state is not None:
            await self._on_writer(self._state.close)
            self._state = None
        if self._owns_engine and self._engine is not None:
            await self.run(self._engine.close)
            self._engine = None
        self._worker.shutdown(wait=True)
        self._writer.shutdown(wait=True)
        self._charts.shutdown(wait=True)

    async def flush(self) -> None:
        """Wait until every state write queued so far has reached the file."""
        self._submit_pending()
        await self._on_writer(lambda: None)

    async def _on_writer(self, function: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, function)

    def _write(self, write: Callable[[], None]) -> None:
        """Queue a state write; queued writes go to the state thread together, in order.

        Batching saves a thread wake-up and a transaction per answer; a crash loses at most
        the last `_WRITE_DELAY` seconds of language choices and follow-up context.
        """
        self._pending.append(write)
        if self._flush_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on the loop (opening, tests): write at once
                self._submit_pending()
                return
            self._flush_timer = loop.call_later(_WRITE_DELAY, self._submit_pending)

    def _submit_pending(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._pending and self._state is not None:
            writes, self._pending = self._pending, []
            self._writer.submit(self._state.batch, writes).add_done_callback(_log_failure)

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

    def chart_cached(self, chart: ChartData, lang: str) -> bool:
        """Tell whether `chart_png` can answer without drawing."""
        return (chart.model_dump_json(), lang) in self._pngs

    async def chart_png(self, chart: ChartData, lang: str) -> bytes:
        """Render `chart` on the chart thread, numbers formatted for `lang` (cached)."""
        from bot.chart import render_png  # lazily: matplotlib takes a second to import

        key = (chart.model_dump_json(), lang)
        png = self._pngs.get(key)
        if png is None:
            number = formatter(lang).decimal
            call = functools.partial(render_png, chart, number=number)
            png = await asyncio.get_running_loop().run_in_executor(self._charts, call)
            self._pngs[key] = png
            if len(self._pngs) > _PNG_CACHE_SIZE:
                self._pngs.popitem(last=False)
        else:
            self._pngs.move_to_end(key)
        return png

    def ui_language(self, user_id: int | None, client_code: str | None) -> str:
        """Return the interface language: the /language choice, else the client's, else English."""
        saved = self.state.language(user_id) if user_id is not None else None
        return saved or normalize_language(client_code) or DEFAULT_LANGUAGE

    async def ask(
        self, text: str, user_id: int | None, chat_id: int, client_code: str | None
    ) -> Reply:
        """Answer a question in a chat, as a follow-up of the chat's previous one."""
        saved = self.state.language(user_id) if user_id is not None else None
        context = self.state.last_query(chat_id)
        hint = normalize_language(client_code)
        key = ("ask", _digest(text), saved, hint, _canonical(context), date.today())
        cached = self._cache_get(key)
        if cached is None:
            answer = await self.run(
                self.engine.ask, text, lang=saved, hint_lang=hint, context=context)
            cached = self._cache_put(key, answer)
        return self._reply(cached, chat_id)

    async def answer_query(self, query: dict[str, Any], lang: str, chat_id: int | None) -> Reply:
        """Answer a button's query in `lang` (in a chat: it becomes the chat's context)."""
        key = ("query", _canonical(query), lang, date.today())
        cached = self._cache_get(key)
        if cached is None:
            answer = await self.run(self.engine.answer_query, query, lang=lang)
            cached = self._cache_put(key, answer)
        return self._reply(cached, chat_id)

    def _cache_get(self, key: tuple[Any, ...]) -> _Cached | None:
        if self.engine.stale():  # a new store (an import): answers given before may be old
            self._cache.clear()
            return None
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
        return cached

    def _cache_put(self, key: tuple[Any, ...], answer: Answer) -> _Cached:
        # The engine is deterministic and its store read-only, so an answer can be reused;
        # the question's text is neither kept in the key (a digest) nor in the answer.
        cached = _Cached(answer.model_copy(update={"question": ""}))
        self._cache[key] = cached
        if len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return cached

    def _reply(self, cached: _Cached, chat_id: int | None) -> Reply:
        answer = cached.answer
        if chat_id is None:
            return Reply(answer, None)
        if answer.query is not None:
            self.state.set_last_query(chat_id, answer.query)
        if time.monotonic() > self._next_prune:
            self._next_prune = time.monotonic() + _PRUNE_EVERY
            self.state.prune()
        if cached.markup is not _UNSET:
            return Reply(answer, cached.markup)
        tokens: list[str] = []

        def store(query: dict[str, Any]) -> str:
            tokens.append(self.state.put_button(chat_id, query))
            return tokens[-1]

        markup = answer_keyboard(answer.actions, answer.language, store)
        if not tokens:  # a keyboard with tokens belongs to this chat only
            cached.markup = markup
        return Reply(answer, markup)

    async def inline_answers(
        self, text: str, user_id: int, client_code: str | None
    ) -> list[tuple[str, Answer]]:
        """Answer an inline query: (title, answer) pairs; the examples when it is empty."""
        saved = self.state.language(user_id)
        if text.strip():
            hint = normalize_language(client_code)
            key = ("inline", _digest(text), saved, hint, date.today())
            cached = self._cache_get(key)
            if cached is None:
                answer = await self.run(self.engine.ask, text, lang=saved, hint_lang=hint)
                cached = self._cache_put(key, answer)
            return [(cached.answer.text.split("\n", 1)[0], cached.answer)]
        lang = saved or normalize_language(client_code) or DEFAULT_LANGUAGE
        return [
            (gettext(lang, label), (await self.answer_query(query, lang, None)).answer)
            for label, query in EXAMPLES
        ]

    async def definition(self, lang: str) -> Answer:
        """Return the engine's explanation of the two series (for /about)."""
        reply = await self.answer_query({"kind": "definition", "topic": "series"}, lang, None)
        return reply.answer

    async def sources(self) -> list[SourceLine]:
        """The official publications in the store, newest first (read again after a reload)."""
        return await self.run(self._current_sources)

    def _current_sources(self) -> list[SourceLine]:
        self.engine.refresh()
        store = getattr(self.engine, "store", None)
        if store is None or store is not self._sources_of:
            self._sources, self._sources_of = self._read_sources(), store
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
