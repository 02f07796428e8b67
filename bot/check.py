"""`returnbot db check`: a report for the press office on conflicts and gaps in the store."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

__all__ = ["report"]

# Indicators the press office expects every year, with the first year they were published.
_YEARLY = ("returns_total", "reintegration_share", "share_by_profile", "rank_by_country",
           "returns_by_country", "dublin_departures", "reintegration_count")


def report(db_path: Path) -> str:
    """Return the plain-text report: conflicting values, missing annual totals, gaps."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return "\n".join([*_conflicts(conn), "", *_missing_totals(conn), "", *_gaps(conn)])
    finally:
        conn.close()


def _sources(conn: sqlite3.Connection, figure_id: int) -> str:
    rows = conn.execute(
        "select p.publisher, p.published, p.url from figure_sources s join publications p "
        "on p.id = s.publication_id where s.figure_id = ? order by p.published desc, p.id",
        (figure_id,)).fetchall()
    return "; ".join(f"{r['publisher']} {r['published'] or 'undated'} <{r['url']}>" for r in rows)


def _conflicts(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "select * from figures where indicator != 'other' order by indicator, series, year, "
        "period, country, profile, preferred desc, value").fetchall()
    groups: dict[tuple[object, ...], list[sqlite3.Row]] = defaultdict(list)
    for r in rows:
        key = (r["indicator"], r["series"], r["year"], r["period"], r["country"], r["profile"],
               r["compare_year"])
        groups[key].append(r)
    lines = ["SOURCES DISAGREE (the value marked * is the one answers use)"]
    n = 0
    for (indicator, series, year, period, country, profile, _cy), values in groups.items():
        if len(values) < 2:
            continue
        n += 1
        where = " ".join(str(x) for x in (country, profile) if x)
        head = f"{indicator} [{series}] {year}{'' if period == 'year' else f' {period}'}"
        lines.append(f"- {head} {where}".rstrip())
        for r in values:
            mark = "*" if r["preferred"] else " "
            lines.append(f"   {mark} {r['value']:g} ({r['precision']}): {_sources(conn, r['id'])}")
    lines.append(f"{n} conflicts.")
    return lines


def _missing_totals(conn: sqlite3.Connection) -> list[str]:
    years = [r[0] for r in conn.execute(
        "select distinct year from figures where indicator='returns_total' and series='fedasil' "
        "and preferred=1 order by year")]
    first, last = (min(years), max(years)) if years else (0, -1)
    all_years = {r[0] for r in conn.execute("select distinct year from figures")}
    missing = sorted(y for y in all_years | set(range(first, last + 1)) if y not in years)
    return ["YEARS WITHOUT A FEDASIL ANNUAL TOTAL",
            ", ".join(map(str, missing)) if missing else "none"]


def _gaps(conn: sqlite3.Connection) -> list[str]:
    lines = ["INDICATORS WITH GAPS (years between the first and last published value)"]
    for indicator in _YEARLY:
        years = sorted({r[0] for r in conn.execute(
            "select year from figures where indicator=? and period='year' and preferred=1",
            (indicator,))})
        if not years:
            continue
        gaps = [y for y in range(years[0], years[-1] + 1) if y not in years]
        lines.append(f"- {indicator}: published {years[0]}–{years[-1]}; missing: "
                     f"{', '.join(map(str, gaps)) if gaps else 'none'}")
    countries = conn.execute(
        "select country, group_concat(year) from (select distinct country, year from figures "
        "where indicator='returns_by_country' and period='year' and preferred=1 "
        "order by country, year) group by country order by country").fetchall()
    lines.append("- returns_by_country: counts exist only for " + "; ".join(
        f"{c} ({y.replace(',', ', ')})" for c, y in countries))
    return lines
