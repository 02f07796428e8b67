"""The words the parser recognises: cue phrases from data/lang/<lang>.yaml and country aliases,
stored in the store at build time and matched against question tokens at run time.

A phrase ending in `*` matches any ending of its last word ("return*" → "returnees"),
which is also how inflected languages (ru, uk, ka, tr…) are handled.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.countries import load_lang_file, phrase_key
from bot.i18n import LANGUAGES
from bot.numbers import CATEGORY as NUMBER_WORD
from bot.numbers import NumberWords, number_rows
from bot.text import tokens

__all__ = ["Hit", "Lexicon", "cue_rows"]

_MIN_STEM = 3
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Languages whose country names inflect: every alias also matches with any ending.
INFLECTED = {"ru", "uk", "ka", "tr", "ro", "ar"}


def cue_rows(data_dir: Path) -> Iterator[dict[str, str]]:
    """Yield (phrase, category, value, language) rows from every language file and topic."""
    import yaml

    seen: set[tuple[str, str, str, str]] = set()
    counting: set[tuple[str, str]] = set()  # (phrase, language) of "how many" words
    number_words: list[dict[str, str]] = []
    for lang in LANGUAGES:
        doc = load_lang_file(data_dir, lang)
        number_words += number_rows(lang, doc.get("numbers"))
        # Quantities a claim can be about ("premiums", "forced"): cue categories of their own.
        cues = {**(doc.get("cues") or {}), **(doc.get("quantities") or {})}
        for name, phrases in cues.items():
            # "profile_asylum_applicant@everyday": a further list for the same category,
            # kept as its own key so that separate additions merge cleanly.
            name = str(name).split("@", 1)[0]
            category, _, value = name.partition("_") if name.startswith(
                ("profile_", "topic_", "number_", "notheld_", "period_", "fraction_")) else (name, "", "")
            for phrase in phrases or []:
                key = phrase_key(str(phrase)) if str(phrase) != "%" else "%"
                if key:
                    seen.add((key, category, value, lang))
                    if category == "count":
                        counting.add((key, lang))
    count_words = Lexicon([(k, "count", "", lang) for k, lang in counting])
    for path in sorted((data_dir / "content").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for lang, words in (doc.get("keywords") or {}).items():
            for word in words or []:
                key = phrase_key(str(word))
                # A number is never a topic keyword ("3.107" stays a claim to check), nor is
                # a bare "how many" (сколько, كم), which asks for a figure.
                if key and len(key) > 3 and not any(ch.isdigit() for ch in key) and (
                        not _only_counting(key, str(lang), count_words)):
                    seen.add((key, "topic", str(doc.get("id", path.stem)), str(lang)))
    for phrase, category, value, lang in sorted(seen):
        yield {"phrase": phrase, "category": category, "value": value, "language": lang}
    yield from {tuple(sorted(r.items())): r for r in number_words}.values()


def _only_counting(key: str, lang: str, count_words: Lexicon) -> bool:
    """Whether a keyword is nothing but a "how many" word of its language (сколько, რამდენი)."""
    words = tokens(key.rstrip("*"))
    covered = {i for h in count_words.match(words) if h.language == lang
               for i in range(h.start, h.end)}
    return len(covered) == len(words)


@dataclass(frozen=True, slots=True)
class Hit:
    """A phrase found in the question: what it means and where it is."""

    category: str
    value: str
    language: str
    start: int
    end: int
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    category: str
    value: str
    language: str


class Lexicon:
    """Matches cue phrases and country names in a token list, longest phrase first."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        self._exact: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
        self._prefix: dict[tuple[str, ...], list[_Entry]] = defaultdict(list)
        self._fuzzy_names: dict[str, list[_Entry]] = defaultdict(list)
        self.max_len = 1
        numbers: list[tuple[str, str, str]] = []
        for phrase, category, value, language in rows:
            if category == NUMBER_WORD:  # read by `numbers`, never matched as a phrase
                numbers.append((phrase, value, language))
            else:
                self._add(phrase, _Entry(category, value, language))
        self.numbers = NumberWords(numbers)
        self._fuzzy_choices = sorted(self._fuzzy_names)
        self.vocabulary = frozenset(w for key in (*self._exact, *self._prefix) for w in key)

    def _add(self, phrase: str, entry: _Entry) -> None:
        star = phrase.endswith("*")
        # Split like the question text is split, so "sais-tu" matches "sais tu".
        words = tuple(tokens(phrase.rstrip("*")))
        if not words:
            return
        self.max_len = max(self.max_len, len(words))
        if star and len(words[-1]) >= _MIN_STEM:
            self._prefix[words].append(entry)
        else:
            self._exact[words].append(entry)
        if entry.category == "country":
            if entry.language in INFLECTED and len(words[-1]) >= 6 and not star:
                # (a stem of 5 letters at least: "дани" from "дания" matched "дані", data)
                # Russian "грузия" → "грузию", Georgian "საქართველო" → "საქართველოში"…
                self._prefix[(*words[:-1], words[-1][:-1])].append(entry)
            if len(words) == 1 and len(words[0]) >= 5 and words[0].isalpha() and not star:
                self._fuzzy_names[words[0]].append(entry)

    def _lookup(self, words: tuple[str, ...]) -> list[_Entry]:
        """Exact phrases and the longest stem phrase that match these words."""
        found = list(self._exact.get(words, ()))
        head, last = words[:-1], words[-1]
        for k in range(len(last), _MIN_STEM - 1, -1):
            stem = self._prefix.get((*head, last[:k]))
            if stem:
                return found + [e for e in stem if e not in found]
        return found

    def match(self, toks: list[str]) -> list[Hit]:
        """Return every phrase found at every position ("aide à la réintégration" is a
        support topic *and* says "réintégration"); a country name inside a longer country
        name ("congo" in "congo kinshasa") does not count."""
        hits: list[Hit] = []
        for i in range(len(toks)):
            for n in range(min(self.max_len, len(toks) - i), 0, -1):
                for e in self._lookup(tuple(toks[i:i + n])):
                    hits.append(Hit(e.category, e.value, e.language, i, i + n))
        countries = [h for h in hits if h.category == "country"]
        inner = {id(h) for h in countries for o in countries
                 if o.start <= h.start and h.end <= o.end and (o.end - o.start) > (h.end - h.start)}
        return [h for h in hits if id(h) not in inner]

    def knows(self, word: str) -> bool:
        """Whether a single word is (the start of) a known phrase or name."""
        return bool(self._lookup((word,)))

    def fuzzy_countries(self, toks: list[str], taken: set[int]) -> list[Hit]:
        """Country names with a typo ("Brazl"), for words that matched nothing else."""
        from rapidfuzz import fuzz, process

        hits: list[Hit] = []
        for i, tok in enumerate(toks):
            if i in taken or len(tok) < 5 or not tok.isalpha() or tok in self.vocabulary:
                continue
            close = process.extract(tok, self._fuzzy_choices, scorer=fuzz.ratio,
                                    score_cutoff=84, limit=5)
            # A typo seldom changes the first letter: "brussels" is not "russes" (Arabic
            # words carry prefix letters: "عالبرازيل").
            best = next((name for name, _, _ in close
                         if name[0] == tok[0] or _ARABIC.match(tok)), None)
            if best is not None:
                hits += [Hit(e.category, e.value, e.language, i, i + 1, fuzzy=True)
                         for e in self._fuzzy_names[best]]
        return hits
