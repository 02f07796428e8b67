"""Alerts when new figures land: /subscribe, /unsubscribe, /news, and their delivery.

Exactly once, across restarts and downtime, through an outbox in the state file:

1. at start and every `alert_check_seconds`, if the store file changed, the figures that
   answers use are compared with the keys already announced (`alert_known`);
2. new figures make one alert (its text in every language, composed from the store at that
   moment) and, in the same transaction, one outbox row per subscribed chat; the announced
   keys become the store's. The first check ever only records the keys (nothing is "new");
3. a sender delivers the outbox rows, paced by the bot's rate limiter, and deletes each row
   once Telegram confirmed it (batched; flushed when the bot stops). A bot that was down
   while the store changed finds the change at its next start; a bot stopped mid-way goes on
   with the rows left. Only a crash (not a stop) between Telegram's answer and the batched
   delete can repeat a message: at least once, like replies.

Alerts give way to questions: while an update is being handled, the sender waits (at most
`_YIELD_MAX` per message), so a user's answer never queues behind thousands of alerts.
Stored per subscriber: the chat id and the language, nothing else; /forget removes both.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.alerts import NewFigure, compose, figure_keys, new_figures
from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.services import services_of
from bot.telegram.texts import N_, gettext

__all__ = ["AlertService", "AlertStore", "alerts_of", "news", "subscribe", "unsubscribe"]

logger = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
Composer = Callable[[list[NewFigure]], dict[str, str]]
T = TypeVar("T")

_SENDERS = 4  # alerts in flight at once (like the HTTP connections)
_BATCH = 500  # outbox rows read at a time
_FLUSH_EVERY = 0.5  # seconds between writes of delivered rows
_YIELD_STEP, _YIELD_MAX = 0.02, 1.0  # waiting for questions to be answered first

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_subscriber (
    chat_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_known (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS alert_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_message (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    texts TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_outbox (
    alert_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    PRIMARY KEY (alert_id, chat_id)
);
"""

_SUBSCRIBED = N_("Subscribed: when new figures are published, this chat gets one short "
                 "message. /unsubscribe stops it.")
_UNSUBSCRIBED = N_("Unsubscribed: no more messages about new figures.")
_ADMINS_ONLY = N_("Only the bot's staff can subscribe a group to new figures.")
_NEXT = N_("Next alert, not sent yet (%(count)s subscribed chats):")
_NOTHING_NEW = N_("No new figures since the last alert (%(count)s subscribed chats).")
_LAST = N_("The last alert was:")
_PRIVACY = N_("If you /subscribe to new figures: this chat's number and its language, until "
              "you /unsubscribe or /forget.")


@dataclass(frozen=True)
class Pending:
    """One alert still to deliver to one chat."""

    alert_id: int
    chat_id: int
    text: str


class AlertStore:
    """Subscribers, announced figures and the outbox, in the state file (own connection)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def _transaction(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    def subscribe(self, chat_id: int, language: str) -> None:
        """Subscribe a chat (again: with its new language)."""
        self._transaction(lambda db: db.execute(
            "INSERT OR REPLACE INTO alert_subscriber VALUES (?, ?)", (chat_id, language)))

    def unsubscribe(self, chat_id: int) -> bool:
        """Remove a chat's subscription and its undelivered alerts; tell whether it had one."""
        def work(db: sqlite3.Connection) -> bool:
            db.execute("DELETE FROM alert_outbox WHERE chat_id = ?", (chat_id,))
            return db.execute("DELETE FROM alert_subscriber WHERE chat_id = ?",
                              (chat_id,)).rowcount > 0
        return bool(self._transaction(work))

    def subscriber_count(self) -> int:
        """Return the number of subscribed chats."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM alert_subscriber").fetchone()[0])

    def language(self, chat_id: int) -> str | None:
        """Return a subscribed chat's language, or None when it is not subscribed."""
        with self._lock:
            row = self._db.execute("SELECT language FROM alert_subscriber WHERE chat_id = ?",
                                   (chat_id,)).fetchone()
        return str(row[0]) if row else None

    def known(self) -> set[str] | None:
        """Return the announced figure keys, or None before the first check ever."""
        with self._lock:
            if self._db.execute("SELECT 1 FROM alert_meta WHERE name = 'known'").fetchone() is None:
                return None
            return {str(k) for (k,) in self._db.execute("SELECT key FROM alert_known")}

    def record(self, keys: set[str], texts: dict[str, str]) -> int | None:
        """Make `keys` the announced ones and, with `texts`, queue an alert for every
        subscriber, in one transaction; return the alert's id (None without texts)."""
        def work(db: sqlite3.Connection) -> int | None:
            db.execute("DELETE FROM alert_known")
            db.executemany("INSERT INTO alert_known VALUES (?)", ((k,) for k in sorted(keys)))
            db.execute("INSERT OR REPLACE INTO alert_meta VALUES ('known', ?)", (str(len(keys)),))
            if not texts:
                return None
            cursor = db.execute("INSERT INTO alert_message (texts, created) VALUES (?, ?)",
                                (json.dumps(texts, ensure_ascii=False), time.time()))
            alert_id = int(cursor.lastrowid or 0)
            db.execute("INSERT INTO alert_outbox SELECT ?, chat_id FROM alert_subscriber",
                       (alert_id,))
            return alert_id
        result: int | None = self._transaction(work)
        return result

    def pending(self, limit: int = _BATCH) -> list[Pending]:
        """Return undelivered alerts, oldest first, each in its chat's language."""
        with self._lock:
            rows = self._db.execute(
                "SELECT o.alert_id, o.chat_id, coalesce(s.language, 'en'), m.texts"
                " FROM alert_outbox o JOIN alert_message m ON m.id = o.alert_id"
                " LEFT JOIN alert_subscriber s ON s.chat_id = o.chat_id"
                " ORDER BY o.alert_id, o.chat_id LIMIT ?", (limit,)).fetchall()
        found: list[Pending] = []
        for alert_id, chat_id, language, texts in rows:
            by_language = json.loads(texts)
            text = by_language.get(language) or by_language.get("en") or ""
            found.append(Pending(int(alert_id), int(chat_id), str(text)))
        return found

    def delivered(self, done: list[tuple[int, int]]) -> None:
        """Delete delivered (or undeliverable) outbox rows."""
        if done:
            self._transaction(lambda db: db.executemany(
                "DELETE FROM alert_outbox WHERE alert_id = ? AND chat_id = ?", done))

    def last_texts(self) -> dict[str, str] | None:
        """Return the texts of the last alert made, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT texts FROM alert_message ORDER BY id DESC LIMIT 1").fetchone()
        return json.loads(row[0]) if row else None


def _compose_from(db_path: Path) -> Composer:
    """Compose alerts with an engine on the store as it is now (the bot's may reload later)."""
    def composer(new: list[NewFigure]) -> dict[str, str]:
        engine = Engine(db_path)
        try:
            return compose(engine, new)
        finally:
            engine.close()
    return composer


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class AlertService:
    """Checks the store for new figures and delivers alerts; see the module docstring."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: AlertStore | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._wake = asyncio.Event()
        self._launcher: asyncio.Task[None] | None = None
        self._composer = _compose_from(settings.db_path)
        # A thread of its own: composing an alert loads the store (a second or so), and
        # the engine's worker must stay free for questions meanwhile.
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="returnbot-alerts")

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function` on the alerts' thread (SQLite and composing stay off the loop)."""
        call = functools.partial(function, *args)
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    @property
    def store(self) -> AlertStore:
        """The alert store; only valid between `open` and `close`."""
        if self._store is None:
            raise RuntimeError("alerts are not open")
        return self._store

    async def open(self, app: Any) -> None:
        """Open the store; start checking and sending once the application runs."""
        self._store = await self.run(AlertStore, self.settings.state_path)
        self._launcher = asyncio.create_task(self._launch(app))

    async def close(self) -> None:
        """Stop the launcher (the loop itself ends with the application) and close."""
        if self._launcher is not None and not self._launcher.done():
            self._launcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._launcher
        if self._store is not None:
            await self.run(self._store.close)
            self._store = None
        self._worker.shutdown(wait=True)

    async def _launch(self, app: Any) -> None:
        # Application.stop() waits for tasks made with create_task, which may only be made
        # while it runs: so the loop finishes its sends before the bot shuts down.
        while not app.running:
            await asyncio.sleep(0.05)
        app.create_task(self._loop(app), name="returnbot-alerts")

    async def _loop(self, app: Any) -> None:
        while app.running:
            try:
                await self.check()
                await self._send_pending(app)
            except Exception:  # the next round tries again; answers go on meanwhile
                logger.exception("alert round failed")
            self._wake.clear()
            deadline = time.monotonic() + self.settings.alert_check_seconds
            while app.running and not self._wake.is_set() and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 0.2)

    def wake(self) -> None:
        """Check and send now instead of at the next interval."""
        self._wake.set()

    async def check(self) -> int | None:
        """Queue an alert if the store gained figures since the last one; return its id."""
        stamp = _file_stamp(self.settings.db_path)
        if stamp is None or stamp == self._stamp:
            return None
        alert_id = await self.run(self._check_store)
        self._stamp = stamp
        if alert_id is not None:
            logger.info("new figures: alert %d queued for %d chats", alert_id,
                        await self.run(self.store.subscriber_count))
        return alert_id

    def _check_store(self) -> int | None:
        current = figure_keys(self.settings.db_path)
        known = self.store.known()
        if known is None:  # the first check ever: today's figures are not news
            return self.store.record(set(current), {})
        new = new_figures(current, known)
        if not new:
            if set(current) != known:  # figures withdrawn: forget them, say nothing
                self.store.record(set(current), {})
            return None
        return self.store.record(set(current), self._composer(new))

    async def preview(self, lang: str) -> str:
        """Return what /news shows: the next alert, or that there is nothing new."""
        def work() -> tuple[dict[str, str] | None, dict[str, str] | None, int]:
            known = self.store.known() or set()
            new = new_figures(figure_keys(self.settings.db_path), known)
            return (self._composer(new) if new else None, self.store.last_texts(),
                    self.store.subscriber_count())

        upcoming, last, count = await self.run(work)
        if upcoming:
            return gettext(lang, _NEXT, count=count) + "\n\n" + upcoming[lang]
        text = gettext(lang, _NOTHING_NEW, count=count)
        if last:
            text += "\n\n" + gettext(lang, _LAST) + "\n\n" + last.get(lang, last.get("en", ""))
        return text

    async def _send_pending(self, app: Any) -> None:
        while app.running:
            batch = await self.run(self.store.pending)
            if not batch:
                return
            done: list[tuple[int, int]] = []
            queue: asyncio.Queue[Pending] = asyncio.Queue()
            for item in batch:
                queue.put_nowait(item)
            flusher = asyncio.create_task(self._flush_every(done))
            try:
                await asyncio.gather(*(self._sender(app, queue, done) for _ in range(_SENDERS)))
            finally:
                flusher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await flusher
                await self._flush(done)

    async def _flush_every(self, done: list[tuple[int, int]]) -> None:
        while True:
            await asyncio.sleep(_FLUSH_EVERY)
            await self._flush(done)

    async def _flush(self, done: list[tuple[int, int]]) -> None:
        if done:
            rows = done[:]
            del done[:len(rows)]
            await self.run(self.store.delivered, rows)

    async def _sender(self, app: Any, queue: asyncio.Queue[Pending],
                      done: list[tuple[int, int]]) -> None:
        while app.running and not queue.empty():
            item = queue.get_nowait()
            await self._give_way(app)
            try:
                await app.bot.send_message(item.chat_id, item.text)
            except (Forbidden, BadRequest) as exc:  # blocked, left, deleted: stop writing
                logger.info("alert %d not deliverable (%s): unsubscribing the chat",
                            item.alert_id, type(exc).__name__)
                await self.run(self.store.unsubscribe, item.chat_id)
            except TelegramError as exc:  # retried by the rate limiter until its deadline
                logger.warning("alert %d not delivered yet: %s", item.alert_id, exc)
                continue
            done.append((item.alert_id, item.chat_id))

    async def _give_way(self, app: Any) -> None:
        """Wait while users' updates are being handled (bounded, so alerts still go out)."""
        waited = 0.0
        while app.update_processor.current_concurrent_updates and waited < _YIELD_MAX:
            await asyncio.sleep(_YIELD_STEP)
            waited += _YIELD_STEP


def alerts_of(bot_data: dict[Any, Any]) -> AlertService:
    """Return the AlertService that build_application put in the Application's bot_data."""
    found = bot_data.get("alerts")
    if not isinstance(found, AlertService):
        raise RuntimeError("the application was not built by build_application")
    return found


def privacy_note(lang: str) -> str:
    """Return the /privacy line about subscriptions."""
    return gettext(lang, _PRIVACY)


def _target(update: Update, context: Context) -> tuple[int, str, bool] | None:
    """Return (chat id, language, allowed) for /subscribe and /unsubscribe."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    svc = services_of(context.bot_data)
    lang = svc.ui_language(user.id, user.language_code)
    allowed = chat.type == ChatType.PRIVATE or user.id in svc.settings.admin_ids
    return chat.id, lang, allowed


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def _allowed_target(update: Update, context: Context) -> tuple[int, str] | None:
    """The chat and language a /subscribe or /unsubscribe is for, or None (a group asked by
    someone who is not staff is told so)."""
    target = _target(update, context)
    if target is None:
        return None
    chat_id, lang, allowed = target
    if not allowed:
        await _reply(update, gettext(lang, _ADMINS_ONLY))
        return None
    return chat_id, lang


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe a private chat (or, for staff, a group) to alerts about new figures."""
    target = await _allowed_target(update, context)
    if target is None:
        return
    chat_id, lang = target
    alerts = alerts_of(context.bot_data)
    await alerts.run(alerts.store.subscribe, chat_id, lang)
    await _reply(update, gettext(lang, _SUBSCRIBED))


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop alerts for a private chat (or, for staff, a group)."""
    target = await _allowed_target(update, context)
    if target is None:
        return
    chat_id, lang = target
    await forget_chat(context, chat_id)
    await _reply(update, gettext(lang, _UNSUBSCRIBED))


async def forget_chat(context: Context, chat_id: int) -> None:
    """Remove a chat's subscription (for /unsubscribe and /forget)."""
    alerts = alerts_of(context.bot_data)
    await alerts.run(alerts.store.unsubscribe, chat_id)


async def news(update: Update, context: Context) -> None:
    """Show staff the next alert (or the last one, when nothing is new)."""
    user = update.effective_user
    svc = services_of(context.bot_data)
    lang = svc.ui_language(user.id if user else None, user.language_code if user else None)
    await _reply(update, await alerts_of(context.bot_data).preview(lang))
