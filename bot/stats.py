"""Reading the usage counts back: a summary of the last N days, with small cells suppressed.

`summarize` reads what `bot.usage` wrote; `as_json`, `as_table` and `as_csv` print it for
`returnbot stats`; `summary_text` is the short summary in a language, for the Telegram
`/stats` and the web page. Every count that is shown goes through `shown`: a number under
`SUPPRESS_BELOW` prints as "<5", so a small group (one asker in Georgian on one day)
cannot be singled out.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from babel import Locale

from bot.i18n import formatter, translations
from bot.usage import utc_today

__all__ = [
    "SUPPRESS_BELOW", "DIMENSIONS", "Figure", "Shown", "Summary", "as_csv", "as_json",
    "as_table", "figure_label", "shown", "summarize", "summary_text",
]

SUPPRESS_BELOW = 5
Shown = int | str
# The dimensions a summary counts by, in the order they are printed.
DIMENSIONS = ("channel", "language", "kind", "topic", "status", "day")
# Statuses that gave the asker what they asked for; every other one counts as unanswered.
_ANSWERED = ("answered", "info")
_TOP = 5  # lines of each list in the short summary (/stats, the web page)


def shown(n: int) -> Shown:
    """The count as it may be shown: "<5" for 1 to 4."""
    return f"<{SUPPRESS_BELOW}" if 0 < n < SUPPRESS_BELOW else n


@dataclass(frozen=True)
class Figure:
    """A figure people asked for that the store did not have, and how often."""

    indicator: str
    country: str | None
    year: int | None
    count: int


def figure_label(f: Figure) -> str:
    """E.g. "returns_by_country GE 2023"."""
    return " ".join(str(p) for p in (f.indicator, f.country, f.year) if p)


@dataclass
class Summary:
    """The counts of the days `first`..`last` (inclusive), unsuppressed (see `shown`)."""

    first: date
    last: date
    questions: int = 0
    by: dict[str, Counter[str]] = field(
        default_factory=lambda: {d: Counter() for d in DIMENSIONS})
    cells: list[dict[str, Any]] = field(default_factory=list)
    unanswered: Counter[str] = field(default_factory=Counter)
    unpublished: list[Figure] = field(default_factory=list)

    @property
    def days(self) -> int:
        """How many days the summary covers."""
        return (self.last - self.first).days + 1


def summarize(state_path: Path, days: int = 30, today: date | None = None,
              store_path: Path | None = None) -> Summary:
    """Sum the last `days` days of counts; a missing database is an empty summary.

    With `store_path`, figures asked for that the store now has (a staff import since)
    are left out of `unpublished`.
    """
    last = today or utc_today()
    summary = Summary(first=last - timedelta(days=days - 1), last=last)
    if not state_path.exists():
        return summary
    db = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True)
    try:
        _read_counts(db, summary)
        _read_unpublished(db, summary, store_path)
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):  # nothing was counted yet
            raise
    finally:
        db.close()
    return summary


def _period(summary: Summary) -> tuple[str, str]:
    return summary.first.isoformat(), summary.last.isoformat()


def _read_counts(db: sqlite3.Connection, summary: Summary) -> None:
    rows = db.execute(
        "SELECT channel, language, kind, topic, status, day, sum(count) FROM usage_count"
        " WHERE day BETWEEN ? AND ? GROUP BY channel, language, kind, topic, status, day",
        _period(summary))
    cells: Counter[tuple[str, ...]] = Counter()
    for *keys, n in rows:
        values = dict(zip(DIMENSIONS, keys, strict=True))
        summary.questions += n
        for dimension, value in values.items():
            if value or dimension in ("channel", "language", "status", "day"):
                summary.by[dimension][value] += n
        cells[tuple(keys[:5])] += n
        if values["status"] not in _ANSWERED:
            summary.unanswered[values["kind"] or values["status"]] += n
    summary.cells = [
        dict(zip(DIMENSIONS[:5], key, strict=True), count=n)
        for key, n in sorted(cells.items(), key=lambda item: (-item[1], item[0]))
    ]


def _read_unpublished(db: sqlite3.Connection, summary: Summary, store_path: Path | None) -> None:
    rows = db.execute(
        "SELECT indicator, country, year, sum(count) AS n FROM usage_unpublished"
        " WHERE day BETWEEN ? AND ? GROUP BY indicator, country, year"
        " ORDER BY n DESC, indicator, country, year", _period(summary)).fetchall()
    published = _published(store_path, rows) if store_path else set()
    summary.unpublished = [
        Figure(indicator, country or None, year or None, n)
        for indicator, country, year, n in rows if (indicator, country, year) not in published
    ]


def _published(store_path: Path, rows: list[Any]) -> set[tuple[str, str, int]]:
    """The asked-for figures the store has by now (usable, annual), e.g. after an import."""
    if not store_path.exists():
        return set()
    store = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    try:
        found = set()
        for indicator, country, year, _ in rows:
            hit = store.execute(
                "SELECT 1 FROM figures WHERE indicator = ? AND coalesce(country, '') = ?"
                " AND year = ? AND usable = 1 LIMIT 1", (indicator, country, year)).fetchone()
            if hit:
                found.add((indicator, country, year))
        return found
    finally:
        store.close()


def _shown_counts(counts: Counter[str]) -> dict[str, Shown]:
    return {key: shown(n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def as_json(summary: Summary, limit: int = 20) -> dict[str, Any]:
    """The summary as one JSON object, every count suppressed under 5."""
    by = {d: _shown_counts(summary.by[d]) for d in DIMENSIONS if d != "day"}
    return {
        "first_day": summary.first.isoformat(), "last_day": summary.last.isoformat(),
        "days": summary.days, "suppressed_below": SUPPRESS_BELOW,
        "questions": shown(summary.questions),
        **by,
        "per_day": {day: shown(n) for day, n in sorted(summary.by["day"].items())},
        "cells": [{**c, "count": shown(c["count"])} for c in summary.cells],
        "unanswered": _shown_counts(summary.unanswered),
        "unpublished": [
            {"indicator": f.indicator, "country": f.country, "year": f.year,
             "count": shown(f.count)} for f in summary.unpublished[:limit]
        ],
    }


def _table(title: str, rows: list[tuple[str, Shown]]) -> list[str]:
    if not rows:
        return []
    width = max(len(label) for label, _ in rows)
    return ["", title] + [f"  {label.ljust(width)}  {n:>6}" for label, n in rows]


def as_table(summary: Summary, unpublished_only: bool = False, limit: int = 20) -> str:
    """The summary as aligned text; with `unpublished_only`, only the most-wanted figures."""
    head = (f"ReturnBot usage {summary.first} to {summary.last} ({summary.days} days); "
            f"counts under {SUPPRESS_BELOW} show as <{SUPPRESS_BELOW}")
    wanted = [(figure_label(f), shown(f.count)) for f in summary.unpublished[:limit]]
    if unpublished_only:
        lines = [f"{label}: {n} questions" for label, n in wanted]
        return "\n".join(lines) if lines else "no unpublished figure was asked for"
    lines = [head, f"questions: {shown(summary.questions)}"]
    for dimension in DIMENSIONS[:-1]:
        lines += _table(dimension, list(_shown_counts(summary.by[dimension]).items()))
    lines += _table("unanswered (kind or status)",
                    list(_shown_counts(summary.unanswered).items())[:limit])
    lines += _table("unpublished figures asked for", wanted)
    return "\n".join(lines)


def as_csv(summary: Summary, unpublished_only: bool = False) -> str:
    """The summed cells (or the unpublished figures) as CSV, counts suppressed under 5."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if unpublished_only:
        writer.writerow(["indicator", "country", "year", "count"])
        writer.writerows([f.indicator, f.country or "", f.year or "", shown(f.count)]
                         for f in summary.unpublished)
    else:
        writer.writerow([*DIMENSIONS[:5], "count"])
        writer.writerows([*(c[d] for d in DIMENSIONS[:5]), shown(c["count"])]
                         for c in summary.cells)
    return out.getvalue()


def _country(lang: str, code: str) -> str:
    return str(Locale.parse(lang).territories.get(code, code))


def summary_text(summary: Summary, lang: str) -> str:
    """The short summary in `lang`: totals, languages, unanswered kinds, most-wanted figures."""
    _ = translations(lang).gettext
    number = formatter(lang).number

    def n(value: int) -> str:
        text = shown(value)
        return text if isinstance(text, str) else number(text)

    if not summary.questions:
        return _("No questions were counted in the last %(days)s days.") % {"days": summary.days}
    lines = [_("Last %(days)s days: %(questions)s questions.") % {
        "days": summary.days, "questions": n(summary.questions)}]
    languages = ", ".join(f"{code} {n(v)}" for code, v in summary.by["language"].most_common())
    lines.append(_("Languages: %(list)s") % {"list": languages})
    if summary.unanswered:
        top = ", ".join(f"{k} {n(v)}" for k, v in summary.unanswered.most_common(_TOP))
        lines.append(_("Not answered, by kind: %(list)s") % {"list": top})
    if summary.unpublished:
        lines += ["", _("Unpublished figures asked for most:")]
        for f in summary.unpublished[:_TOP]:
            parts = [f.indicator, _country(lang, f.country) if f.country else "", f.year or ""]
            lines.append("• " + ", ".join(str(p) for p in parts if p) + f": {n(f.count)}")
    lines += ["", _("Counts under 5 are shown as <5.")]
    return "\n".join(lines)
