"""Read claimed numbers written with words, in the 12 languages: digits with a magnitude word
("4 mil", "3 тысячи", "1,2 millions", "3k") and spelled-out numbers ("deux mille neuf cent",
"drieduizend", "dos mil").

The words come from the `numbers:` block of data/lang/<lang>.yaml, stored in the store's cues
table (category `number_word`) and handed to `NumberWords` by the lexicon. A word counts in
the languages the question is written in (by the parser's votes), so Turkish "on" (ten) is
no number in an English question. Digits alone are left to the parser; a year written in
digits is never part of a number ("in 2015 thousands returned").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.text import normalize

__all__ = ["Number", "NumberWords", "number_rows", "precision_step"]

CATEGORY = "number_word"
_ROLES = ("add", "hundred", "scale", "joiner", "fused", "alone", "half")
_YEAR = re.compile(r"^(19[89]\d|20[0-3]\d)$")
_DIGITS = re.compile(r"^(\d+)(?:[.,](\d+))?$")
_GLUED = re.compile(r"^(\d+(?:[.,]\d+)?)([^\W\d_]+)$")  # "3k", "4mil", "2,5тыс"
# A spelled-out number read as a year ("deux mille quinze"): round hundreds stay numbers.
_YEARS = range(1990, 2040)


@dataclass(frozen=True, slots=True)
class Number:
    """A number found in the question's tokens `start:end`; `year` when it names a year."""

    value: float
    start: int
    end: int
    year: bool = False


@dataclass(frozen=True, slots=True)
class _Word:
    role: str
    value: float
    language: str


def precision_step(value: float) -> float:
    """The precision a number is written at: 3,000 → 1,000; 3,500 → 100; 2,952 → 1; 4.4 → 0.1."""
    text = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    if decimals:
        return float(10 ** -len(decimals))
    zeros = len(whole) - len(whole.rstrip("0"))
    return float(10 ** zeros) if whole.strip("0") else 1.0


def number_rows(lang: str, block: dict[str, Any] | None) -> Iterator[dict[str, str]]:
    """Cue-table rows for a language's `numbers:` block (word, role:value, language)."""
    if not block:
        return
    for role in ("add", "scale"):
        for word, value in (block.get(role) or {}).items():
            yield _row(str(word), f"{role}:{float(value):g}", lang)
    for role, value in (("hundred", 100), ("joiner", 0), ("half", 0.5)):
        for word in block.get(role) or []:
            yield _row(str(word), f"{role}:{value:g}", lang)
    for word, value in (block.get("alone") or {}).items():
        yield _row(str(word), f"alone:{float(value):g}", lang)
    if block.get("fused"):
        yield _row("-", "fused:1", lang)


def _row(word: str, value: str, lang: str) -> dict[str, str]:
    star = "*" if word.endswith("*") else ""
    key = normalize(word.rstrip("*")).replace(" ", "") + star if word != "-" else "-"
    return {"phrase": key, "category": CATEGORY, "value": value, "language": lang}


class NumberWords:
    """Number and magnitude words of every language, and the reader of numbers in tokens."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self._exact: dict[str, list[_Word]] = defaultdict(list)
        self._stems: dict[str, list[_Word]] = defaultdict(list)
        self._fused: set[str] = set()
        self._alone: dict[tuple[str, str], float] = {}
        for phrase, value, language in rows:
            role, _, number = value.partition(":")
            if role == "fused":
                self._fused.add(language)
            elif role == "alone":
                self._alone[(phrase, language)] = float(number)
            elif role in _ROLES:
                word = _Word(role, float(number), language)
                if phrase.endswith("*"):
                    self._stems[phrase[:-1]].append(word)
                else:
                    self._exact[phrase].append(word)
        self._stem_lengths = sorted({len(k) for k in self._stems}, reverse=True)
        # Only a word holding a hundred or a magnitude is worth splitting ("drieduizend").
        self._big = {lang: tuple(w for w, ws in self._exact.items() for x in ws
                                 if x.language == lang and x.role in ("hundred", "scale")
                                 and len(w) > 2) for lang in self._fused}
        self._languages = sorted({w.language for ws in (*self._exact.values(),
                                                         *self._stems.values()) for w in ws})
        self._pieces = {lang: sorted({w for w, ws in self._exact.items()
                                      for x in ws if x.language == lang}, key=len, reverse=True)
                        for lang in self._fused}

    def _word(self, tok: str, languages: Sequence[str]) -> _Word | None:
        """The meaning of `tok` in the first of `languages` that has it."""
        found = list(self._exact.get(tok, ()))
        for k in self._stem_lengths:
            if k <= len(tok):
                found += self._stems.get(tok[:k], ())
        for lang in languages:
            for w in found:
                if w.language == lang:
                    return w
        return None

    def _words(self, tok: str, languages: Sequence[str]) -> list[_Word] | None:
        """One token as number words: itself, its parts in a language that writes numbers as
        one word ("drieduizend"), or an Arabic word with "and" attached ("وتسعمائة")."""
        word = self._word(tok, languages)
        if word is not None:
            return [word]
        if tok.startswith("و") and len(tok) > 3:
            rest = self._word(tok[1:], languages)
            if rest is not None and rest.role != "joiner":
                return [_Word("joiner", 0, rest.language), rest]
        for lang in languages:
            if lang in self._fused and any(big in tok for big in self._big[lang]):
                parts = _split(tok, tuple(self._pieces[lang]))
                words = [w for w in (self._word(p, (lang,)) for p in parts or ()) if w]
                # "duizenden" (thousands) is duizend + en: a joiner only joins inside a word.
                if len(words) > 1 and words[0].role != "joiner" != words[-1].role:
                    return words
        return None

    def read(self, toks: Sequence[str], languages: Sequence[str]) -> list[Number]:
        """Numbers written with words in `toks`; `languages` are the question's, likeliest
        first (spelled-out words count only in those; a magnitude after digits in any)."""
        out: list[Number] = []
        i = 0
        while i < len(toks):
            found = self._digits_with_scale(toks, i, languages) or self._spelled(
                toks, i, languages) or self._alone_word(toks, i, languages)
            if found is None:
                i += 1
                continue
            out.append(found)
            i = found.end
        return out

    def _digits_with_scale(self, toks: Sequence[str], i: int,
                           languages: Sequence[str]) -> Number | None:
        """'4 mil', '3,5 duizend', '1,2 millions', '3k': digits times a magnitude word."""
        tok = toks[i]
        if not tok[0].isdigit() or _YEAR.match(tok):
            return None
        everywhere = (*languages, *(lang for lang in self._languages if lang not in languages))
        glued = _GLUED.match(tok)
        if glued:
            scale = self._word(glued.group(2), everywhere)
            if scale is not None and scale.role == "scale":
                return Number(_decimal(glued.group(1)) * scale.value, i, i + 1)
            return None
        if not _DIGITS.match(tok) or i + 1 >= len(toks):
            return None
        scale = self._word(toks[i + 1], everywhere)
        if scale is None or scale.role != "scale":
            return None
        return Number(_decimal(tok) * scale.value, i, i + 2)

    def _spelled(self, toks: Sequence[str], i: int, languages: Sequence[str]) -> Number | None:
        """'deux mille neuf cent', 'dos mil', 'три тысячи': a run of number words."""
        words: list[_Word] = []
        end = i
        while end < len(toks):
            found = self._words(toks[end], languages)
            if found is None:
                break
            words += found
            end += 1
        while words and words[-1].role == "joiner":  # "two thousand and …" ends before "and"
            words.pop()
            end -= 1
        if not words or words[0].role == "joiner":
            return None
        value = _value(words)
        adds = sum(w.role == "add" for w in words)
        big = any(w.role in ("scale", "hundred") for w in words)
        halves = any(w.role == "half" for w in words)
        if value is None or not adds or (value < 100 and not big and adds < 2) or (
                halves and not any(w.role == "scale" for w in words)):
            # "five countries" is the parser's business ("quatre-vingt-dix" is a number);
            # "thousands of people" is no claim; "two and a half years" is no count.
            return None
        is_year = value in _YEARS and value % 100 != 0 and value == int(value)
        return Number(value, i, end, year=is_year)


    def _alone_word(self, toks: Sequence[str], i: int,
                    languages: Sequence[str]) -> Number | None:
        """'mille personnes', 'тысяча человек': a singular magnitude word is one thousand, in
        the question's own language only ("thousands", "des milliers" are no number)."""
        value = self._alone.get((toks[i], languages[0])) if languages else None
        return Number(value, i, i + 1) if value else None


def _decimal(text: str) -> float:
    """'3,5' and '3.5' are 3.5 before a magnitude word ("3,5 duizend"); '1.200' is 1.2."""
    m = _DIGITS.match(text)
    assert m is not None
    whole, part = m.group(1), m.group(2)
    return float(f"{whole}.{part}") if part else float(whole)


def _value(words: Sequence[_Word]) -> float | None:
    """The value of a run of number words, or None when they do not make one number."""
    total = group = 0.0
    last: _Word | None = None
    for w in words:
        if w.role == "joiner":
            if last is None or last.role == "joiner":
                return None
        elif w.role == "add":
            if last is not None and last.role == "add" and 2 <= last.value < 10 and (
                    w.value == 20 and group < 10):
                group *= w.value  # "quatre-vingt" is 4 × 20
            else:
                group += w.value
        elif w.role == "hundred":
            group = (group or 1) * w.value
        elif w.role == "half":
            group, total = _add_half(words, w, group, total)
        elif w.role == "scale":
            if last is not None and last.role == "scale":
                return None  # "mil millones" and the like: not a claim we read
            total += (group or 1) * w.value
            group = 0
        last = w
    return total + group if last is not None else None


def _add_half(words: Sequence[_Word], half: _Word, group: float,
              total: float) -> tuple[float, float]:
    """'three and a half (thousand)' adds a half to the three; 'trei mii și jumătate' adds
    half of the thousand before it. The article of "and a half" is no one."""
    at = words.index(half)
    if at >= 2 and words[at - 1].role == "add" and words[at - 1].value == 1 and (
            words[at - 2].role == "joiner") and group > 1:
        group -= 1
    if group:
        return group + half.value, total
    scales = [w.value for w in words[:at] if w.role == "scale"]
    return group, total + half.value * (scales[-1] if scales else 1)


@lru_cache(maxsize=4096)
def _split(tok: str, pieces: tuple[str, ...]) -> tuple[str, ...] | None:
    """'tweeduizendvijfhonderd' → ('twee', 'duizend', 'vijf', 'honderd'), or None."""
    if not tok:
        return ()
    for p in pieces:
        if tok.startswith(p):
            rest = _split(tok[len(p):], pieces)
            if rest is not None:
                return (p, *rest)
    return None
