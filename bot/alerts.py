"""What is new in the store, and the one short alert that says so, in every language.

The store's figures are identified by their published content (indicator, series, year,
period, country, profile, value): `figure_keys` lists the keys answers use, the alert
service keeps the keys it has already announced, and the difference is what is new.
`compose` turns the new keys into one message per language, each number from the store
with its source (the headline total with its change on the year before, else the engine's
answer about the most important new figure).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.engine import Engine
from bot.i18n import LANGUAGES, translations
from bot.lookup import run
from bot.queries import QUERY_ADAPTER, Total

__all__ = ["NewFigure", "compose", "figure_keys", "headline_query", "new_figures"]

# Which question shows a new figure of each indicator, most newsworthy first.
_QUERY_KINDS: dict[str, str] = {
    "returns_total": "total",
    "returns_by_country": "by_country",
    "rank_by_country": "ranking",
    "reintegration_count": "reintegration",
    "reintegration_share": "reintegration",
    "dublin_departures": "dublin",
    "unaccompanied_minors": "unaccompanied_minors",
    "families_share": "families",
    "destination_countries_count": "destination_countries",
}


@dataclass(frozen=True, order=True)
class NewFigure:
    """One figure answers use, identified by what it states (not by its row id)."""

    indicator: str
    series: str
    year: int
    period: str
    country: str
    profile: str
    value: float

    @property
    def key(self) -> str:
        """A stable text key: the same published figure has the same key in every build."""
        return "|".join(str(part) for part in (
            self.indicator, self.series, self.year, self.period, self.country, self.profile,
            self.value))


def figure_keys(db_path: Path) -> dict[str, NewFigure]:
    """Return the store's figures that answers use (preferred and usable), by key."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT indicator, series, year, coalesce(period, ''), coalesce(country, ''),"
            " coalesce(profile, ''), value FROM figures WHERE preferred = 1 AND usable = 1"
        ).fetchall()
    finally:
        conn.close()
    figures = (NewFigure(str(i), str(s), int(y), str(p), str(c), str(pr), float(v))
               for i, s, y, p, c, pr, v in rows)
    return {f.key: f for f in figures}


def new_figures(current: dict[str, NewFigure], known: Iterable[str]) -> list[NewFigure]:
    """Return the figures of `current` whose keys are not in `known`, sorted."""
    seen = set(known)
    return sorted(f for key, f in current.items() if key not in seen)


def _rank(figure: NewFigure) -> tuple[int, int, int, int]:
    kinds = list(_QUERY_KINDS)
    order = kinds.index(figure.indicator) if figure.indicator in _QUERY_KINDS else len(kinds)
    # The programme's annual figures first, then the latest year.
    return (order, figure.series != "fedasil", figure.period not in ("", "year"), -figure.year)


def headline_query(new: list[NewFigure]) -> dict[str, Any] | None:
    """Return the question whose answer shows the most newsworthy new figure, or None."""
    candidates = [f for f in new if f.indicator in _QUERY_KINDS]
    if not candidates:
        return None
    top = min(candidates, key=_rank)
    query: dict[str, Any] = {"kind": _QUERY_KINDS[top.indicator], "year": top.year}
    if top.indicator == "returns_by_country" and top.country:
        query["country"] = top.country
    if top.series in ("fedasil", "government") and query["kind"] in ("total", "by_country"):
        query["series"] = top.series
    return QUERY_ADAPTER.validate_python(query).model_dump(mode="json")


def _total_line(engine: Engine, query: dict[str, Any], lang: str, today: date) -> str | None:
    """Return "New: 3,122 voluntary returns in 2025 (−4.4% on 2024)" and its source."""
    total = Total.model_validate(query)
    result = run(total, engine.store, today, lang)
    if result.status != "answered" or not result.facts:
        return None
    fact, renderer = result.facts[0], engine.renderer(lang)
    _ = renderer._
    values = {"count": renderer.value(fact), "year": fact.year}
    before = run(total.model_copy(update={"year": fact.year - 1}), engine.store, today, lang)
    if before.status == "answered" and before.facts and before.facts[0].value:
        base = before.facts[0]
        change = round((fact.value - base.value) / base.value * 100, 1)
        sign = "+" if change > 0 else ("−" if change < 0 else "")
        values |= {"change": renderer.ltr(sign + renderer.percent(abs(change))),
                   "base": base.year}
        line = _("New: %(count)s voluntary returns in %(year)s (%(change)s on %(base)s)")
    else:
        line = _("New: %(count)s voluntary returns in %(year)s")
    return (line % values) + "\n" + renderer.source(fact)


def compose(engine: Engine, new: list[NewFigure], today: date | None = None) -> dict[str, str]:
    """Return the alert about `new` in every language (empty when nothing is worth saying)."""
    query = headline_query(new)
    if query is None:
        return {}
    today = today or date.today()
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        line = _total_line(engine, query, lang, today) if query["kind"] == "total" else None
        if line is None:
            header = translations(lang).gettext("New figures were published:")
            line = header + "\n" + engine.answer_query(query, lang=lang, today=today).text
        texts[lang] = line
    return texts
