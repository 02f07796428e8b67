"""Detect the language of a question: the script first, then letters only one language uses,
then the language model trained on the example bank, then which language's phrases matched.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.classify import Prediction

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
LEARNED_CONFIDENCE = 0.6  # below it, the phrases that matched decide
_TIE_ORDER = ("en", "fr", "nl", "de", "es", "pt", "ro", "tr", "ru", "uk", "ar", "ka")


def detect_language(text: str, votes: Counter[str], words: int,
                    learned: Prediction | None = None) -> str | None:
    """Return the product language of `text`, or None when it is not clear.

    `learned` is the language model's reading of the question (bot/choose.py): it knows
    questions typed in Latin letters ("skolko vernulis", "ramdeni", Arabizi) and short ones
    whose words several languages share ("en iyi döner nerede" is Turkish, not Dutch).
    """
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
        if learned is not None and learned.probability("uk") != learned.probability("ru"):
            return "uk" if learned.probability("uk") > learned.probability("ru") else "ru"
        return None  # a tie: Telegram's language_code or the saved choice decides
    for lang, marks in _LATIN_MARKS.items():
        if marks.search(sample) and lang != "de":
            return lang
    if words < MIN_WORDS:
        learned = None  # "georgia 2018": a name is no evidence of a language
    if learned is not None and learned.ranked and learned.confidence >= LEARNED_CONFIDENCE:
        return learned.best
    ranked = votes.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    tied = [lang for lang, n in votes.items() if ranked and n == ranked[0][1]]
    if tied:  # among the tied languages, the one the model finds likeliest
        if learned is not None:
            return max(tied, key=lambda lang: (learned.probability(lang), -_TIE_ORDER.index(lang)))
        return min(tied, key=_TIE_ORDER.index)
    return None
