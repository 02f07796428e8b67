"""What the Telegram channel remembers, in a small SQLite file: nothing else.

Three tables, and never any message text:

- `user_language`: user id → the language chosen with /language;
- `chat_query`: chat id → the last answered query (the `Answer.query` dict, as JSON), so
  that "and in 2022?" can be a follow-up;
- `button`: short token → query, for the rare button whose query does not fit in Telegram's
  64 bytes of callback data (see callbacks.py).

The rows are also kept in memory, so reading never touches the disk: answering a question
needs no SQLite on the event loop. Writes update memory at once and reach the file through
`writer` (the channel's worker thread; in order, without waiting). `/forget` deletes every
row about the user and the chat. Rows untouched for `RETENTION` are deleted at start-up.
"""

from __future__ import annotations

import functools
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["FOLLOW_UP_WINDOW", "RETENTION", "StateStore", "Writer"]

RETENTION = 30 * 24 * 3600.0
# A question asked more than a day after the previous one is not a follow-up any more.
FOLLOW_UP_WINDOW = 24 * 3600.0
# Runs a write against the file, now or later but in order.
Writer = Callable[[Callable[[], None]], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_language (
    user_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chat_query (
    chat_id INTEGER PRIMARY KEY,
    query TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS button (
    token TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    query TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS button_chat ON button (chat_id);
"""
_TABLES = ("user_language", "chat_query", "button")


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _run_now(write: Callable[[], None]) -> None:
    write()


def _json(query: dict[str, Any]) -> str:
    return json.dumps(query, separators=(",", ":"))


class StateStore:
    """The channel's state: read from memory, written through to SQLite by `writer`."""

    def __init__(self, path: Path | str, writer: Writer = _run_now) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = writer
        # Reads happen on the event loop and writes on the worker thread: one lock for both
        # (re-entrant, so that `batch` can hold it around several writes).
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across application crashes; only an OS crash may lose the last
        # language choice, which the user can simply make again.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._prune_file(time.time())
        self._languages: dict[int, tuple[str, float]] = {
            user_id: (language, updated) for user_id, language, updated
            in self._db.execute("SELECT user_id, language, updated FROM user_language")
        }
        self._queries: dict[int, tuple[dict[str, Any], float]] = {
            chat_id: (json.loads(query), updated) for chat_id, query, updated
            in self._db.execute("SELECT chat_id, query, updated FROM chat_query")
        }
        self._buttons: dict[str, tuple[int, dict[str, Any], float]] = {
            token: (chat_id, json.loads(query), updated) for token, chat_id, query, updated
            in self._db.execute("SELECT token, chat_id, query, updated FROM button")
        }

    def _write(self, sql: str, *params: Any) -> None:
        self._writer(functools.partial(self._execute, sql, params))

    def _execute(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._lock:
            self._db.execute(sql, params)

    def _prune_file(self, now: float) -> None:
        for table in _TABLES:
            self._db.execute(f"DELETE FROM {table} WHERE updated < ?", (now - RETENTION,))

    def _locked_prune_file(self, now: float) -> None:
        with self._lock:
            self._prune_file(now)

    def batch(self, writes: list[Callable[[], None]]) -> None:
        """Apply queued writes in one transaction (the writer's way to save disk syncs)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for write in writes:
                    write()
            finally:
                self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the file (after the writer's pending writes)."""
        with self._lock:
            self._db.close()

    def language(self, user_id: int) -> str | None:
        """Return the language `user_id` chose with /language, if any."""
        found = self._languages.get(user_id)
        return found[0] if found else None

    def set_language(self, user_id: int, language: str) -> None:
        """Remember `user_id`'s language choice."""
        updated = time.time()
        self._languages[user_id] = (language, updated)
        self._write("INSERT OR REPLACE INTO user_language VALUES (?, ?, ?)",
                    user_id, language, updated)

    def last_query(self, chat_id: int, now: float | None = None) -> dict[str, Any] | None:
        """Return the chat's last query, unless it is older than FOLLOW_UP_WINDOW."""
        found = self._queries.get(chat_id)
        if found is None or found[1] < _now(now) - FOLLOW_UP_WINDOW:
            return None
        return dict(found[0])

    def set_last_query(self, chat_id: int, query: dict[str, Any]) -> None:
        """Remember the chat's last answered query (never the question's text)."""
        updated = time.time()
        self._queries[chat_id] = (dict(query), updated)
        self._write("INSERT OR REPLACE INTO chat_query VALUES (?, ?, ?)",
                    chat_id, _json(query), updated)

    def put_button(self, chat_id: int, query: dict[str, Any]) -> str:
        """Keep a query too long for callback data; return its short token."""
        token, updated = secrets.token_urlsafe(9), time.time()
        self._buttons[token] = (chat_id, dict(query), updated)
        self._write("INSERT INTO button VALUES (?, ?, ?, ?)",
                    token, chat_id, _json(query), updated)
        return token

    def button(self, token: str) -> dict[str, Any] | None:
        """Return the query kept under `token`, or None when it is unknown or forgotten."""
        found = self._buttons.get(token)
        return dict(found[1]) if found else None

    def forget(self, user_id: int | None, chat_id: int | None) -> int:
        """Delete everything about `user_id` and `chat_id`; return the number of rows."""
        deleted = 0
        if user_id is not None and self._languages.pop(user_id, None) is not None:
            deleted += 1
        if chat_id is not None:
            deleted += self._queries.pop(chat_id, None) is not None
            tokens = [t for t, (chat, _, _) in self._buttons.items() if chat == chat_id]
            for token in tokens:
                del self._buttons[token]
            deleted += len(tokens)
        if user_id is not None:
            self._write("DELETE FROM user_language WHERE user_id = ?", user_id)
        if chat_id is not None:
            self._write("DELETE FROM chat_query WHERE chat_id = ?", chat_id)
            self._write("DELETE FROM button WHERE chat_id = ?", chat_id)
        return deleted

    def prune(self, now: float | None = None) -> None:
        """Delete rows untouched for longer than RETENTION, from memory and from the file."""
        now = _now(now)
        cutoff = now - RETENTION
        self._languages = {k: v for k, v in self._languages.items() if v[1] >= cutoff}
        self._queries = {k: v for k, v in self._queries.items() if v[1] >= cutoff}
        self._buttons = {k: v for k, v in self._buttons.items() if v[2] >= cutoff}
        self._writer(functools.partial(self._locked_prune_file, now))

    def counts(self) -> dict[str, int]:
        """Return the number of rows per table in the file (for tests and admins; no ids)."""
        with self._lock:
            return {
                table: int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in _TABLES
            }
