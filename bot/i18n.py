"""Languages, gettext catalogs and Babel formatting, loaded once and passed per answer."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import Format, NullTranslations, Translations

__all__ = [
    "DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "LANGUAGES", "LOCALES_DIR", "formatter",
    "normalize_language", "translations",
]

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
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
    return Translations.load(str(LOCALES_DIR), [lang], DOMAIN)


@cache
def formatter(lang: str) -> Format:
    """Return a Babel formatter for numbers, percentages and dates in `lang`."""
    return Format(lang)
