"""What is new in the store, and the alert text about it (bot/alerts.py), on the real store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.alerts import NewFigure, compose, figure_keys, headline_query, new_figures
from bot.build import write
from bot.engine import Engine
from bot.i18n import LANGUAGES
from bot.imports import import_csv

HEADER = ("indicator,year,country_iso2,profile,value,unit,precision,source_url,source_publisher,"
          "source_title,source_date,source_language,evidence\n")
SOURCE = "https://www.fedasil.be/en/annual-report-2026.pdf,Fedasil,Annual report 2026,2026-11-30,en,Table"


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts") / "returnbot.db"
    write(path)
    return path


def imported(base_store: Path, tmp_path: Path, rows: str) -> Path:
    store = tmp_path / "returnbot.db"
    shutil.copy(base_store, store)
    csv = tmp_path / "import.csv"
    csv.write_text(HEADER + rows, encoding="utf-8")
    import_csv(csv, store, tmp_path / "kept")
    return store


def figure(indicator: str, year: int, country: str = "", series: str = "fedasil") -> NewFigure:
    return NewFigure(indicator, series, year, "year", country, "", 1.0)


def test_a_rebuild_of_the_same_data_has_nothing_new(base_store, tmp_path):
    again = tmp_path / "again.db"
    write(again)
    assert new_figures(figure_keys(again), figure_keys(base_store)) == []


def test_an_import_brings_exactly_its_figures(base_store, tmp_path):
    store = imported(base_store, tmp_path,
                     f"returns_total,2026,,,3001,persons,exact,{SOURCE}\n"
                     f"returns_by_country,2026,GE,,401,persons,exact,{SOURCE}\n")
    new = new_figures(figure_keys(store), figure_keys(base_store))
    assert [(f.indicator, f.year, f.country, f.value) for f in new] == [
        ("returns_by_country", 2026, "GE", 401.0), ("returns_total", 2026, "", 3001.0)]


def test_headline_is_the_programme_total_then_the_latest_country_figure():
    assert headline_query([figure("returns_by_country", 2026, "GE"),
                           figure("returns_total", 2025, series="government"),
                           figure("returns_total", 2026)]) == {
        "kind": "total", "year": 2026, "series": "fedasil"}
    assert headline_query([figure("returns_by_country", 2024, "MA"),
                           figure("returns_by_country", 2026, "GE")])["country"] == "GE"
    assert headline_query([figure("other", 2026)]) is None


def test_alert_about_a_new_total_states_the_change_and_the_source_in_every_language(
    base_store, tmp_path
):
    store = imported(base_store, tmp_path, f"returns_total,2026,,,3001,persons,exact,{SOURCE}\n")
    engine = Engine(store)
    try:
        texts = compose(engine, new_figures(figure_keys(store), figure_keys(base_store)))
    finally:
        engine.close()
    assert set(texts) == set(LANGUAGES)
    # (3,001 − 3,122) / 3,122 = −3.88%: every number from the store, the change computed.
    assert texts["en"].startswith("New: 3,001 voluntary returns in 2026 (−3.9% on 2025)\n")
    assert "Annual report 2026" in texts["en"]
    assert "\u2066" in texts["ar"]  # numbers isolated inside right-to-left text
    assert len({texts[lang].split("\n")[0] for lang in LANGUAGES}) == len(LANGUAGES)


def test_alert_about_another_indicator_is_the_answer_about_it(base_store, tmp_path):
    store = imported(base_store, tmp_path,
                     f"returns_by_country,2026,GE,,401,persons,exact,{SOURCE}\n")
    engine = Engine(store)
    try:
        texts = compose(engine, new_figures(figure_keys(store), figure_keys(base_store)))
    finally:
        engine.close()
    assert texts["en"].startswith("New figures were published:\n")
    assert "401" in texts["en"] and "Georgia" in texts["en"] and "2026" in texts["en"]
