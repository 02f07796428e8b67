"""Detect the language of a question: script first, then which language's phrases matched,
then lingua (low-accuracy mode, loaded lazily) for longer text. Trusted only on several words.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from bot.i18n import LANGUAGES

__all__ = ["detect_language"]

_GEORGIAN = re.compile(r"[\u10a0-\u10ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN = re.compile(r"[ыэъёЫЭЪЁ]")
# Letters that belong to one Latin-script product language only.
# Romanian first: its ş/ţ are often typed with the Turkish cedilla.
_LATIN_MARKS = {"ro": re.compile(r"[șțăȘȚĂţŢ]"), "tr": re.compile(r"[ığİĞ]"),
                "pt": re.compile(r"[ãõÃÕ]"), "es": re.compile(r"[ñ¿¡Ñ]"),
                "de": re.compile(r"[ßäöüÄÖÜ]")}
MIN_WORDS = 3  # fewer words never decide the language on their own
_TIE_ORDER = ("en", "fr", "nl", "de", "es", "pt", "ro", "tr", "ru", "uk", "ar", "ka")


def detect_language(text: str, votes: Counter[str], words: int) -> str | None:
    """Return the product language of `text`, or None when it is not clear."""
    sample = text[:500]
    if _GEORGIAN.search(sample):
        return "ka"
    if _ARABIC.search(sample):
        return "ar"
    if _CYRILLIC.search(sample):
        if _UKRAINIAN.search(sample):
            return "uk"
        if _RUSSIAN.search(sample):
            return "ru"
        if votes["uk"] != votes["ru"]:
            return "uk" if votes["uk"] > votes["ru"] else "ru"
        return None  # a tie: Telegram's language_code or the saved choice decides
    for lang, marks in _LATIN_MARKS.items():
        if marks.search(sample) and lang != "de":
            return lang
    ranked = votes.most_common(2)
    # The phrases the parser matched are the best evidence on short questions; lingua only
    # breaks ties (it guesses Turkish for "nr of AVR 2012").
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    tied = [lang for lang, n in votes.items() if ranked and n == ranked[0][1]]
    guess = _lingua(sample) if words >= MIN_WORDS else None
    if guess and (not tied or guess in tied):
        return guess
    if tied:  # lingua is unsure on short text: among the tied languages, the most common
        return min(tied, key=_TIE_ORDER.index)
    return None


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    names = {"nl": "DUTCH", "fr": "FRENCH", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH",
             "pt": "PORTUGUESE", "ro": "ROMANIAN", "tr": "TURKISH"}
    return LanguageDetectorBuilder.from_languages(
        *(getattr(Language, n) for n in names.values())
    ).with_low_accuracy_mode().build(), {v: k for k, v in names.items()}


def _lingua(text: str) -> str | None:
    detector, codes = _detector()
    found = detector.detect_language_of(text)
    if found is None:
        return None
    code = codes.get(found.name)
    return code if code in LANGUAGES else None
