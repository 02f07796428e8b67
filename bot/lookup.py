"""Run a query against the store: `Query` → `Result` (facts with provenance, or what exists).

This stage decides *what* is said; `render` decides *how*. Every number a Result carries is
a `Fact` from the store (or marked `derived`), so the text can never state anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.answer import ChartData, Fact, Status
from bot.queries import (
    ByCountry,
    ByProfile,
    Change,
    Definition,
    Help,
    Info,
    Query,
    Ranking,
    Reintegration,
    Total,
    Trend,
)
from bot.store import Observation, Store

__all__ = ["Result", "run"]



@dataclass
class Result:
    """What the answer says: a message key for render, its facts, and details."""

    query: Query
    status: Status
    message: str
    facts: list[Fact] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None
    chart: ChartData | None = None


def fact(obs: Observation, lang: str | None = None) -> Fact:
    """The contract fact for a stored observation (citing the release in `lang` if any)."""
    value = int(obs.value) if obs.value == int(obs.value) else obs.value
    return Fact(indicator=obs.indicator, series=obs.series, year=obs.year, country=obs.country,
                profile=obs.profile, value=value, unit=obs.unit,
                precision=obs.precision, derived=False,
                source=obs.source_in(lang) if lang else obs.source)


def derived_change(new: Observation, old: Observation) -> Fact:
    """The change in % from `old` to `new`, computed by the bot (marked derived)."""
    pct = round((new.value - old.value) / old.value * 100, 1)
    return Fact(indicator="change_pct", series=new.series, year=new.year, country=new.country,
                profile=None, value=pct, unit="percent", precision="exact", derived=True,
                source=None, base_year=old.year)


def run(query: Query, store: Store, today: date, lang: str | None = None) -> Result:
    """Answer `query` from `store`; cite sources in `lang` where the release exists in it."""
    runner = _RUNNERS[query.kind]
    result: Result = runner(query, store, today)
    if lang:
        result.facts = [_cite_in(f, lang, store) for f in result.facts]
    return _resolved(result)


def _cite_in(f: Fact, lang: str, store: Store) -> Fact:
    if f.derived or f.source is None or f.source.language == lang:
        return f
    obs = store.get(f.indicator, f.year, f.series, f.country, f.profile)
    if obs is None or obs.value != f.value:
        return f
    return f.model_copy(update={"source": obs.source_in(lang)})


def _resolved(result: Result) -> Result:
    """Fill the query's defaults with what was answered: the year used, the years compared."""
    q = result.query
    update: dict[str, Any] = {}
    year = result.details.get("year") or next((f.year for f in result.facts), None)
    if "year" in type(q).model_fields and getattr(q, "year", None) is None and year:
        update["year"] = year
    if isinstance(q, Change) and q.base_year is None and result.details.get("base_year"):
        update["base_year"] = result.details["base_year"]
    if isinstance(q, Trend):
        for name in ("start", "end"):
            if getattr(q, name) is None and result.details.get(name):
                update[name] = result.details[name]
    if update:
        result.query = q.model_copy(update=update)
    return result


def _simple(indicator: str, message: str):  # type: ignore[no-untyped-def]
    """A runner for a one-figure indicator: the year asked, or the latest published."""

    def runner(q: Any, store: Store, today: date) -> Result:
        year = q.year or store.latest_year(indicator)
        obs = store.get(indicator, year) if year else None
        if obs is None:
            years = store.years(indicator)
            return Result(q, "no_data", "no_figure", details={
                "indicator": indicator, "year": q.year, "years": years})
        return Result(q, "answered", message, [fact(obs)],
                      details={"latest": q.year is None, "alternatives": [
                          fact(a) for a in store.alternatives(indicator, obs.year)]})

    return runner


def _total(q: Total, store: Store, today: date) -> Result:
    year = q.year or store.latest_year("returns_total", q.series)
    obs = store.get("returns_total", year, q.series) if year else None
    if obs is None:
        years = store.years("returns_total", q.series)
        return Result(q, "no_data", "no_total", details={"year": q.year, "years": years})
    facts = [fact(obs)] + [fact(o) for o in _other_count(q, obs, store)]
    return Result(q, "answered", "total", facts, details={"latest": q.year is None})


def _other_count(q: Total, obs: Observation, store: Store) -> list[Observation]:
    """The other series' total: Fedasil's figure beside the government count that was asked
    for; the government count beside Fedasil's only where the data explains the difference
    (the year's Dublin departures equal it), never with an explanation it does not back."""
    if q.series == "government":
        fed = store.get("returns_total", obs.year, "fedasil")
        return [fed] if fed is not None else []
    gov = store.get("returns_total", obs.year, "government")
    dublin = store.get("dublin_departures", obs.year)
    if gov is not None and dublin is not None and gov.value - obs.value == dublin.value:
        return [gov, dublin]
    return []


def _by_country(q: ByCountry, store: Store, today: date) -> Result:
    year = q.year or store.latest_year("returns_by_country", "fedasil", q.country)
    obs = store.get("returns_by_country", year, "fedasil", q.country) if year else None
    if obs is not None:
        facts = [fact(obs)]
        rank = store.get("rank_by_country", obs.year, "fedasil", q.country)
        if rank is None and q.year is None:
            # No year asked: a newer rank says more about now than an old count does.
            newer = [o for o in store.country_figures(q.country)
                     if o.indicator == "rank_by_country" and o.year > obs.year]
            rank = newer[0] if newer else None
        if rank is not None:
            facts.append(fact(rank))
        return Result(q, "answered", "by_country", facts, details={"latest": q.year is None})
    known = store.country_figures(q.country)
    asked = q.year
    facts = []
    rank = store.get("rank_by_country", asked, "fedasil", q.country) if asked else None
    if rank is None and asked is None:
        ranks = [o for o in known if o.indicator == "rank_by_country"]
        rank = ranks[0] if ranks else None
    if rank is not None:
        facts.append(fact(rank))
    counts = [o for o in known if o.indicator == "returns_by_country"]
    if counts:
        facts.append(fact(counts[0]))
    status: Status = "partial" if facts else "no_data"
    total = store.get("returns_total", asked) if asked else None
    if asked and total is None and not facts:
        return Result(q, "no_data", "no_total", details={
            "year": asked, "years": store.years("returns_total")})
    return Result(q, status, "country_not_published", facts, details={
        "year": asked, "rank": rank is not None, "count": bool(counts),
        "report": _release_url(store, asked)})


def _release_url(store: Store, year: int | None) -> str:
    """Fedasil's release for the year: its attached report has the full per-country tables."""
    year = year or store.latest_year("returns_total")
    obs = store.get("returns_total", year) if year else None
    return obs.source.url if obs else "https://www.fedasil.be"


def _by_profile(q: ByProfile, store: Store, today: date) -> Result:
    indicator = "returns_by_profile" if q.measure == "count" else "share_by_profile"
    year = q.year or store.latest_year(indicator, "fedasil", None, q.profile) or (
        max(store.indicator_years(indicator), default=None))
    if year is None:
        return Result(q, "no_data", "no_figure", details={"indicator": indicator, "year": None,
                                                          "years": []})
    published = sorted(store.all_for_year(indicator, year), key=lambda o: -o.value)
    if not published and q.measure == "count":
        return _by_profile(ByProfile(year=q.year, profile=q.profile, measure="share"),
                           store, today)
    wanted = [o for o in published if o.profile == q.profile] if q.profile else published
    if wanted:
        first = wanted[0]
        rest = [o for o in published if o is not first]
        return Result(q, "answered", "by_profile", [fact(first)] + [fact(o) for o in rest],
                      details={"latest": q.year is None, "year": year})
    years = store.years(indicator, "fedasil", None, q.profile)
    return Result(q, "partial" if published else "no_data", "profile_not_published",
                  [fact(o) for o in published], details={"year": year, "years": years})


def _ranking(q: Ranking, store: Store, today: date) -> Result:
    year = q.year or store.latest_year_any("rank_by_country")
    ranks = store.all_for_year("rank_by_country", year) if year else []
    counts_only = store.all_for_year("returns_by_country", year) if year and not ranks else []
    if len(counts_only) >= 3:
        # No ranking published, but the release lists its main countries with counts.
        counts_only.sort(key=lambda o: -o.value)
        shown_counts = counts_only[:q.top]
        by_count = ChartData(kind="bar", title=f"{year}",
                             labels=[o.country or "" for o in shown_counts],
                             values=[o.value for o in shown_counts],
                             source=shown_counts[0].source.url)
        return Result(q, "answered", "ranking_counts", [fact(o) for o in shown_counts],
                      chart=by_count, details={"latest": q.year is None, "year": year})
    if not ranks:
        return Result(q, "no_data", "no_ranking", details={
            "year": q.year, "years": store.indicator_years("rank_by_country")})
    ranks.sort(key=lambda o: (o.value, o.precision != "exact"))
    ranks, conflicts = _one_per_place(ranks)
    shown = ranks[:q.top]
    facts = [fact(o) for o in shown]
    counts = [store.get("returns_by_country", o.year, "fedasil", o.country) for o in shown]
    facts += [fact(c) for c in counts if c is not None]
    # A bar chart of ranks would be meaningless: draw one only when every count is published.
    chart: ChartData | None = None
    if all(c is not None for c in counts):
        chart = ChartData(kind="bar", title=f"{year}", labels=[o.country or "" for o in shown],
                          values=[c.value for c in counts if c is not None],
                          source=shown[0].source.url)
    return Result(q, "answered", "ranking", facts, chart=chart, details={
        "latest": q.year is None, "year": year, "fewer": len(ranks) + len(conflicts) < q.top,
        "conflicts": [c for c in conflicts if c["before"] in {o.country for o in shown}],
        "ordered": all(o.precision == "exact" for o in shown)})


def _one_per_place(ranks: list[Observation]) -> tuple[list[Observation], list[dict[str, Any]]]:
    """Sources that disagree on a place (2018: Georgia first in the 2019 release, Ukraine
    listed first in 2018's) must not give two "no. 1": the better-sourced one (sorted first)
    keeps the place, the other becomes a note on the conflict."""
    kept: list[Observation] = []
    conflicts: list[dict[str, Any]] = []
    for o in ranks:
        holder = next((k for k in kept if k.value == o.value), None)
        if holder is None:
            kept.append(o)
        else:
            conflicts.append({"country": o.country, "before": holder.country,
                              "source": o.source})
    return kept, conflicts


def _series_obs(store: Store, year: int, country: str | None, series: str) -> Observation | None:
    if country:
        return store.get("returns_by_country", year, "fedasil", country)
    return store.get("returns_total", year, series)


def _change(q: Change, store: Store, today: date) -> Result:
    indicator = "returns_by_country" if q.country else "returns_total"
    series = "fedasil" if q.country else q.series
    year = q.year or store.latest_year(indicator, series, q.country)
    base = q.base_year or (year - 1 if year else None)
    new = _series_obs(store, year, q.country, series) if year else None
    old = _series_obs(store, base, q.country, series) if base else None
    facts = [fact(o) for o in (new, old) if o is not None]
    if new is None or old is None:
        return Result(q, "partial" if facts else "no_data", "change_missing", facts,
                      details={"year": year, "base_year": base})
    facts.append(derived_change(new, old))
    published = None
    if not q.country and year is not None:
        if base == year - 1:
            published = store.get("change_vs_previous_year_pct", year, series)
        else:
            published = next((o for o in store.all_for_year("change_vs_year_pct", year, series)
                              if o.compare_year == base), None)
    if published is not None:
        facts.append(fact(published))
    return Result(q, "answered", "change", facts, details={
        "year": year, "base_year": base, "published": published is not None})


def _trend(q: Trend, store: Store, today: date) -> Result:
    indicator = "returns_by_country" if q.country else "returns_total"
    series = "fedasil" if q.country else q.series
    years = store.years(indicator, series, q.country)
    if not years:
        return Result(q, "no_data", "no_trend", details={"country": q.country})
    start, end = q.start or years[0], q.end or years[-1]
    points = [_series_obs(store, y, q.country, series) for y in years if start <= y <= end]
    obs = [o for o in points if o is not None]
    if not obs:
        return Result(q, "no_data", "no_trend", details={"country": q.country, "years": years})
    chart = ChartData(kind="line", title="", labels=[str(o.year) for o in obs],
                      values=[o.value for o in obs], source=obs[-1].source.url)
    missing = [y for y in range(start, min(end, years[-1]) + 1) if y not in {o.year for o in obs}]
    return Result(q, "answered", "trend", [fact(o) for o in obs], chart=chart,
                  details={"start": start, "end": end, "missing": missing})


def _reintegration(q: Reintegration, store: Store, today: date) -> Result:
    first, second = ("reintegration_count", "reintegration_share") if q.measure == "count" else (
        "reintegration_share", "reintegration_count")
    year = q.year or store.latest_year(first)
    obs = store.get(first, year) if year else None
    other = store.get(second, year) if year else None
    if obs is None:
        if other is not None:
            return Result(q, "partial", "reintegration_other", [fact(other)],
                          details={"year": year, "measure": q.measure})
        return Result(q, "no_data", "no_figure", details={
            "indicator": first, "year": q.year, "years": store.years(first)})
    alts = [fact(a) for a in store.alternatives(first, obs.year)]
    facts = [fact(obs)] + ([fact(other)] if other else []) + alts
    return Result(q, "answered", "reintegration", facts,
                  details={"latest": q.year is None, "alternatives": alts})


def _definition(q: Definition, store: Store, today: date) -> Result:
    if q.topic != "series":
        facts = []
        if q.topic == "dublin":
            year = store.latest_year("dublin_departures")
            obs = store.get("dublin_departures", year) if year else None
            facts = [fact(obs)] if obs else []
        return Result(q, "answered", f"definition_{q.topic}", facts, topic="definitions")
    year = q.year
    if year is None and q.value is not None:
        year = next((y for y in store.indicator_years("returns_total", "government")
                     if (g := store.get("returns_total", y, "government")) and
                     abs(g.value - q.value) < 0.5), None)
        year = year or next((y for y in store.years("returns_total")
                             if (f := store.get("returns_total", y)) and
                             abs(f.value - q.value) < 0.5), None)
    both = [y for y in store.years("returns_total", "government")
            if store.get("returns_total", y) is not None]
    year = year or (both[-1] if both else None)
    fed = store.get("returns_total", year) if year else None
    gov = store.get("returns_total", year, "government") if year else None
    dub = store.get("dublin_departures", year) if year else None
    facts = [fact(o) for o in (fed, gov) if o is not None]
    if fed is not None and gov is not None:
        facts.append(Fact(indicator="series_difference", series="government", year=fed.year,
                          country=None, profile=None, value=int(gov.value - fed.value),
                          unit="persons", precision="exact", derived=True, source=None))
    if dub is not None:
        facts.append(fact(dub))
    return Result(q, "answered", "definition_series", facts, topic="definitions", details={
        "year": year, "both": fed is not None and gov is not None,
        "dublin_matches": bool(dub and fed and gov and gov.value - fed.value == dub.value)})


def _info(q: Info, store: Store, today: date) -> Result:
    topic = q.topic
    if q.country and (topic in (None, "reintegration", "country_exceptions")):
        exceptions = store.topic("country_exceptions", "en")
        if exceptions is not None and q.country in exceptions.countries:
            topic = "country_exceptions"
    return Result(q, "info", "info", topic=topic or "how_to_apply",
                  details={"country": q.country, "guessed": topic is None})


def _help(q: Help, store: Store, today: date) -> Result:
    return Result(q, "info", "help", topic=None)


_RUNNERS = {
    "total": _total, "by_country": _by_country, "by_profile": _by_profile,
    "ranking": _ranking, "change": _change, "trend": _trend,
    "reintegration": _reintegration, "definition": _definition,
    "info": _info, "help": _help,
    "dublin": _simple("dublin_departures", "dublin"),
    "premiums": _simple("premiums_paid", "premiums"),
    "unaccompanied_minors": _simple("unaccompanied_minors", "minors"),
    "families": _simple("families_share", "families"),
    "destination_countries": _simple("destination_countries_count", "destinations"),
}

# The fact check builds on `Result` and `fact` above, so it is registered last.
from bot.factcheck import check as _check_claim  # noqa: E402

_RUNNERS["fact_check"] = _check_claim
