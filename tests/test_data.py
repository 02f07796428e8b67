"""data/: every research row is accounted for, and every data row is validated."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from bot.build import write
from bot.datafiles import DATA_DIR, load_data
from bot.errors import DataError

RESEARCH = DATA_DIR / "research"  # a verbatim copy of shared/research/figures_*.csv


def _research_rows() -> list[dict[str, str]]:
    rows = []
    for name in ("figures_2006_2016.csv", "figures_2017_2026.csv"):
        with (RESEARCH / name).open(encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                rows.append({**row, "ref": f"{name}:{line}"})
    return rows


def _take_relabelled(in_data: dict[tuple[str, ...], int], key: tuple[str, ...]) -> bool:
    """Count off a data row that is the research row under another indicator."""
    for candidate, n in in_data.items():
        if n and candidate[1:] == key[1:]:
            in_data[candidate] -= 1
            return True
    return False


def test_every_research_row_is_in_data_or_excluded_with_a_reason():
    pubs, figures = load_data()
    url_of = {p.id: p.url for p in pubs.values()}
    in_data: dict[tuple[str, ...], int] = {}
    for f in figures:
        key = (f.indicator, str(f.year), f.country or "", f.profile or "", f"{f.value:g}",
               url_of[f.source])
        in_data[key] = in_data.get(key, 0) + 1
    with (DATA_DIR / "excluded.csv").open(encoding="utf-8") as fh:
        excluded = {r["research_row"]: r["reason"] for r in csv.DictReader(fh)}
    assert all(excluded.values()), "every exclusion states its reason"
    missing = []
    research = _research_rows()
    for row in research:
        key = (row["indicator"], row["year"], row["country_iso2"], row["profile"],
               f"{float(row['value']):g}", row["source_url"])
        if in_data.get(key):
            in_data[key] -= 1
        elif row["indicator"] == "other" and _take_relabelled(in_data, key):
            pass  # a recurring quantity curated into an indicator of its own (premiums_paid…)
        elif row["ref"] not in excluded:
            missing.append(row["ref"])
    assert missing == []
    assert len(research) == 593
    assert len(figures) + len(excluded) == len(research)


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("column", "bad", "field", "words"),
    [
        pytest.param("value", "-3", "value", "whole number", id="negative-count"),
        pytest.param("value", "12.5", "value", "whole number", id="fractional-count"),
        pytest.param("indicator", "returns_totall", "indicator", "unknown indicator",
                     id="unknown-indicator"),
        pytest.param("country", "ZQ", "country", "ISO 3166", id="bad-country"),
        pytest.param("year", "1899", "year", "plausible", id="implausible-year"),
        pytest.param("unit", "rank", "unit", "measured in", id="wrong-unit"),
        pytest.param("precision", "guess", "precision", "exact", id="bad-precision"),
        pytest.param("source", "nobody-2020-en", "source", "no publication", id="unknown-source"),
    ],
)
def test_a_bad_figure_is_reported_with_file_line_and_field(tmp_path, column, bad, field, words):
    data = _copy_data(tmp_path)
    path = data / "figures.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    target = next(i for i, r in enumerate(rows) if r["indicator"] == "returns_total")
    rows[target][column] = bad
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(DataError) as info:
        load_data(data)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith(f"figures.csv:{target + 2}: {field}: ") and words in m
               for m in messages), messages


def test_a_share_above_100_percent_is_refused(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "figures.csv"
    text = path.read_text(encoding="utf-8").replace(
        "reintegration_share,fedasil,2023,year,,,70,", "reintegration_share,fedasil,2023,year,,,170,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="between 0 and 100"):
        load_data(data)


def test_a_publication_without_an_http_url_is_refused(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "publications.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("https://", "ftp://", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"publications.csv:2: url: .*http"):
        load_data(data)


def test_the_same_figure_twice_from_one_source_is_refused(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    total = next(line for line in lines if line.startswith("returns_total,fedasil,2023"))
    path.write_text("\n".join([*lines, total]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"figures.csv:{len(lines) + 1}: source: same figure"):
        load_data(data)


def test_a_broken_data_file_leaves_the_old_store_in_place(tmp_path, store_path):
    data = _copy_data(tmp_path)
    (data / "figures.csv").write_text("indicator,year\nreturns_total,20x3\n", encoding="utf-8")
    target = tmp_path / "store.db"
    shutil.copyfile(store_path, target)
    before = target.read_bytes()
    with pytest.raises(DataError):
        write(target, data)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob(".returnbot-*")), "no temporary file is left behind"


def test_the_build_is_deterministic(tmp_path):
    write(tmp_path / "a.db")
    write(tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()


def test_partial_year_figures_are_never_annual_values():
    _, figures = load_data()
    for f in figures:
        if f.indicator == "returns_half_year":
            assert f.period == "H1"
        if f.period != "year":
            assert f.indicator not in ("returns_total",)
    jan_may = [f for f in figures if f.value == 1731]
    assert jan_may and all(f.period == "partial" for f in jan_may)
