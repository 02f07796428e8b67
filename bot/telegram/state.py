"""What the Telegram channel remembers, in a small SQLite file: nothing else.

Three tables, and never any message text:

- `user_language`: user id → the language chosen with /language;
- `chat_query`: chat id → the last answered query (the `Answer.query` dict, as JSON), so
  that "and in 2022?" can be a follow-up;
- `button`: short token → query, for the rare button whose query does not fit in Telegram's
  64 bytes of callback data (see callbacks.py).

`/forget` deletes every row about the user and the chat. Rows untouched for `RETENTION`
are deleted when the store is opened.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["FOLLOW_UP_WINDOW", "RETENTION", "StateStore"]

RETENTION = 30 * 24 * 3600.0
# A question asked more than a day after the previous one is not a follow-up any more.
FOLLOW_UP_WINDOW = 24 * 3600.0

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


class StateStore:
    """The channel's state file; safe to call from any one thread at a time."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # The channel calls the store from one worker thread; the lock makes stray calls
        # from other threads (tests, shutdown) safe too.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across application crashes; only an OS crash may lose the last
        # language choice, which the user can simply make again.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self.prune()

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def prune(self, now: float | None = None) -> None:
        """Delete rows untouched for longer than RETENTION."""
        cutoff = (now or time.time()) - RETENTION
        with self._lock:
            for table in ("user_language", "chat_query", "button"):
                self._db.execute(f"DELETE FROM {table} WHERE updated < ?", (cutoff,))

    def language(self, user_id: int) -> str | None:
        """Return the language `user_id` chose with /language, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT language FROM user_language WHERE user_id = ?", (user_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def set_language(self, user_id: int, language: str) -> None:
        """Remember `user_id`'s language choice."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO user_language VALUES (?, ?, ?)",
                (user_id, language, time.time()),
            )

    def last_query(self, chat_id: int, now: float | None = None) -> dict[str, Any] | None:
        """Return the chat's last query, unless it is older than FOLLOW_UP_WINDOW."""
        with self._lock:
            row = self._db.execute(
                "SELECT query, updated FROM chat_query WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        if not row or row[1] < (now or time.time()) - FOLLOW_UP_WINDOW:
            return None
        query = json.loads(row[0])
        return query if isinstance(query, dict) else None

    def set_last_query(self, chat_id: int, query: dict[str, Any]) -> None:
        """Remember the chat's last answered query (never the question's text)."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO chat_query VALUES (?, ?, ?)",
                (chat_id, json.dumps(query, separators=(",", ":")), time.time()),
            )

    def put_button(self, chat_id: int, query: dict[str, Any]) -> str:
        """Store a query too long for callback data; return its short token."""
        token = secrets.token_urlsafe(9)
        with self._lock:
            self._db.execute(
                "INSERT INTO button VALUES (?, ?, ?, ?)",
                (token, chat_id, json.dumps(query, separators=(",", ":")), time.time()),
            )
        return token

    def button(self, token: str) -> dict[str, Any] | None:
        """Return the query stored under `token`, or None when it is unknown or forgotten."""
        with self._lock:
            row = self._db.execute("SELECT query FROM button WHERE token = ?", (token,)).fetchone()
        if not row:
            return None
        query = json.loads(row[0])
        return query if isinstance(query, dict) else None

    def forget(self, user_id: int | None, chat_id: int | None) -> int:
        """Delete everything about `user_id` and `chat_id`; return the number of rows."""
        deleted = 0
        with self._lock:
            if user_id is not None:
                deleted += self._db.execute(
                    "DELETE FROM user_language WHERE user_id = ?", (user_id,)
                ).rowcount
            if chat_id is not None:
                for table in ("chat_query", "button"):
                    deleted += self._db.execute(
                        f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,)
                    ).rowcount
        return deleted

    def counts(self) -> dict[str, int]:
        """Return the number of rows per table (for tests and admins; no ids)."""
        with self._lock:
            return {
                table: int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("user_language", "chat_query", "button")
            }
