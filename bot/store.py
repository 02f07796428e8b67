"""The read-only store: opened once, its figures loaded into memory for sub-millisecond lookups.

SQL is only run here, always with parameters. The file is opened with `mode=ro`, so the bot
can never change it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.answer import SourceRef
from bot.choose import Router
from bot.errors import StoreError
from bot.lexicon import Lexicon
from bot.provenance import clean_title

__all__ = ["ContentTopic", "Observation", "Store"]


@dataclass(frozen=True, slots=True)
class Observation:
    """One published value, with the sources that state it (best first)."""

    indicator: str
    series: str
    year: int
    country: str | None
    profile: str | None
    value: float
    unit: str
    precision: str
    compare_year: int | None
    preferred: bool
    description: str
    sources: tuple[SourceRef, ...]

    @property
    def source(self) -> SourceRef:
        return self.sources[0]

    def source_in(self, language: str) -> SourceRef:
        """The best source, or its version in `language` (the same release in another
        language: same publisher, same or unknown date)."""
        best = self.sources[0]
        for s in self.sources:
            if s.language == language and s.publisher == best.publisher and (
                    s.published in (best.published, None)):
                return s
        return best


@dataclass(frozen=True, slots=True)
class ContentTopic:
    """Support information on one topic, in one language."""

    topic: str
    language: str
    title: str
    summary: str
    text: str
    stated: str
    countries: tuple[str, ...]
    sources: tuple[dict[str, Any], ...]


_Key = tuple[str, str, str | None, str | None]  # indicator, series, country, profile
_QUERY_SECONDS = 0.05


class Store:
    """Figures, sources, names and support topics from the SQLite store at `path`."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise StoreError(f"no store at {path}; run `returnbot db build`")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._load(conn)
        except sqlite3.Error as e:
            raise StoreError(f"cannot read the store at {path}: {e}") from e
        self._conn = conn
        self._lock = threading.Lock()

    def _load(self, conn: sqlite3.Connection) -> None:
        pubs = {r["id"]: SourceRef(publisher=r["publisher"], title=clean_title(r["title"]),
                                   url=r["url"],
                                   published=r["published"], language=r["language"])
                for r in conn.execute("select * from publications")}
        rank = {r["id"]: (r["reliability"] == "official", r["publisher"].startswith("Fedasil"),
                          r["published"] or "") for r in conn.execute("select * from publications")}
        links: dict[int, list[str]] = defaultdict(list)
        for r in conn.execute("select figure_id, publication_id from figure_sources"):
            links[r[0]].append(r[1])
        self._by_key: dict[_Key, dict[int, list[Observation]]] = defaultdict(
            lambda: defaultdict(list))
        # Figures for part of a year (H1, H2) are kept apart: never mistaken for the year's.
        self._periods: dict[tuple[str, str, int, str], list[Observation]] = defaultdict(list)
        for r in conn.execute(
                "select * from figures where usable = 1 and period in ('year', 'H1', 'H2') "
                "order by preferred desc, id"):
            best = r["best_source"]
            others = sorted((p for p in links[r["id"]] if p != best),
                            key=lambda p: rank[p], reverse=True)
            obs = Observation(
                indicator=r["indicator"], series=r["series"], year=r["year"],
                country=r["country"], profile=r["profile"], value=r["value"], unit=r["unit"],
                precision=r["precision"], compare_year=r["compare_year"],
                preferred=bool(r["preferred"]), description=r["description"] or "",
                sources=tuple(pubs[p] for p in [best, *others]))
            if r["period"] != "year":
                self._periods[(obs.indicator, obs.series, obs.year, r["period"])].append(obs)
                continue
            self._by_key[(obs.indicator, obs.series, obs.country, obs.profile)][obs.year].append(obs)
        self._year_span = self._find_year_span()
        self.lexicon = Lexicon(
            [(r[0], "country", r[1], r[2])
             for r in conn.execute("select alias, country, language from aliases")]
            + [tuple(r) for r in conn.execute(
                "select phrase, category, value, language from cues")])
        self.router = _router(conn)
        self._content: dict[tuple[str, str], ContentTopic] = {}
        for r in conn.execute("select * from content"):
            self._content[(r["topic"], r["language"])] = ContentTopic(
                topic=r["topic"], language=r["language"], title=r["title"],
                summary=r["summary"], text=r["text"],
                stated=r["stated"], countries=tuple(json.loads(r["countries"] or "[]")),
                sources=tuple(json.loads(r["sources"] or "[]")))

    # Figures -----------------------------------------------------------------------------

    def get(self, indicator: str, year: int, series: str = "fedasil",
            country: str | None = None, profile: str | None = None) -> Observation | None:
        """The value answers use for this figure and year, or None if never published."""
        found = self._by_key.get((indicator, series, country, profile), {}).get(year)
        return found[0] if found and found[0].preferred else None

    def alternatives(self, indicator: str, year: int, series: str = "fedasil",
                     country: str | None = None,
                     profile: str | None = None) -> list[Observation]:
        """Other published values for the same figure (revisions, disagreeing sources)."""
        found = self._by_key.get((indicator, series, country, profile), {}).get(year, [])
        return [o for o in found if not o.preferred]

    def years(self, indicator: str, series: str = "fedasil", country: str | None = None,
              profile: str | None = None) -> list[int]:
        """The years with a published value, in order."""
        by_year = self._by_key.get((indicator, series, country, profile), {})
        return sorted(y for y, obs in by_year.items() if obs and obs[0].preferred)

    def latest_year(self, indicator: str, series: str = "fedasil", country: str | None = None,
                    profile: str | None = None) -> int | None:
        years = self.years(indicator, series, country, profile)
        return years[-1] if years else None

    def all_for_year(self, indicator: str, year: int,
                     series: str = "fedasil") -> list[Observation]:
        """Every preferred value of an indicator in a year (all countries or profiles)."""
        out = []
        for (ind, ser, _c, _p), by_year in self._by_key.items():
            if ind == indicator and ser == series:
                found = by_year.get(year)
                if found and found[0].preferred:
                    out.append(found[0])
        return out

    def indicator_years(self, indicator: str, series: str = "fedasil") -> list[int]:
        """Years with any value of `indicator` (any country or profile)."""
        years: set[int] = set()
        for (ind, ser, _c, _p), by_year in self._by_key.items():
            if ind == indicator and ser == series:
                years |= {y for y, obs in by_year.items() if obs and obs[0].preferred}
        return sorted(years)

    def latest_year_any(self, indicator: str, series: str = "fedasil") -> int | None:
        years = self.indicator_years(indicator, series)
        return years[-1] if years else None

    def observations(self) -> list[Observation]:
        """Every stored figure, preferred or not (annual and part-of-year), for checks that
        must cover them all."""
        annual = [o for by_year in self._by_key.values() for obs in by_year.values() for o in obs]
        return annual + [o for obs in self._periods.values() for o in obs]

    def period_figure(self, indicator: str, year: int, period: str,
                      series: str = "fedasil") -> Observation | None:
        """The value answers use for part of a year ('H1'), or None if never published."""
        found = self._periods.get((indicator, series, year, period))
        return found[0] if found and found[0].preferred else None

    def periods_published(self, indicator: str, series: str = "fedasil") -> list[tuple[int, str]]:
        """The (year, period) pairs with a published part-of-year value, in order."""
        return sorted((y, p) for (ind, ser, y, p), obs in self._periods.items()
                      if ind == indicator and ser == series and obs and obs[0].preferred)

    def year_span(self) -> tuple[int, int] | None:
        """The first and last year any annual figure was published for."""
        return self._year_span  # asked on every answer; the store never changes once loaded

    def _find_year_span(self) -> tuple[int, int] | None:
        years = [y for by_year in self._by_key.values() for y, obs in by_year.items() if obs]
        return (min(years), max(years)) if years else None

    def country_figures(self, country: str) -> list[Observation]:
        """Every preferred count or rank for a country, newest first."""
        out = []
        for indicator in ("returns_by_country", "rank_by_country"):
            for year in self.years(indicator, "fedasil", country):
                obs = self.get(indicator, year, "fedasil", country)
                if obs:
                    out.append(obs)
        return sorted(out, key=lambda o: o.year, reverse=True)

    # Support information -----------------------------------------------------------------

    @property
    def own_rules(self) -> frozenset[str]:
        """The countries with rules of their own (the country-rules page names them)."""
        page = self._content.get(("country_exceptions", "en"))
        return frozenset(page.countries) if page else frozenset()

    def topic(self, topic: str, language: str) -> ContentTopic | None:
        """A topic in `language`, else in English."""
        return self._content.get((topic, language)) or self._content.get((topic, "en"))

    def topics(self, language: str) -> list[ContentTopic]:
        out = []
        for name in sorted({t for t, _ in self._content}):
            found = self.topic(name, language)
            if found:
                out.append(found)
        return out

    def search_content(self, words: str, language: str) -> str | None:
        """The best-matching topic id for free text, by SQLite full-text search."""
        terms = [w for w in words.split() if len(w) > 2 and w.isalnum()][:12]
        if not terms:
            return None
        match = " OR ".join(f'"{t}"' for t in terms)
        with self._lock:  # one connection, shared by the Telegram worker threads
            deadline = time.monotonic() + _QUERY_SECONDS
            # Cap the query's time (like Datasette's sqlite_timelimit): abort, go without it.
            self._conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
            try:
                row = self._conn.execute(
                    "select topic from content_fts join content on content.rowid = "
                    "content_fts.rowid where content_fts match ? and content.language = ? "
                    "order by rank limit 1", (match, language)).fetchone()
            except sqlite3.Error:
                return None
            finally:
                self._conn.set_progress_handler(None, 0)
        return str(row[0]) if row else None

    def close(self) -> None:
        self._conn.close()


def _router(conn: sqlite3.Connection) -> Router | None:
    """The trained kind/topic/language models, or None in a store built without a bank."""
    row = conn.execute("select data from models where name = 'router'").fetchone()
    if row is None:
        return None
    try:
        return Router.loads(bytes(row[0]))
    except (ValueError, KeyError, OSError) as e:
        raise StoreError(f"the store's trained models cannot be read: {e}") from e
