"""Anonymous usage counts: how often the bot is asked what, in which language, and how it went.

Every channel calls `Recorder.count(answer, channel)` once per answered question. A count
is a cell (UTC day, channel, language, question kind, support topic, status) plus, for
`partial` and `no_data` answers, the figure that was asked for (indicator, country, year):
the figures people want that were never published. No text, no user or chat id, no time
finer than a day is ever kept.

Counting only adds to a dict in memory; a daemon thread writes the sums into the state
database (`RETURNBOT_STATE_PATH`) every `flush_seconds`, so the answer path gains no disk
write and a kill -9 loses at most that many seconds of counts. Days older than the
retention period are deleted when the recorder first writes and at each new day.
A failing disk is logged and never reaches the asker.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.answer import Answer

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = [
    "FLUSH_SECONDS", "RETENTION_DAYS", "TABLES", "Cell", "Recorder", "Wanted", "asked_figure",
    "cell_of", "count", "recorder_from_settings", "utc_today",
]

log = logging.getLogger(__name__)

RETENTION_DAYS = 400
FLUSH_SECONDS = 2.0
# The tables this module writes; nothing else about usage is stored anywhere.
TABLES = ("usage_count", "usage_unpublished")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage_count (
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, channel, language, kind, topic, status)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage_unpublished (
    day TEXT NOT NULL,
    indicator TEXT NOT NULL,
    country TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, indicator, country, year, status)
) WITHOUT ROWID;
"""
_ADD_COUNT = """
INSERT INTO usage_count VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (day, channel, language, kind, topic, status) DO UPDATE SET count = count + excluded.count
"""
_ADD_WANTED = """
INSERT INTO usage_unpublished VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (day, indicator, country, year, status) DO UPDATE SET count = count + excluded.count
"""
_UNPUBLISHED = ("partial", "no_data")
# The store indicator a query kind asks for, when it is not the kind's own name.
_INDICATORS = {
    "total": "returns_total", "by_country": "returns_by_country", "ranking": "rank_by_country",
    "dublin": "dublin_departures", "families": "families_share",
    "destination_countries": "destination_countries_count",
}
_BY_MEASURE = {
    "by_profile": ("returns_by_profile", "share_by_profile"),
    "reintegration": ("reintegration_count", "reintegration_share"),
}


class Cell(NamedTuple):
    """One usage count's key: '' stands for "none" (no kind, no topic)."""

    day: str
    channel: str
    language: str
    kind: str
    topic: str
    status: str


class Wanted(NamedTuple):
    """A figure asked for and not published: '' is no country, 0 no year."""

    day: str
    indicator: str
    country: str
    year: int
    status: str


def utc_today() -> date:
    """Today in UTC: the only clock a count carries."""
    return date(*time.gmtime()[:3])


def cell_of(answer: Answer, channel: str, day: str) -> Cell:
    """The usage cell of an answer: whatever kind and status it carries, no fixed list."""
    kind = str((answer.query or {}).get("kind") or "")
    return Cell(day, channel, answer.language, kind, answer.topic or "", answer.status)


def _indicator(query: dict[str, Any]) -> str:
    kind = str(query.get("kind") or "")
    if kind in _BY_MEASURE:
        count, share = _BY_MEASURE[kind]
        return count if query.get("measure") == "count" else share
    if kind in ("change", "trend", "fact_check"):
        return "returns_by_country" if query.get("country") else "returns_total"
    # A new question kind (premiums, not_held…) is counted under its own name.
    return _INDICATORS.get(kind, kind)


def asked_figure(answer: Answer, day: str) -> Wanted | None:
    """The figure a `partial` or `no_data` answer could not give, or None for other answers."""
    if answer.status not in _UNPUBLISHED or not answer.query:
        return None
    query = answer.query
    year = query.get("year") or query.get("end") or 0
    country = query.get("country") or ""
    return Wanted(day, _indicator(query), str(country), int(year), answer.status)


class Recorder:
    """Counts answers in memory and writes the sums behind, on its own thread."""

    def __init__(
        self,
        path: Path | str,
        *,
        enabled: bool = True,
        retention_days: int = RETENTION_DAYS,
        flush_seconds: float = FLUSH_SECONDS,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self.path = Path(path)
        self.enabled = enabled
        self.retention_days = retention_days
        self.flush_seconds = flush_seconds
        self._today = today
        self._counts: Counter[Cell] = Counter()
        self._wanted: Counter[Wanted] = Counter()
        self._lock = threading.Lock()  # guards the two counters (counting vs swapping)
        self._db_lock = threading.Lock()  # one writer at a time (the thread, flush, close)
        self._start_lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pruned_day = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def count(self, answer: Answer, channel: str) -> None:
        """Count one answer given in `channel` (telegram, cli, web): memory only, never I/O."""
        if not self.enabled:
            return
        try:
            day = self._today().isoformat()
            wanted = asked_figure(answer, day)
            with self._lock:
                self._counts[cell_of(answer, channel, day)] += 1
                if wanted is not None:
                    self._wanted[wanted] += 1
            if self._thread is None:
                self._start()
        except Exception:  # a count is never worth an asker's answer
            log.exception("could not count an answer")

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="returnbot-usage", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()

    def flush(self) -> None:
        """Write the counts gathered so far; a disk error is logged and the counts kept."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            wanted, self._wanted = self._wanted, Counter()
        if not counts and not wanted:
            return
        try:
            with self._db_lock:
                self._write(counts, wanted)
        except (OSError, sqlite3.Error) as exc:
            log.warning("usage counts not written yet: %s", exc)
            with self._lock:  # try again at the next flush
                self._counts.update(counts)
                self._wanted.update(wanted)

    def _write(self, counts: Counter[Cell], wanted: Counter[Wanted]) -> None:
        db = self._connection()
        with db:
            db.executemany(_ADD_COUNT, [(*cell, n) for cell, n in counts.items()])
            db.executemany(_ADD_WANTED, [(*figure, n) for figure, n in wanted.items()])
            self._prune(db)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            db.execute("PRAGMA journal_mode=WAL")  # the bot's state store reads and writes too
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def _prune(self, db: sqlite3.Connection) -> None:
        """Delete the days older than the retention period (once a day)."""
        today = self._today()
        if self._pruned_day == today.isoformat():
            return
        cutoff = (today - timedelta(days=self.retention_days)).isoformat()
        for table in TABLES:
            db.execute(f"DELETE FROM {table} WHERE day < ?", (cutoff,))
        self._pruned_day = today.isoformat()

    def close(self) -> None:
        """Stop the thread and write what is left (call once, at the end)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.flush()
        with self._db_lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def recorder_from_settings(settings: Settings) -> Recorder:
    """The recorder a channel uses: the state database, the retention and on/off settings."""
    return Recorder(settings.state_path, enabled=settings.usage_counting,
                    retention_days=settings.usage_retention_days)


_process_recorder: Recorder | None = None


def count(answer: Answer, channel: str) -> None:
    """Count an answer with this process's recorder (the CLI, the web page).

    The recorder is made from Settings on first use and writes its last counts at exit;
    the Telegram channel keeps its own in bot_data instead (bot/telegram/stats.py).
    """
    global _process_recorder
    if _process_recorder is None:
        _process_recorder = _recorder_from_environment()
        atexit.register(_process_recorder.close)
    _process_recorder.count(answer, channel)


def _recorder_from_environment() -> Recorder:
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return recorder_from_settings(Settings())
    except ValidationError as exc:  # the answer still goes out; only counting is off
        log.warning("usage counting is off: the settings are not valid (%d errors)",
                    exc.error_count())
        return Recorder(Path("."), enabled=False)
