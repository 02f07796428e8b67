"""Read and validate the human-edited files in data/ (and staff import CSVs) with pydantic.

Every problem is reported as `FILE:LINE: field: what is wrong`, and nothing is written
until every row of every file is valid.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from bot.errors import DataError, Problem

__all__ = [
    "DATA_DIR", "Figure", "IMPORT_COLUMNS", "INDICATORS", "Publication", "load_data",
    "read_import_csv",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# indicator -> the units it may have. `other` holds context figures (forced returns, return
# desks, partial periods...) that are kept with their description but never answered alone.
INDICATORS: dict[str, tuple[str, ...]] = {
    "returns_total": ("persons",),
    "returns_by_country": ("persons",),
    "rank_by_country": ("rank",),
    "returns_by_profile": ("persons",),
    "share_by_profile": ("percent",),
    "returns_half_year": ("persons",),
    "change_vs_previous_year_pct": ("percent",),
    "change_vs_year_pct": ("percent",),
    "reintegration_count": ("persons",),
    "reintegration_share": ("percent",),
    "dublin_departures": ("persons",),
    "unaccompanied_minors": ("persons",),
    "families_share": ("percent",),
    "destination_countries_count": ("countries",),
    "premiums_paid": ("persons",), "returns_immigration_office": ("persons",), "forced_returns": ("persons",), "returns_all_types": ("persons",), "outreach_contacts": ("persons",),
    "other": ("persons", "percent", "rank", "countries"),
}
SHARES = {"share_by_profile", "reintegration_share", "families_share"}
CHANGES = {"change_vs_previous_year_pct", "change_vs_year_pct"}
IMPORT_COLUMNS = (
    "indicator", "year", "country_iso2", "profile", "value", "unit", "precision", "source_url",
    "source_publisher", "source_title", "source_date", "source_language", "evidence",
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@cache
def _countries() -> frozenset[str]:
    from babel import Locale

    codes = {c for c in Locale("en").territories
             if isinstance(c, str) and len(c) == 2 and c.isalpha()}
    return frozenset(codes | {"XK"})


def _check_date(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    assert value is not None
    if not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date like 2024-02-06, 2024-02 or 2024")
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        date(*parts)  # raises on 2024-02-31
    elif len(parts) == 2 and not 1 <= parts[1] <= 12:
        raise ValueError(f"{value!r} has no month {parts[1]}")
    return value


class Publication(BaseModel):
    """One published source: a press release, a statement, an article."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    publisher: str
    title: str
    url: str
    published: str | None = None
    language: str
    kind: Literal["agency", "government", "parliament", "partner", "press", "party", "blog",
                  "other"]
    reliability: Literal["official", "secondary"]

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("use lowercase letters, digits and dashes only")
        return v

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, v: str) -> str:
        if not re.match(r"^https?://\S+$", v):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v

    @field_validator("published")
    @classmethod
    def _published_is_date(cls, v: str | None) -> str | None:
        return _check_date(v)

    @field_validator("language")
    @classmethod
    def _language_code(cls, v: str) -> str:
        if not re.match(r"^[a-z]{2}$", v):
            raise ValueError(f"{v!r} is not a two-letter language code")
        return v

    @field_validator("publisher", "title")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v:
            raise ValueError("must not be empty")
        return v


class Figure(BaseModel):
    """One published figure as one source states it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator: str
    series: Literal["fedasil", "government", "iom", "caritas", "other"] = "fedasil"
    year: int
    period: Literal["year", "H1", "partial"] = "year"
    country: str | None = None
    profile: Literal["asylum_applicant", "rejected_applicant", "irregular_stay"] | None = None
    value: float
    unit: Literal["persons", "percent", "countries", "rank"]
    precision: Literal["exact", "rounded", "approximate"]
    compare_year: int | None = None
    source: str
    use: Literal["prefer", "no"] | None = None
    note: str | None = None
    evidence: str | None = None

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, v: str) -> str:
        if v not in INDICATORS:
            raise ValueError(f"unknown indicator {v!r}; known: {', '.join(INDICATORS)}")
        return v

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, v: int) -> int:
        if not 2000 <= v <= date.today().year + 1:
            raise ValueError(f"{v} is not a plausible year (2000 to next year)")
        return v

    @field_validator("country")
    @classmethod
    def _iso_country(cls, v: str | None) -> str | None:
        if v and v.upper() not in _countries():
            raise ValueError(f"{v!r} is not an ISO 3166-1 alpha-2 code (XK for Kosovo)")
        return v.upper() if v else None

    @model_validator(mode="after")
    def _value_fits_unit(self) -> Figure:
        if self.unit not in INDICATORS[self.indicator]:
            raise ValueError(
                f"unit: {self.indicator} is measured in {', '.join(INDICATORS[self.indicator])}, "
                f"not {self.unit}"
            )
        if self.unit == "percent":
            low, high = (0.0, 100.0) if self.indicator in SHARES else (-100.0, 1000.0)
            if not low <= self.value <= high:
                raise ValueError(f"value: a percentage here must be between {low:g} and {high:g}")
        elif self.value < 0 or self.value != int(self.value):
            raise ValueError(f"value: a count of {self.unit} must be a whole number ≥ 0")
        if self.indicator == "change_vs_year_pct" and self.compare_year is None:
            raise ValueError("compare_year: change_vs_year_pct needs the year it compares with")
        return self

    @property
    def key(self) -> tuple[object, ...]:
        """What the figure measures; two values under one key are a conflict."""
        return (self.indicator, self.series, self.year, self.period, self.country,
                self.profile, self.unit, self.compare_year)


def _blank_to_none(row: Mapping[str, str | None]) -> dict[str, str | None]:
    return {k: (v if v not in ("", None) else None) for k, v in row.items()}


def _problems(file: str, line: int, err: ValidationError) -> list[Problem]:
    out = []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"]) or "row"
        message = str(e["msg"]).removeprefix("Value error, ")
        if field == "row" and ": " in message:  # model-level checks name their field first
            field, message = message.split(": ", 1)
        out.append(Problem(file, line, field, message))
    return out


def _read_csv(path: Path, columns: Iterable[str] | None = None) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if columns is not None and tuple(reader.fieldnames or ()) != tuple(columns):
                raise DataError([Problem(
                    path.name, 1, "header",
                    f"expected the columns {','.join(columns)}; got {','.join(reader.fieldnames or [])}",
                )])
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise DataError([Problem(path.name, reader.line_num, "row",
                                             "wrong number of columns")])
                rows.append((reader.line_num, row))
            return rows
    except UnicodeDecodeError as e:
        raise DataError([Problem(path.name, 0, "file", f"not UTF-8 text ({e.reason})")]) from e
    except csv.Error as e:
        raise DataError([Problem(path.name, 0, "file", f"not a readable CSV ({e})")]) from e


def load_publications(path: Path) -> dict[str, Publication]:
    """Read data/publications.csv."""
    pubs: dict[str, Publication] = {}
    problems: list[Problem] = []
    urls: dict[str, str] = {}
    for line, row in _read_csv(path):
        try:
            pub = Publication.model_validate(_blank_to_none(row))
        except ValidationError as e:
            problems += _problems(path.name, line, e)
            continue
        if pub.id in pubs:
            problems.append(Problem(path.name, line, "id", f"{pub.id!r} is used twice"))
        if pub.url in urls:
            problems.append(Problem(path.name, line, "url", f"already listed as {urls[pub.url]}"))
        pubs[pub.id] = pub
        urls[pub.url] = pub.id
    if problems:
        raise DataError(problems)
    return pubs


def load_figures(path: Path, pubs: dict[str, Publication]) -> list[Figure]:
    """Read a figures file and check every source exists and no row is given twice."""
    figures: list[Figure] = []
    problems: list[Problem] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, row in _read_csv(path):
        try:
            fig = Figure.model_validate(_blank_to_none(row))
        except ValidationError as e:
            problems += _problems(path.name, line, e)
            continue
        if fig.source not in pubs:
            problems.append(Problem(path.name, line, "source",
                                    f"no publication {fig.source!r} in publications.csv"))
        dup = (*fig.key, fig.value, fig.source)
        if dup in seen:
            problems.append(Problem(path.name, line, "source",
                                    f"same figure from the same source as line {seen[dup]}"))
        seen[dup] = line
        figures.append(fig)
    if problems:
        raise DataError(problems)
    return figures


def load_data(
    data_dir: Path = DATA_DIR, skip_import: str | None = None
) -> tuple[dict[str, Publication], list[Figure]]:
    """Load and validate publications.csv, figures.csv and every import in data/imports/."""
    pubs = load_publications(data_dir / "publications.csv")
    figures = load_figures(data_dir / "figures.csv", pubs)
    for path in sorted((data_dir / "imports").glob("*.csv")):
        if path.name == skip_import:  # being re-imported: its new version replaces it
            continue
        more_pubs, more_figures = read_import_csv(path, pubs)
        pubs.update(more_pubs)
        figures += more_figures
    return pubs, figures


def read_import_csv(
    path: Path, known: dict[str, Publication]
) -> tuple[dict[str, Publication], list[Figure]]:
    """Validate a staff import (the research CSV columns); raise DataError naming every bad row."""
    by_url = {p.url: p for p in known.values()}
    new_pubs: dict[str, Publication] = {}
    figures: list[Figure] = []
    problems: list[Problem] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, raw in _read_csv(path, IMPORT_COLUMNS):
        row = _blank_to_none(raw)
        pub = by_url.get(row["source_url"] or "")
        if pub is None:
            try:
                pub = Publication.model_validate({
                    "id": _import_id(path, known, new_pubs),
                    "publisher": row["source_publisher"], "title": row["source_title"],
                    "url": row["source_url"], "published": row["source_date"],
                    "language": row["source_language"], "kind": "agency",
                    "reliability": "official",
                })
            except ValidationError as e:
                problems += [_rename(p) for p in _problems(path.name, line, e)]
                continue
            new_pubs[pub.id] = pub
            by_url[pub.url] = pub
        try:
            fig = Figure.model_validate({
                "indicator": row["indicator"], "year": row["year"],
                "country": row["country_iso2"], "profile": row["profile"],
                "value": row["value"], "unit": row["unit"], "precision": row["precision"],
                "period": "H1" if row["indicator"] == "returns_half_year" else "year",
                "source": pub.id, "evidence": row["evidence"] or "",
                "note": f"imported from {path.name}",
            })
        except ValidationError as e:
            problems += [_rename(p) for p in _problems(path.name, line, e)]
            continue
        dup = (*fig.key, fig.value, fig.source)
        if dup in seen:
            problems.append(Problem(path.name, line, "row", f"repeats line {seen[dup]}"))
        seen[dup] = line
        figures.append(fig)
    if problems:
        raise DataError(problems)
    return new_pubs, figures


_IMPORT_FIELD_NAMES = {"country": "country_iso2", "publisher": "source_publisher",
                       "title": "source_title", "url": "source_url",
                       "published": "source_date", "language": "source_language"}


def _rename(p: Problem) -> Problem:
    """Name fields as the import CSV's columns, not as our models' attributes."""
    return Problem(p.file, p.line, _IMPORT_FIELD_NAMES.get(p.field, p.field), p.message)


def _import_id(path: Path, known: dict[str, Publication], new: dict[str, Publication]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "import"
    n = len(new) + 1
    while f"import-{stem}-{n}" in known or f"import-{stem}-{n}" in new:
        n += 1
    return f"import-{stem}-{n}"
