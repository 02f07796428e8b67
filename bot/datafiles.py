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
from typing import Literal, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.errors import DataError, Problem
from bot.paths import DATA_DIR

__all__ = [
    "DATA_DIR", "Figure", "IMPORT_COLUMNS", "INDICATORS", "MAX_IMPORT_ROWS", "MAX_PERSONS",
    "MAX_PRINTED_PROBLEMS", "Publication", "Taken", "load_data", "read_import_csv",
]

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
# An import larger than this is refused: the whole store is loaded when the bot starts, and a
# year of per-country tables is a few hundred rows.
MAX_IMPORT_ROWS = 50_000
# More problems than this are summed up in one line ("… and 117,767 more").
MAX_PRINTED_PROBLEMS = 50
# Belgium's programme has never counted more than about 12,000 people in a year.
MAX_PERSONS = 100_000
# Where each figure already is, to catch repeats and contradictions across data/figures.csv and
# every import: (key, source) and (key, source, value) -> (value, "file:line").
Taken = dict[tuple[object, ...], tuple[float, str]]
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@cache
def _countries() -> frozenset[str]:
    """The countries answers know (bot/countries.py): one list for importing and answering."""
    from bot.countries import COUNTRY_CODES

    return frozenset(COUNTRY_CODES)


def _count_bounds(unit: str) -> tuple[str, int, int]:
    """What a count in `unit` is called, and its plausible whole values (lowest, highest)."""
    countries = len(_countries())
    return {"persons": ("a number of persons", 0, MAX_PERSONS),
            "rank": ("a rank", 1, countries),
            "countries": ("a number of countries", 1, countries)}[unit]


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
    value: float = Field(allow_inf_nan=False)
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
            raise ValueError(f"{v!r} is not the ISO 3166-1 alpha-2 code of a country people "
                             "return to (XK for Kosovo; not BE, EU, UN or ZZ)")
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
        else:
            what, low, high = _count_bounds(self.unit)
            if not (low <= self.value <= high and self.value == int(self.value)):
                raise ValueError(f"value: {self.value:g} is implausible: {what} is a whole "
                                 f"number from {low:,} to {high:,}")
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


def _refuse(problems: list[Problem]) -> NoReturn:
    """Raise every problem, summing up the ones past the first MAX_PRINTED_PROBLEMS."""
    shown = problems[:MAX_PRINTED_PROBLEMS]
    if len(problems) > len(shown):
        files = sorted({p.file for p in problems[len(shown):]})
        shown.append(Problem(", ".join(files), 0, "",
                             f"… and {len(problems) - len(shown):,} more problems"))
    raise DataError(shown)


Rows = list[tuple[int, dict[str, str]]]
# csv reads bytes that are not UTF-8 as lone surrogates (errors="surrogateescape"); NUL bytes
# come from spreadsheets and UTF-16 files.
_NOT_TEXT = re.compile("[\udc80-\udcff\x00]")
_SAVE_AS_UTF8 = "save it as “CSV UTF-8 (comma delimited)”"


def _read_csv(path: Path, columns: Iterable[str] | None = None,
              max_rows: int | None = None) -> Rows:
    """Read a CSV's rows with the line each ends on; a UTF-8 BOM (Excel) is skipped."""
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            reader = csv.DictReader(f)
            try:
                _check_header(path.name, reader.fieldnames, columns)
                return _read_rows(path.name, reader, max_rows)
            except csv.Error as e:
                raise DataError([Problem(path.name, reader.line_num, "file",
                                         f"not a readable CSV ({e})")]) from e
    except OSError as e:
        raise DataError([Problem(path.name, 0, "file",
                                 f"cannot be read ({e.strerror or e})")]) from e


def _read_rows(file: str, reader: csv.DictReader[str], max_rows: int | None) -> Rows:
    rows: Rows = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if max_rows is not None and len(rows) >= max_rows:
            raise DataError([Problem(file, line, "file", f"more than {max_rows:,} rows; split "
                                     f"it into files of at most {max_rows:,} rows")])
        if not any(row.values()) and None not in row:
            continue  # a row of bare commas, as spreadsheets write below a table
        if None in row or any(v is None for v in row.values()):
            problems.append(Problem(file, line, "row", f"wrong number of columns: "
                                    f"{len(reader.fieldnames or ())} expected"))
            continue
        problems += [Problem(file, line, column, _not_text(value))
                     for column, value in row.items() if _NOT_TEXT.search(value)]
        rows.append((line, row))
    if problems:
        _refuse(problems)
    return rows


def _check_header(file: str, header: Iterable[str] | None, columns: Iterable[str] | None) -> None:
    """Refuse a header that is not exactly `columns`, saying what to change."""
    got, expected = list(header or ()), list(columns or ())
    if columns is None or got == expected:
        return
    if not got:
        message = f"the file is empty; expected the columns {','.join(expected)}"
    elif any(_NOT_TEXT.search(name) for name in got):
        message = _not_text(",".join(got))
    elif len(got) == 1 and ";" in got[0]:
        message = ("the columns are separated by “;”, not “,”: export the file again with "
                   f"comma as the separator ({_SAVE_AS_UTF8}, with “,” as the list separator)")
    else:
        missing = [c for c in expected if c not in got]
        extra = [c for c in got if c not in expected]
        message = f"expected the columns {','.join(expected)}" + (
            f"; missing {', '.join(missing)}" if missing else "") + (
            f"; unexpected {', '.join(map(repr, extra))}" if extra else "") + (
            "; same columns, other order" if not missing and not extra else "")
    raise DataError([Problem(file, 1, "header", message)])


def _not_text(value: str) -> str:
    """Say which text is not UTF-8, as it probably reads in Windows-1252 (Excel's "CSV")."""
    if "\x00" in value:
        return ("not a text CSV (it contains NUL bytes: a spreadsheet or UTF-16 file?); "
                f"{_SAVE_AS_UTF8}")
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return f"not UTF-8 text: {raw.decode('cp1252')!r}; {_SAVE_AS_UTF8}"
    except UnicodeDecodeError:
        return f"not UTF-8 text; {_SAVE_AS_UTF8}"


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
        _refuse(problems)
    return pubs


def load_figures(path: Path, pubs: dict[str, Publication],
                 taken: Taken | None = None) -> list[Figure]:
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
        if taken is not None:
            _take(taken, fig, f"{path.name}:{line}")
        figures.append(fig)
    if problems:
        _refuse(problems)
    return figures


def load_data(
    data_dir: Path = DATA_DIR, skip_import: str | None = None, taken: Taken | None = None
) -> tuple[dict[str, Publication], list[Figure]]:
    """Load and validate publications.csv, figures.csv and every import in data/imports/.

    `taken`, when given, is filled with where each figure is (for checking a new import).
    """
    taken = {} if taken is None else taken
    pubs = load_publications(data_dir / "publications.csv")
    figures = load_figures(data_dir / "figures.csv", pubs, taken)
    for path in sorted((data_dir / "imports").glob("*.csv")):
        if path.name == skip_import:  # being re-imported: its new version replaces it
            continue
        more_pubs, more_figures = read_import_csv(path, pubs, taken)
        pubs.update(more_pubs)
        figures += more_figures
    return pubs, figures


def read_import_csv(
    path: Path, known: dict[str, Publication], taken: Taken | None = None
) -> tuple[dict[str, Publication], list[Figure]]:
    """Validate a staff import (the research CSV columns); raise DataError naming every bad row.

    A figure that `taken` (or an earlier row) already has from the same source is refused:
    the same value is a repeat, another value a contradiction.
    """
    taken = {} if taken is None else taken
    by_url = {p.url: p for p in known.values()}
    new_pubs: dict[str, Publication] = {}
    figures: list[Figure] = []
    problems: list[Problem] = []
    for line, raw in _read_csv(path, IMPORT_COLUMNS, MAX_IMPORT_ROWS):
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
        clash = _clash(fig, taken, path.name)
        if clash:
            problems.append(Problem(path.name, line, *clash))
            continue
        _take(taken, fig, f"{path.name}:{line}")
        figures.append(fig)
    if problems:
        _refuse(problems)
    return new_pubs, figures


def _take(taken: Taken, fig: Figure, where: str) -> None:
    """Record where a figure is: by what it measures and source, and with its value too."""
    taken.setdefault((*fig.key, fig.source), (fig.value, where))
    taken.setdefault((*fig.key, fig.source, fig.value), (fig.value, where))


def _clash(fig: Figure, taken: Taken, file: str) -> tuple[str, str] | None:
    """(field, problem) when the same source already gives this figure, else None."""
    same = taken.get((*fig.key, fig.source, fig.value))
    other = taken.get((*fig.key, fig.source))
    if same:
        return "row", f"repeats {_here(same[1], file)} (same figure, value and source)"
    if other and fig.indicator != "other":  # one source may state several context figures
        return "value", (f"{fig.value:g} contradicts {_here(other[1], file)}, which gives "
                         f"{other[0]:g} for the same figure from the same source")
    return None


def _here(where: str, file: str) -> str:
    """'line 3' within the file being read, 'figures.csv:120' elsewhere."""
    return where.replace(f"{file}:", "line ", 1) if where.startswith(f"{file}:") else where


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
