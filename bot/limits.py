"""Lookup stage, around `lookup.run`: what the store does not hold is said as such.

- a quantity the store does not hold → `no_data`, no facts, and who publishes it
  (data/not_held.yaml);
- a year outside the published years and before next year → "no figures for that year";
- a part of a year → that part's published figure, or "not published for that period"
  with the periods that were published — never the annual figure as the answer;
- a yearly series → also its change from the first to the last year (derived).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from bot.answer import Fact
from bot.lookup import Result, fact, run
from bot.queries import FactCheck, NotHeld, Query, Total, Trend
from bot.store import Store

__all__ = ["not_held_publishers", "out_of_range", "run_within_limits"]

_YEAR_FIELDS = ("year", "base_year", "start", "end")


def run_within_limits(query: Query, store: Store, today: date, lang: str | None = None) -> Result:
    """`lookup.run`, held to the quantity, period and years the store has."""
    if isinstance(query, NotHeld):
        return _not_held(query)
    year = out_of_range(query, store, today)
    if year is not None:
        span = store.year_span()
        return Result(query, "no_data", "year_out_of_range", details={
            "year": year, "first": span[0] if span else None, "last": span[1] if span else None})
    if getattr(query, "period", "year") != "year":
        return _period(query, store)
    result = run(query, store, today, lang)
    if isinstance(query, Trend) and result.status == "answered":
        _add_series_change(result)
    return result


@cache
def not_held_publishers() -> dict[str, dict[str, str]]:
    """Quantity → {publisher, url} for the quantities whose publisher is known (read on the
    first such question: a cold `returnbot ask` does not pay for it)."""
    import yaml

    from bot.datafiles import DATA_DIR

    path = DATA_DIR / "not_held.yaml"
    doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in doc.items()}


def _not_held(q: NotHeld) -> Result:
    known = not_held_publishers().get(q.quantity, {})
    return Result(q, "no_data", "not_held", details={
        "quantity": q.quantity, "publisher": known.get("publisher"), "url": known.get("url")})


def out_of_range(query: Query, store: Store, today: date) -> int | None:
    """A year the question names that is before every published figure or after this year."""
    span = store.year_span()
    for name in _YEAR_FIELDS:
        year = getattr(query, name, None)
        if isinstance(year, int) and span and not span[0] <= year <= today.year:
            return year
    return None


def _period(query: Query, store: Store) -> Result:
    """The figure for part of a year. Only the total is published by half-year, so any
    other question about a half, quarter or month has no figure for that period."""
    period = str(getattr(query, "period", "year"))
    published = store.periods_published("returns_half_year")
    # No year given: the latest year with a figure for that part of the year, if any.
    year = getattr(query, "year", None) or max(
        (y for y, p in published if p == period), default=store.latest_year("returns_total"))
    details: dict[str, Any] = {"period": period, "year": year, "published": published}
    if isinstance(query, (Total, FactCheck)) and year is not None and (
            isinstance(query, FactCheck) or query.series == "fedasil"):
        obs = store.period_figure("returns_half_year", year, period)
        if obs is not None:
            if isinstance(query, FactCheck):
                exact = abs(obs.value - query.claimed) < 0.5
                return Result(query, "answered", "period_check", [fact(obs)], details={
                    **details, "claimed": query.claimed, "exact": exact})
            return Result(query, "answered", "period", [fact(obs)], details=details)
    return Result(query, "no_data", "period_not_published", details=details)


def _add_series_change(result: Result) -> None:
    """The change from the first to the last year shown, computed (marked derived)."""
    points = [f for f in result.facts if not f.derived]
    if len(points) < 2 or not points[0].value:
        return
    first, last = points[0], points[-1]
    pct = round((last.value - first.value) / first.value * 100, 1)
    result.facts.append(Fact(
        indicator="change_pct", series=last.series, year=last.year, country=last.country,
        profile=None, value=pct, unit="percent", precision="exact", derived=True, source=None,
        base_year=first.year))
    result.details["change"] = True
