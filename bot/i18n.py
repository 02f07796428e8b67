"""Languages, gettext catalogs and Babel formatting, loaded once and passed per answer."""

from __future__ import annotations

import io
import logging
import os
from functools import cache
from pathlib import Path

from babel.support import Format, NullTranslations, Translations

from bot.paths import LOCALES_DIR

__all__ = [
    "DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "LANGUAGES", "LOCALES_DIR", "formatter",
    "normalize_language", "translations",
]

log = logging.getLogger(__name__)

DOMAIN = "returnbot"
DEFAULT_LANGUAGE = "en"
# The 12 product languages, staff/press languages first.
LANGUAGES: tuple[str, ...] = (
    "nl", "fr", "en", "de", "es", "pt", "ro", "ru", "uk", "tr", "ar", "ka",
)
# Each language's own name for itself (for the /language keyboard).
LANGUAGE_NAMES: dict[str, str] = {
    "nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch",
    "es": "Español", "pt": "Português", "ro": "Română", "ru": "Русский",
    "uk": "Українська", "tr": "Türkçe", "ar": "العربية", "ka": "ქართული",
}


def normalize_language(code: str | None) -> str | None:
    """Map a code like 'pt-BR' or 'nl_BE' to a product language, or None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


@cache
def translations(lang: str) -> NullTranslations:
    """Return the compiled catalog for `lang`, falling back to the English source strings."""
    catalog = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    source = catalog.with_suffix(".po")
    if source.exists() and _older(catalog, source):
        # `pip install -e .` without `make`: *.mo are build products nobody built yet.
        return _compile(source, catalog)
    return Translations.load(str(LOCALES_DIR), [lang], DOMAIN)


def _older(catalog: Path, source: Path) -> bool:
    """True when the compiled catalog is missing or older than its .po file."""
    try:
        return catalog.stat().st_mtime < source.stat().st_mtime
    except FileNotFoundError:
        return True


def _compile(source: Path, catalog: Path) -> NullTranslations:
    """Compile a .po file, save the .mo beside it when the folder is writable, and load it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        messages = read_po(handle, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    tmp = catalog.with_name(f".{catalog.name}.{os.getpid()}")
    try:
        tmp.write_bytes(buffer.getvalue())
        os.replace(tmp, catalog)
        log.info("compiled %s", catalog)
    except OSError as e:  # a read-only checkout still answers, from the catalog in memory
        tmp.unlink(missing_ok=True)
        log.warning("could not save the compiled catalog %s (%s); run `make catalogs`",
                    catalog, e.strerror)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@cache
def formatter(lang: str) -> Format:
    """Return a Babel formatter for numbers, percentages and dates in `lang`."""
    return Format(lang)
