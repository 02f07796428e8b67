"""Datasette metadata for the store: titles and descriptions of every table and column, the
sources and attribution, and the canned queries (annual totals, per country, per publication,
conflicts)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

__all__ = ["CANNED_QUERIES", "TABLES", "metadata"]

# Title and description of every table the store holds (columns come from its `columns` table).
TABLES: dict[str, tuple[str, str]] = {
    "figures": ("Published figures",
                "One row per distinct published value: what is counted, for which year, "
                "country and profile, its precision, and whether answers use it (preferred)."),
    "publications": ("Publications",
                     "Every press release, statement, parliamentary answer or article a figure "
                     "comes from, with its publisher, date, language and reliability."),
    "figure_sources": ("Which publication states which figure",
                       "Links figures to the publications that state them, with the words used."),
    "aliases": ("Country names",
                "Names people use for countries, per language: CLDR names (Babel) and curated "
                "variants, demonyms and inflected forms."),
    "cues": ("Parser phrases", "Words the question parser recognises, per language."),
    "models": ("Trained question router",
               "The models that choose a question's kind, support topic and language, trained "
               "at build from the example bank (data/examples/)."),
    "content": ("Support information",
                "How to apply, who is eligible, what support covers, partners and contacts, "
                "per topic and language, each with its sources."),
    "content_fts": ("Support information (full-text index)", "FTS5 index of the content table."),
    "meta": ("Build information", "Schema version and the fingerprint of the data/ files."),
    "columns": ("Column descriptions", "What every column of every table means."),
}

# Figures that disagree: the same indicator, series, year, period, country and profile stated
# with different values by different publications (the `returnbot db check` report as rows).
_CONFLICTS = """
select f.indicator, f.series, f.year, f.period, f.country, f.profile, f.value, f.unit,
  f.precision, f.preferred, p.publisher, p.title, p.published, p.url
from figures f
join figure_sources s on s.figure_id = f.id
join publications p on p.id = s.publication_id
where f.indicator != 'other' and exists (
  select 1 from figures g
  where g.id != f.id and g.indicator = f.indicator and g.series = f.series
    and g.year = f.year and g.period = f.period
    and g.country is f.country and g.profile is f.profile and g.compare_year is f.compare_year)
order by f.indicator, f.series, f.year, f.country, f.profile, f.preferred desc, f.value,
  p.published desc
"""

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "annual_totals": {
        "title": "Annual totals per series",
        "description": "The yearly number of voluntary returns, one column per series "
                       "(fedasil: the programme figure; government: the wider count), "
                       "with the source answers cite.",
        "sql": "select f.year, f.series, f.value, f.precision, p.publisher, p.title, "
               "p.published, p.url from figures f join publications p on p.id = f.best_source "
               "where f.indicator = 'returns_total' and f.period = 'year' and f.preferred = 1 "
               "order by f.year, f.series",
    },
    "figures_by_country": {
        "title": "Figures per country",
        "description": "Every published figure about one destination country "
                       "(ISO 3166-1 alpha-2 code, e.g. GE, BR, MD).",
        "sql": "select f.year, f.indicator, f.series, f.value, f.unit, f.precision, f.preferred, "
               "p.publisher, p.title, p.published, p.url from figures f "
               "join publications p on p.id = f.best_source "
               "where f.country = upper(:country) order by f.year, f.indicator",
    },
    "figures_by_publication": {
        "title": "Figures per publication",
        "description": "Every figure one publication states, with its own words "
                       "(the publication id from the publications table).",
        "sql": "select p.publisher, p.title, p.published, p.url, f.indicator, f.series, f.year, "
               "f.country, f.profile, f.value, f.unit, s.evidence from figure_sources s "
               "join figures f on f.id = s.figure_id join publications p "
               "on p.id = s.publication_id where s.publication_id = :publication "
               "order by f.year, f.indicator",
    },
    "conflicts": {
        "title": "Conflicts: sources that disagree",
        "description": "Figures stated with different values by different publications, each "
                       "with its source; preferred = 1 marks the value answers use (the "
                       "`returnbot db check` report as rows).",
        "sql": _CONFLICTS.strip(),
    },
}


def metadata(db_path: Path) -> dict[str, Any]:
    """The Datasette metadata for the store at `db_path`."""
    return {
        "title": "ReturnBot: published figures on voluntary return from Belgium",
        "description": "Every figure Fedasil, the government and others published on assisted "
                       "voluntary return from Belgium, each with the publication that states it.",
        "source": "Fedasil, the State Secretary for Asylum and Migration, the Immigration "
                  "Office, IOM, Caritas International, Parliament and the press",
        "license": "Attribution: cite the publication named with each figure",
        "about": "ReturnBot",
        "about_url": "/",
        "databases": {db_path.stem: {
            "tables": _tables(db_path),
            "queries": CANNED_QUERIES,
        }},
    }


# Columns the store's `columns` table leaves out (its own, the build table's, the index's).
_MORE_COLUMNS: dict[str, dict[str, str]] = {
    "meta": {"key": "What the value is (schema_version, data_fingerprint)",
             "value": "The value"},
    "columns": {"table": "Table name", "column": "Column name",
                "description": "What the column holds"},
    "content_fts": {"title": "Indexed topic title", "text": "Indexed information text",
                    "keywords": "Indexed keywords"},
}


def _tables(db_path: Path) -> dict[str, Any]:
    columns = _column_descriptions(db_path)
    for table, described in _MORE_COLUMNS.items():
        columns[table] = {**described, **columns.get(table, {})}
    return {name: {"title": title, "description": description,
                   "columns": columns.get(name, {})}
            for name, (title, description) in TABLES.items()}


def _column_descriptions(db_path: Path) -> dict[str, dict[str, str]]:
    """The store's own `columns` table, so the build and the page describe columns once."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute('select "table", "column", description from columns').fetchall()
    finally:
        conn.close()
    described: dict[str, dict[str, str]] = {}
    for table, column, description in rows:
        described.setdefault(table, {})[column] = description
    return described
