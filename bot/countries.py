"""Country names people type, per language: every CLDR name Babel knows for the 12 product
languages, plus the curated aliases, demonyms and inflected forms in data/lang/<lang>.yaml.

Built into the store's `aliases` table at build time, so the bot never loads Babel's
territory data on the answering path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.i18n import LANGUAGES
from bot.text import normalize
from bot.translit import latin_spellings

__all__ = ["COUNTRY_CODES", "alias_rows", "load_lang_file", "phrase_key"]

# Two-letter CLDR territories that are not countries people return to.
# Belgium is where people return *from*, never a destination.
_NOT_COUNTRIES = {"BE", "EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AQ", "BV", "HM", "UM", "CP", "DG",
                  "EA", "IC", "TA", "AC", "CQ"}


def _codes() -> tuple[str, ...]:
    from babel import Locale

    codes = {c for c in Locale("en").territories
             if isinstance(c, str) and len(c) == 2 and c.isalpha()}
    return tuple(sorted((codes - _NOT_COUNTRIES) | {"XK"}))


COUNTRY_CODES: tuple[str, ...] = _codes()


def load_lang_file(data_dir: Path, lang: str) -> dict[str, Any]:
    """Read data/lang/<lang>.yaml (empty dict when the language has no file yet)."""
    path = data_dir / "lang" / f"{lang}.yaml"
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return doc


def alias_rows(data_dir: Path) -> Iterator[dict[str, str]]:
    """Yield (alias, country, language, origin) rows, deduplicated and sorted."""
    from babel import Locale

    rows: dict[tuple[str, str, str], str] = {}
    for lang in LANGUAGES:
        names = Locale.parse(lang).territories
        for code in COUNTRY_CODES:
            name = names.get(code)
            if name:
                for variant in _variants(name):
                    rows.setdefault((variant, code, lang), "cldr")
        doc = load_lang_file(data_dir, lang)
        for code, aliases in (doc.get("countries") or {}).items():
            for alias in aliases or []:
                key = phrase_key(str(alias))
                if key:
                    rows[(key, str(code).upper(), lang)] = "curated"
        for alias, codes in (doc.get("ambiguous") or {}).items():
            for code in codes:
                rows[(phrase_key(str(alias)), str(code).upper(), lang)] = "curated"
    for alias, country, lang in list(rows):
        for latin in latin_spellings(alias.rstrip("*"), lang):
            star = "*" if alias.endswith("*") else ""
            rows.setdefault((latin + star, country, lang), "translit")
    for (alias, country, lang), origin in sorted(rows.items()):
        yield {"alias": alias, "country": country, "language": lang, "origin": origin}


def phrase_key(phrase: str) -> str:
    """Normalise a curated phrase, keeping a trailing * (match any ending)."""
    star = phrase.rstrip().endswith("*")
    key = normalize(phrase.rstrip().rstrip("*"))
    return f"{key}*" if star and key else key


def _variants(name: str) -> set[str]:
    """CLDR names like 'Congo - Kinshasa' or 'Bosnia & Herzegovina': the name and its head."""
    out = {normalize(name)}
    for sep in (" - ", " (", ", "):
        if sep in name:
            out.add(normalize(name.split(sep)[0]))
    out.add(normalize(name.replace("&", "and")))
    return {v for v in out if v}
