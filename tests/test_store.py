"""The built store: tables, preferred values under conflict, and `db check`."""

from __future__ import annotations

import sqlite3

from bot.check import report


def test_the_store_has_described_tables_and_indexes(store_path):
    conn = sqlite3.connect(store_path)
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert {"publications", "figures", "figure_sources", "aliases", "cues", "content",
            "columns", "meta"} <= tables
    described = {r[0] for r in conn.execute('select distinct "table" from columns')}
    assert {"publications", "figures", "figure_sources"} <= described
    indexes = [r[0] for r in conn.execute("select name from sqlite_master where type='index'")]
    assert any("indicator" in i for i in indexes)


def test_the_revised_2022_reintegration_share_is_the_one_answers_use(store_path):
    conn = sqlite3.connect(store_path)
    rows = dict(conn.execute(
        "select value, preferred from figures where indicator='reintegration_share' "
        "and year=2022 and series='fedasil'").fetchall())
    assert rows == {73.0: 1, 74.0: 0}


def test_fedasil_and_government_totals_are_separate_series(store_path):
    conn = sqlite3.connect(store_path)
    rows = dict(conn.execute(
        "select series, value from figures where indicator='returns_total' and year=2023 "
        "and preferred=1").fetchall())
    assert rows["fedasil"] == 2952
    assert rows["government"] == 3107


def test_a_figure_only_a_blog_states_is_not_usable(store_path):
    conn = sqlite3.connect(store_path)
    usable = conn.execute(
        "select usable from figures where indicator='returns_by_country' and year=2010 "
        "and country='BR'").fetchone()
    assert usable == (0,)


def test_check_reports_conflicts_with_both_values_and_sources(store_path):
    text = report(store_path)
    section = text.split("reintegration_share [fedasil] 2022", 1)[1].split("\n- ", 1)[0]
    assert "* 73" in section and "74" in section
    assert "https://fedasil.be/nl/node/11817" in section
    assert "YEARS WITHOUT A FEDASIL ANNUAL TOTAL\n2007" in text
    assert "returns_by_country: counts exist only for" in text
