"""Checks the support-information topics in data/content/ (one YAML file per topic).

Each file is checked on its own (one parametrized test per file and rule), so a failure names
the topic. The rules protect what a translation most easily breaks: phone numbers, URLs,
e-mail addresses and euro amounts must appear unchanged in every language.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "data" / "content"
LANGUAGES = ("nl", "fr", "en", "de", "es", "pt", "ro", "ru", "uk", "tr", "ar", "ka")
REQUIRED_KEYS = {"id", "title", "summary", "stated", "countries", "sources", "keywords", "text"}

STATED_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s,;()<>\"']+")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Belgian numbers as written in the texts: "0800 32 745", "02/488 97 77".
PHONE_RE = re.compile(r"(?<![\w/.,])(?:\+|0)\d(?:[ /.-]?\d){5,}")
EURO_RE = re.compile(r"€\d[\d,.]*\d|€\d")
MIN_WORDS, MAX_WORDS = 80, 200
MIN_KEYWORDS, MAX_KEYWORDS = 5, 15
MAX_SUMMARY_WORDS = 45
# Notes meant for curators, never for a reader, in any language ("TODO" only in capitals:
# Spanish and Portuguese "todo" means "all").
CURATION_NOTE_RE = re.compile(
    r"TODO|FIXME|XXX|⚠|(?i:\bslug\b|\bresearch|unverified|outdated\?|check before|"
    r"\bcurat(?:or|ion|ed)\b|excerpt|truncated)")

FILES = sorted(CONTENT_DIR.glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


def _period_end(value: str) -> date:
    """The last day a YYYY, YYYY-MM or YYYY-MM-DD value can stand for."""
    match = STATED_RE.match(value)
    assert match, f"not a YYYY[-MM[-DD]] date: {value!r}"
    year, month, day = match.groups()
    if day:
        return date(int(year), int(month), int(day))
    if month:
        return date(int(year), int(month), calendar.monthrange(int(year), int(month))[1])
    return date(int(year), 12, 31)


def _word_count(text: str) -> int:
    """Words are whitespace-separated tokens with a letter or digit ("•", "?", ":" are not)."""
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


def _tokens(pattern: re.Pattern[str], text: str) -> set[str]:
    return {token.rstrip(".:") for token in pattern.findall(text)}


@pytest.fixture(params=FILES, ids=[path.stem for path in FILES])
def topic(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    return request.param, _load(request.param)


def test_content_dir_has_topics() -> None:
    assert FILES, f"no topic files in {CONTENT_DIR}"


def test_core_topics_present() -> None:
    core = {
        "how_to_apply",
        "eligibility",
        "travel_and_premium",
        "reintegration",
        "country_exceptions",
        "special_groups",
        "confidentiality",
        "partners",
        "funding",
        "definitions",
        "voluntary_return",
        "come_back_later",
        "contact",
    }
    assert core <= {path.stem for path in FILES}


def test_keys_and_id(topic: tuple[Path, dict[str, Any]]) -> None:
    path, data = topic
    assert set(data) >= REQUIRED_KEYS, f"missing keys: {REQUIRED_KEYS - set(data)}"
    assert data["id"] == path.stem
    assert re.fullmatch(r"[a-z][a-z0-9_]*", data["id"])


@pytest.mark.parametrize("field", ["title", "summary", "keywords", "text"])
def test_all_languages_present(topic: tuple[Path, dict[str, Any]], field: str) -> None:
    _, data = topic
    values = data[field]
    assert isinstance(values, dict)
    assert set(values) == set(LANGUAGES), (
        f"{field}: languages {sorted(set(values) ^ set(LANGUAGES))}"
    )
    for lang in LANGUAGES:
        value = values[lang]
        assert value, f"{field}.{lang} is empty"
        if field == "keywords":
            assert isinstance(value, list)
        else:
            assert isinstance(value, str) and value.strip(), f"{field}.{lang} is blank"


def test_stated_is_a_date(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    stated = str(data["stated"])
    _period_end(stated)
    assert _period_end(stated) <= date.today()


def test_sources(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    sources = data["sources"]
    assert isinstance(sources, list) and sources, "at least one source"
    stated_end = _period_end(str(data["stated"]))
    for source in sources:
        assert source.get("publisher") and source.get("title"), source
        assert re.match(r"^https?://\S+$", str(source.get("url", ""))), source
        assert "date" in source, f"source without a date key (use null): {source['url']}"
        if source["date"] is not None:
            published = _period_end(str(source["date"]))
            assert published <= stated_end, f"source newer than stated: {source['url']}"


def test_countries(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    countries = data["countries"]
    assert isinstance(countries, list)
    for code in countries:
        assert re.fullmatch(r"[A-Z]{2}", code), code
    assert len(set(countries)) == len(countries)


def test_keywords_lowercase_and_count(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    for lang, keywords in data["keywords"].items():
        assert MIN_KEYWORDS <= len(keywords) <= MAX_KEYWORDS, f"{lang}: {len(keywords)} keywords"
        for keyword in keywords:
            assert isinstance(keyword, str) and keyword.strip() == keyword and keyword, (
                lang,
                keyword,
            )
            assert keyword == keyword.lower(), f"{lang}: keyword not lowercase: {keyword!r}"
        assert len(set(keywords)) == len(keywords), f"{lang}: duplicate keywords"


def test_text_length(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    for lang, text in data["text"].items():
        words = _word_count(text)
        assert MIN_WORDS <= words <= MAX_WORDS, f"{lang}: {words} words"


def test_summary_is_one_short_line(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    for lang, summary in data["summary"].items():
        assert "\n" not in summary.strip(), f"{lang}: summary has more than one line"
        words = _word_count(summary)
        assert 5 <= words <= MAX_SUMMARY_WORDS, f"{lang}: summary of {words} words"


def test_summary_is_not_a_copy_of_the_title(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    for lang in LANGUAGES:
        assert data["summary"][lang].strip() != data["title"][lang].strip(), lang


def test_no_curation_notes_reach_a_reader(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    for field in ("title", "summary", "text"):
        for lang, value in data[field].items():
            found = CURATION_NOTE_RE.findall(value)
            assert not found, f"{field}.{lang}: curation note {found}"


def test_plain_text_no_markdown_headings(topic: tuple[Path, dict[str, Any]]) -> None:
    _, data = topic
    for lang, text in data["text"].items():
        for line in text.splitlines():
            assert not line.lstrip().startswith("#"), f"{lang}: heading {line!r}"
            assert not re.match(r"^\s*[-*] ", line), f"{lang}: use '• ' for bullets: {line!r}"


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [("phone", PHONE_RE), ("url", URL_RE), ("email", EMAIL_RE), ("euro", EURO_RE)],
)
def test_contacts_and_amounts_unchanged_in_every_language(
    topic: tuple[Path, dict[str, Any]], kind: str, pattern: re.Pattern[str]
) -> None:
    _, data = topic
    for field in ("summary", "text"):
        expected = _tokens(pattern, data[field]["en"])
        for lang in LANGUAGES:
            text = data[field][lang]
            missing = {token for token in expected if token not in text}
            assert not missing, f"{field}.{lang}: {kind} changed or missing: {sorted(missing)}"


def test_the_free_line_is_in_the_topics_that_promise_it() -> None:
    # "Is there a number I can call?" and "what is voluntary return?" must give the free line
    # in the summary a reader sees first (contact) or in the details (voluntary_return).
    contact = _load(CONTENT_DIR / "contact.yaml")
    plain = _load(CONTENT_DIR / "voluntary_return.yaml")
    for lang in LANGUAGES:
        assert "0800 32 745" in contact["summary"][lang], lang
        assert "0800 32 745" in plain["text"][lang], lang


def test_carved_topics_no_longer_repeat_what_moved_out() -> None:
    # The entry-ban facts live in come_back_later, the addresses in contact: one place each,
    # so a correction is made once.
    confidentiality = _load(CONTENT_DIR / "confidentiality.yaml")
    how_to_apply = _load(CONTENT_DIR / "how_to_apply.yaml")
    assert "entry ban" not in confidentiality["text"]["en"].lower()
    assert "five years" not in confidentiality["text"]["en"].lower()
    for lang in LANGUAGES:
        assert "Lamorinièrestraat" not in how_to_apply["text"][lang], lang
        assert "9:00" not in how_to_apply["text"][lang], lang
        assert how_to_apply["text"][lang].count("0800 32 745") == 1, lang


def test_curation_note_pattern_spares_ordinary_words() -> None:
    assert CURATION_NOTE_RE.findall("title from URL slug; TODO check before use")
    assert CURATION_NOTE_RE.findall("⚠️ OUTDATED? (2015)")
    assert not CURATION_NOTE_RE.findall("Pregunte: todo el viaje es gratis. Spaţiu curat.")


def test_phone_regex_catches_a_mangled_number() -> None:
    en = "Call 0800 32 745 or 02/488 97 77, see www.voluntaryreturn.be."
    assert _tokens(PHONE_RE, en) == {"0800 32 745", "02/488 97 77"}
    assert _tokens(URL_RE, en) == {"www.voluntaryreturn.be"}
    assert "0800 32 745" not in "اتصل على ٠٨٠٠ ٣٢ ٧٤٥"
    assert "0800 32 745" not in "Bel 0800 327 45"
