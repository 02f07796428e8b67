"""What the Telegram channel remembers, in a small SQLite file: nothing else.

Three tables, and never any message text:

- `user_language`: user id → the language chosen with /language;
- `chat_query`: chat id → the last answered query (the `Answer.query` dict, as JSON), so
  that "and in 2022?" can be a follow-up;
- `button`: short token → query, for the rare button whose query does not fit in Telegram's
  64 bytes of callback data (see callbacks.py).

The rows are also kept in memory, so reading never touches the disk: answering a question
needs no SQLite on the event loop. Writes update memory at once and reach the file through
`writer` (the channel's state thread; in order, without waiting). `/forget` deletes every
row about the user and the chat. Rows untouched for `RETENTION` are deleted at start-up.

A state file that cannot be read (truncated, garbage, another program's) is moved aside as
`<name>.corrupt-<time>`, logged, and a new one started: the bot must start, and losing
language choices is better than not answering. A file deleted (or replaced) while the bot
runs is noticed at the next write and written again from memory.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["FOLLOW_UP_WINDOW", "RETENTION", "StateStore", "Writer"]

logger = logging.getLogger(__name__)

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
_NOT_CORRUPT = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_PERM",
                "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_AUTH")


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _run_now(write: Callable[[], None]) -> None:
    write()


def _json(query: dict[str, Any]) -> str:
    return json.dumps(query, separators=(",", ":"))


def _query(text: str) -> dict[str, Any]:
    query = json.loads(text)
    if not isinstance(query, dict):
        raise ValueError("a stored query is not a JSON object")
    return query


class StateStore:
    """The channel's state: read from memory, written through to SQLite by `writer`."""

    def __init__(self, path: Path | str, writer: Writer = _run_now) -> None:
        self._path = None if str(path) == ":memory:" else Path(path)
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = writer
        # Reads happen on the event loop and writes on the state thread: one lock for both
        # (re-entrant, so that `batch` can hold it around several writes).
        self._lock = threading.RLock()
        try:
            self._db, self._inode = self._connect()
            self._load()
        except (sqlite3.DatabaseError, ValueError, TypeError) as exc:
            # Not a database, malformed, another schema, rows that are not ours. But a file
            # that is busy or cannot be opened is not corrupt: that is for the operator.
            if getattr(exc, "sqlite_errorname", "").startswith(_NOT_CORRUPT):
                raise
            self._set_aside(exc)
            self._db, self._inode = self._connect()
            self._load()

    def _connect(self) -> tuple[sqlite3.Connection, int | None]:
        db = sqlite3.connect(str(self._path or ":memory:"), check_same_thread=False,
                             isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across application crashes; only an OS crash may lose the
            # last language choice, which the user can simply make again.
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            problem = db.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {problem}")
        except BaseException:
            db.close()
            raise
        return db, self._file_inode()

    def _file_inode(self) -> int | None:
        try:
            return os.stat(self._path).st_ino if self._path is not None else None
        except OSError:
            return None

    def _load(self) -> None:
        self._prune_file(time.time())
        self._languages: dict[int, tuple[str, float]] = {
            int(user_id): (str(language), float(updated)) for user_id, language, updated
            in self._db.execute("SELECT user_id, language, updated FROM user_language")
        }
        self._queries: dict[int, tuple[dict[str, Any], float]] = {
            int(chat_id): (_query(query), float(updated)) for chat_id, query, updated
            in self._db.execute("SELECT chat_id, query, updated FROM chat_query")
        }
        self._buttons: dict[str, tuple[int, dict[str, Any], float]] = {
            str(token): (int(chat_id), _query(query), float(updated))
            for token, chat_id, query, updated
            in self._db.execute("SELECT token, chat_id, query, updated FROM button")
        }

    def _set_aside(self, exc: BaseException) -> None:
        """Move an unreadable state file (and its WAL files) aside, and log where."""
        assert self._path is not None  # an in-memory database cannot be corrupt
        aside = self._path.with_name(f"{self._path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self._path}{suffix}")
            if source.exists():
                os.replace(source, f"{aside}{suffix}")
        logger.error("state file %s cannot be read (%s); moved it to %s and started a new one",
                     self._path, exc, aside)

    def _reopen_if_gone(self) -> None:
        """Write the state again from memory if its file was deleted or replaced."""
        if self._path is None or self._file_inode() == self._inode:
            return
        logger.warning("state file %s was deleted or replaced; writing it again", self._path)
        self._db.close()
        self._db, self._inode = self._connect()
        self._db.execute("BEGIN")
        for user_id, (language, updated) in self._languages.items():
            self._db.execute("INSERT OR REPLACE INTO user_language VALUES (?, ?, ?)",
                             (user_id, language, updated))
        for chat_id, (query, updated) in self._queries.items():
            self._db.execute("INSERT OR REPLACE INTO chat_query VALUES (?, ?, ?)",
                             (chat_id, _json(query), updated))
        for token, (chat_id, query, updated) in self._buttons.items():
            self._db.execute("INSERT OR REPLACE INTO button VALUES (?, ?, ?, ?)",
                             (token, chat_id, _json(query), updated))
        self._db.execute("COMMIT")

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
            self._reopen_if_gone()
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
