"""Parse a question into a typed query: text → `Query | Clarify | NoMatch`.

Deterministic and rule-based, in the spirit of snips-nlu's deterministic parser: it finds the
phrases of data/lang/*.yaml (all languages at once), the country names, years and numbers,
then picks the query kind by the rules in `_interpret`. It never raises on user text and
returns `NoMatch` rather than guessing. Relative years ("last year") are resolved here
against `today`; "latest year with the figure" is left as `year=None` for the store.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.claims import asked_figure, claim_is_percent, claim_quantity, fact_check, is_claim
from bot.lexicon import Hit, Lexicon
from bot.numbers import Number, NumberWords
from bot.queries import (
    QUERY_ADAPTER,
    AskBack,
    ByCountry,
    ByProfile,
    Change,
    Clarify,
    Definition,
    DestinationCountries,
    Dublin,
    Families,
    Help,
    Info,
    Measure,
    NoMatch,
    ParseResult,
    Premiums,
    Profile,
    Query,
    Ranking,
    Reintegration,
    Series,
    Total,
    Trend,
    UnaccompaniedMinors,
)
from bot.scope import asked_year_at, refine
from bot.text import normalize, tokens

if TYPE_CHECKING:
    from bot.choose import Router
    from bot.classify import Prediction

__all__ = ["Signals", "parse", "read_signals"]

MAX_CHARS = 500  # longer text is cut: no real question is longer, and parsing stays fast
_YEAR = re.compile(r"^(19[89]\d|20[0-3]\d)$")
_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d{3})+%?$|^\d+(?:[.,]\d+)?%?$")
_STAT_KINDS = ("dublin", "premiums", "minors", "families", "destinations", "reintegration")
# Words too small to tell languages apart ("in" before a year is English, Dutch and German).
_NO_VOTE = frozenset({"year_marker"})


@dataclass
class Signals:
    """Everything the parser found in one question."""

    text: str
    toks: list[str]
    hits: list[Hit]
    cats: dict[str, list[Hit]] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    ambiguous: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    claims: list[float] = field(default_factory=list)
    claim_at: list[int] = field(default_factory=list)  # the token where each claim starts
    percent_claim: bool = False
    percent_at: set[int] = field(default_factory=set)  # tokens of claims that are percentages
    fraction_at: set[int] = field(default_factory=set)  # … stated as a fraction ("half")
    top_n: int | None = None
    # A number a year word marks as a year nobody published for ("in 1850", "عام 99999"):
    # an asked year (bot/scope.py), never a claimed number.
    asked_year_at: int | None = None
    votes: Counter[str] = field(default_factory=Counter)
    question_mark: bool = False
    features: list[str] | None = None  # the router's features, once computed (bot/choose.py)
    scores: Any = None  # the router's summed weight rows, once computed (bot/choose.py)
    # Support topics that cannot answer this question (the country-rules page for a country
    # without rules of its own).
    not_topics: frozenset[str] = frozenset()

    def has(self, *categories: str) -> bool:
        return any(c in self.cats for c in categories)

    def weight(self, category: str) -> int:
        """How many words the longest phrase of a category covers."""
        return max((h.end - h.start for h in self.cats.get(category, [])), default=0)

    def values(self, category: str) -> list[str]:
        return [h.value for h in self.cats.get(category, [])]

    @property
    def words(self) -> int:
        return sum(1 for t in self.toks if not t[0].isdigit())


def read_signals(text: str, lexicon: Lexicon) -> Signals:
    """Find phrases, countries, years and numbers in `text`."""
    norm = _PERCENT_BEFORE.sub(r"\1%", _PERCENT_APART.sub(r"\1%", normalize(text[:MAX_CHARS])))
    toks = [_detach_arabic(t, lexicon) for t in _join_thousands(tokens(norm))]
    hits = lexicon.match(toks)
    taken = {i for h in hits for i in range(h.start, h.end)}
    hits += lexicon.fuzzy_countries(toks, taken)
    hits += _country_codes(text[:MAX_CHARS], toks, taken)
    # A topic keyword that is a country name ("moldova") names the country, not the topic.
    country_spans = {(h.start, h.end) for h in hits if h.category == "country"}
    hits = [h for h in hits if h.category != "topic" or (h.start, h.end) not in country_spans]
    s = Signals(norm, toks, hits, question_mark=any(m in text[:MAX_CHARS] for m in "?؟¿\u037e"))
    voted: set[tuple[str, int, int]] = set()
    for h in hits:
        s.cats.setdefault(h.category, []).append(h)
        # One vote per language per phrase: Dutch "en" is a follow-up and a function word.
        if (h.category != "country" or not h.fuzzy) and h.category not in _NO_VOTE and (
                h.language, h.start, h.end) not in voted:
            voted.add((h.language, h.start, h.end))
            s.votes[h.language] += h.end - h.start
    _drop_foreign_topic_words(s)
    _drop_this_year_after_a_year(s)
    _read_countries(s)
    _read_numbers(s, lexicon.numbers)
    _drop_since_without_year(s)
    _claims_that_look_like_years(s)
    _asked_year_is_no_claim(s)
    if re.search(r"(^|\s)%", norm):  # "hoeveel % kreeg …": a bare percent sign asks for a share
        s.cats.setdefault("share", []).append(Hit("share", "", "", 0, 0))
    return s


# "70 %" (French spacing) and "%70" (Turkish order) are the percentage "70%".
_PERCENT_APART = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s+%")  # never "2022 %"
_PERCENT_BEFORE = re.compile(r"%(\d{1,3}(?:[.,]\d+)?)(?![\d.,])")  # never "% 2022"


# Two capital letters that staff type for a country ("GE 2023?"), unless they are a word.
_CODE = re.compile(r"(?<![\w-])([A-Z]{2})(?![\w-])")
_NOT_CODES = frozenset({"OK", "NO", "IN", "TO", "ME", "AM", "AT", "IS", "IT", "OR", "AN", "AS",
                        "BY", "DO", "GO", "HI", "IF", "MY", "OF", "ON", "SO", "UP", "WE", "ID",
                        "TV", "PS", "BE"})


def _country_codes(text: str, toks: list[str], taken: set[int]) -> list[Hit]:
    """ISO codes written in capitals ("GE 2023?", "top MD"): the country, like its name."""
    from bot.countries import COUNTRY_CODES

    codes = {c for c in _CODE.findall(text) if c in COUNTRY_CODES and c not in _NOT_CODES}
    # Only where staff write them: next to a year, or as (nearly) the whole message; "an MP
    # said…" names no country.
    return [Hit("country", tok.upper(), "", i, i + 1, fuzzy=True) for i, tok in enumerate(toks)
            if i not in taken and tok.upper() in codes and (len(toks) <= 3 or any(
                _YEAR.match(t) for t in toks[max(0, i - 1):i + 2]))]


def _drop_foreign_topic_words(s: Signals) -> None:
    """Turkish "para" (money) is Spanish and Portuguese "para" (for): a topic word that is a
    small word of the language the question is more likely in does not name a topic."""
    small: dict[tuple[int, int], set[str]] = {}
    for h in s.cats.get("function_words", []):
        small.setdefault((h.start, h.end), set()).add(h.language)
    kept = []
    for h in s.cats.get("topic", []):
        others = small.get((h.start, h.end), set()) - {h.language}
        if any(s.votes[o] > s.votes[h.language] for o in others):
            continue
        kept.append(h)
    if kept:
        s.cats["topic"] = kept
    else:
        s.cats.pop("topic", None)


def _claims_that_look_like_years(s: Signals) -> None:
    """'were there really 2000 returnees in 2021?': in a claim check, a round hundred next to
    a real year is the claimed number, not a second year."""
    if s.has("fact_check") and len(s.years) >= 2:
        claimed = ([y for y in s.years if y % 100 == 0] or _counted_years(s)
                   or _unmarked_years(s))
        if claimed and len(claimed) < len(s.years):
            s.claims += [float(y) for y in claimed]
            s.claim_at += [s.toks.index(str(y)) if str(y) in s.toks else 0 for y in claimed]
            s.years = [y for y in s.years if y not in claimed]


def _counted_years(s: Signals) -> list[int]:
    """'in 2021 there were 2028 returns': a year-like number right before a word about
    returning or people is what was counted, not a year."""
    counted_at = {h.start for h in s.hits if h.category in ("returned", "count")}
    # "between 2019 and 2022 returns fell": after a word of a range or a year, still a year.
    year_word_ends = {h.end for h in s.hits
                      if h.category in ("between", "until", "since", "year_marker")}
    return [y for y in s.years if str(y) in s.toks
            and s.toks.index(str(y)) + 1 in counted_at
            and s.toks.index(str(y)) not in year_word_ends]


def _unmarked_years(s: Signals) -> list[int]:
    """'в 2021 году уехали 2028 человек': when one year-like number has a year word next to
    it ("in", "году") and the others do not, the others are what was claimed."""
    markers = s.cats.get("year_marker", [])
    ends, starts = {h.end for h in markers}, {h.start for h in markers}
    at = {y: s.toks.index(str(y)) for y in s.years if str(y) in s.toks}
    marked = [y for y, i in at.items() if i in ends or i + 1 in starts]
    if len(marked) != 1:
        return []
    return [y for y in at if y not in marked]


def _asked_year_is_no_claim(s: Signals) -> None:
    """'how many returned in 1850?', 'у 1850 році': the number is the year asked about (out of
    anything published), not a number claimed; the chooser reads it as a year."""
    s.asked_year_at = asked_year_at(s)
    if s.asked_year_at in s.claim_at:
        j = s.claim_at.index(s.asked_year_at)
        del s.claims[j], s.claim_at[j]


# Languages that say "since" after the year ("2022 წლიდან", "2015'ten beri", "din 2015
# încoace"); elsewhere a word after a year is no "since" ("en 2015 des milliers").
_SINCE_AFTER_YEAR = frozenset({"ka", "tr", "ro"})


def _drop_this_year_after_a_year(s: Signals) -> None:
    """Georgian "წელს" alone is "this year", but "2023 წელს" is "in 2023" (and "1850 წელს"
    a year asked about)."""
    kept = [h for h in s.cats.get("this_year", [])
            if not (h.start > 0 and s.toks[h.start - 1].isdigit())]
    if kept:
        s.cats["this_year"] = kept
    else:
        s.cats.pop("this_year", None)


def _drop_since_without_year(s: Signals) -> None:
    """'from' / 'ab' / 'vanaf' mean 'since' only before a year ('returned from Belgium'), and
    never right after a part of a year: "النصف الأول من 2016" is the first half *of* 2016."""
    period_ends = {h.end for h in s.cats.get("period", [])}
    kept = [h for h in s.cats.get("since", []) if h.start not in period_ends and (
            (h.end < len(s.toks) and _YEAR.match(s.toks[h.end]))
            or (h.start > 0 and _YEAR.match(s.toks[h.start - 1])
                and h.language in _SINCE_AFTER_YEAR))]  # Georgian: "2022 წლიდან"
    if kept:
        s.cats["since"] = kept
    else:
        s.cats.pop("since", None)


_ARABIC_LETTER = re.compile(r"^[\u0600-\u06ff]")
# Conjunctions, prepositions and the article written onto the word: "وللعراق" = "and to Iraq".
# "عال" is spoken Arabic's "على ال" (to the): "رجع عالبرازيل".
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "عال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك")


def _detach_arabic(tok: str, lexicon: Lexicon) -> str:
    """An unknown Arabic word, without its attached prefix letters, if that is a known word."""
    if not _ARABIC_LETTER.match(tok) or tok in lexicon.vocabulary or lexicon.knows(tok):
        return tok
    for prefix in _ARABIC_PREFIXES:
        rest = tok[len(prefix):]
        if tok.startswith(prefix) and len(rest) >= 3:
            for candidate in (rest, "ال" + rest):
                if lexicon.knows(candidate):
                    return candidate
    return tok


def _join_thousands(toks: list[str]) -> list[str]:
    """'3 107' (French thousands) → '3107' when the second part has exactly 3 digits."""
    out: list[str] = []
    for t in toks:
        if out and re.fullmatch(r"\d{1,3}", out[-1]) and re.fullmatch(r"\d{3}%?", t):
            # "2 021 returnees" is a number, never the year 2021: keep it from looking like one.
            out[-1] += ("," if _YEAR.match(out[-1] + t) else "") + t
        else:
            out.append(t)
    return out


def _read_countries(s: Signals) -> None:
    spans: dict[tuple[int, int], set[str]] = {}
    for h in s.cats.get("country", []):
        spans.setdefault((h.start, h.end), set()).add(h.value)
    for (start, end), codes in sorted(spans.items()):
        if len(codes) == 1:
            code = next(iter(codes))
            if code not in s.countries:
                s.countries.append(code)
        else:
            s.ambiguous.append((" ".join(s.toks[start:end]), tuple(sorted(codes))))


def _read_numbers(s: Signals, number_words: NumberWords) -> None:
    rank_ends = {h.end for h in s.cats.get("rank", [])}
    rank_starts = {h.start for h in s.cats.get("rank", []) + s.cats.get("countries_word", [])}
    # Numbers inside a phrase ("2 years ago", "top 5") are part of it, not claims or years.
    in_phrases = {i for h in s.hits if h.category != "country" for i in range(h.start, h.end)}
    for h in s.cats.get("number", []):  # "which five countries": a number word, then a list
        if h.end in rank_starts or h.start in rank_ends:
            s.top_n = int(h.value)
    worded = {n.start: n for n in number_words.read(s.toks, [lang for lang, _ in
                                                            s.votes.most_common()])}
    inside = {i for n in worded.values() for i in range(n.start + 1, n.end)}
    percent_next = _percent_positions(s)
    for i, tok in enumerate(s.toks):
        if i in worded:  # "4 mil", "drieduizend": one number of its own magnitude
            _add_worded(s, worded[i])
            continue
        if i in inside or (i in in_phrases and not _YEAR.match(tok)):
            continue
        if _YEAR.match(tok):
            s.years.append(int(tok))
        elif _NUMBER.match(tok):
            value = _to_number(tok)
            if (i in rank_ends or i + 1 in rank_starts) and value <= 20:
                s.top_n = int(value)
            elif value is not None:
                _add_claim(s, value, i, tok.endswith("%") or i in percent_next)
    _add_fractions(s, {i for n in worded.values() for i in range(n.start, n.end)})


def _percent_positions(s: Signals) -> set[int]:
    """Where a number is a percentage by a word next to it: before the word ("79 procent",
    "79 في المئة"), or after it where no number stands before it ("yüzde 79")."""
    found: set[int] = set()
    for h in s.cats.get("percent", []):
        before = h.start > 0 and _NUMBER.match(s.toks[h.start - 1]) is not None
        found.add(h.start - 1 if before else h.end)
    return found


def _add_claim(s: Signals, value: float, at: int, percent: bool) -> None:
    s.claims.append(value)
    s.claim_at.append(at)
    if percent:
        s.percent_at.add(at)
        s.percent_claim = True


def _add_fractions(s: Signals, worded: set[int]) -> None:
    """'half of the returnees were families': a fraction is a percentage claim, unless it is
    part of a period ("first half of 2016"), of a number ("three and a half thousand") or of
    a longer fraction ("two thirds" holds "thirds"). Claims stay in the order written."""
    taken = worded | {i for h in s.cats.get("period", []) for i in range(h.start, h.end)}
    fractions = s.cats.get("fraction", [])
    for h in fractions:
        if taken & set(range(h.start, h.end)) or h.start in s.claim_at or any(
                o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start
                for o in fractions):
            continue
        _add_claim(s, float(h.value), h.start, percent=True)
        s.fraction_at.add(h.start)
    order = sorted(range(len(s.claims)), key=lambda j: s.claim_at[j])
    s.claims = [s.claims[j] for j in order]
    s.claim_at = [s.claim_at[j] for j in order]


def _add_worded(s: Signals, n: Number) -> None:
    if n.year:
        s.years.append(int(n.value))
        return
    # "neunundsiebzig Prozent", "seventy-nine percent": a percent word right after the words.
    percent_words = {h.start for h in s.cats.get("percent", [])} | {
        i for i, tok in enumerate(s.toks) if tok == "%"}
    _add_claim(s, n.value, n.start, n.end in percent_words)


def _to_number(tok: str) -> float:
    tok = tok.rstrip("%")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", tok):
        return float(re.sub(r"[.,]", "", tok))
    return float(tok.replace(",", "."))


def parse(
    text: str, lexicon: Lexicon, today: date, context: dict[str, Any] | None = None,
    router: Router | None = None, own_rules: frozenset[str] | None = None,
) -> tuple[ParseResult, Signals]:
    """Parse `text`; `context` is the previous answer's query (for follow-ups); `router`
    chooses the kind and topic (without one, as in a store built without the example bank,
    the hand-written rules choose); `own_rules` are the countries the country-rules page is
    about."""
    s = read_signals(text, lexicon)
    if own_rules is not None and s.countries and not own_rules.intersection(s.countries):
        s.not_topics = frozenset({"country_exceptions"})
    try:
        return refine(_interpret(s, today, _context(context), router), s, today), s
    except (ValidationError, ValueError, OverflowError):
        return NoMatch(), s


def _context(context: dict[str, Any] | None) -> Query | None:
    if not context:
        return None
    try:
        return QUERY_ADAPTER.validate_python(context)
    except ValidationError:
        return None


def _interpret(s: Signals, today: date, context: Query | None,
               router: Router | None = None) -> ParseResult:
    if not s.toks:
        return NoMatch()
    if s.ambiguous and not s.countries:
        term, codes = s.ambiguous[0]
        return Clarify(term=term, countries=codes)
    followup = _followup(s, today, context)
    if followup is not None:
        return followup
    if router is None:
        return _by_rules(s, today)
    return _choose(s, today, router)


def _choose(s: Signals, today: date, router: Router) -> ParseResult:
    """The kind the router ranks highest that the extracted details can answer; when the next
    one is about as likely and would give another answer, ask back instead of guessing."""
    # A figure is only looked up when the question says something about figures (a year, a
    # word about returning, counting, shares…): "[;)&{2~[@)" is no claim to check, and a
    # country's name alone ("Georgia ‮ %s how") asks for no number.
    ranked = router.kind(s, None if _about_figures(s) else _WITHOUT_FIGURES)
    if not s.hits and not s.years and ranked.confidence < _UNKNOWN_WORDS_CONFIDENCE:
        return NoMatch()  # no word the bot knows, and the model is unsure: "{0} {1} {__class__}"
    decided = _decided_by_rules(s, ranked, today, router)
    if decided is not None:
        return decided
    built = _two_readings(s, ranked, today, router)
    if not built:
        return NoMatch()
    best, p_best = built[0]
    if isinstance(best, Info) and not _has_support_words(s) and (
            ranked.probability("off_topic") > p_best - _OFF_TOPIC_MARGIN
            or router.topic(s, s.not_topics).confidence < _UNSURE_TOPIC):
        # "quel temps fait-il à liège demain": no word about returning or support, and the
        # model is torn between support and off-topic. Not understood beats a help page.
        return NoMatch()
    if isinstance(best, Info) and best.topic is not None:
        return _ask_back_topic(best, s, router)
    if len(built) == 2 and _too_close(built[0], built[1], s, router):
        return AskBack(options=(best, built[1][0]))
    return best


def _decided_by_rules(s: Signals, ranked: Prediction, today: date,
                      router: Router) -> ParseResult | None:
    """What the rules decide outright, where they are exact, whatever the model ranks."""
    if s.has("why") and s.has("government") and not _asks_government_figure(s):
        # "why do Fedasil and the Immigration Office give different totals?", "the minister
        # says 3,107: where does the difference come from?": what the two counts mean.
        return _definition(s, today)
    if "help" in (k for k, _ in ranked.ranked[:2]) and _help_by_rules(s):
        return Help()  # "привіт бот, з чого почати і що ти знаєш?": the rules' help words
    if is_claim(s) and ranked.best != "definition":
        # The rules found a number stated as a claim ("is it true that 155 left under Dublin
        # in 2023?"): it is checked as the quantity the model read, never answered as that
        # quantity's figure alone.
        check = _fact_check(s, today)
        if check is not None:
            return check
    if _asks_government_figure(s) and len(set(s.years)) == 1 and not s.has(
            *_STAT_KINDS, *_SEVERAL_YEARS, "profile", "share", "rank"):
        # "cifra Oficiului pentru Străini pt 2022": the government's count, never Fedasil's
        # figure or a help page, however the model ranks the words it has not seen.
        return _build("total", s, today, router) or NoMatch()
    return None


def _two_readings(s: Signals, ranked: Prediction, today: date,
                  router: Router) -> list[tuple[ParseResult, float]]:
    """The two most likely different answers, best first, with the model's probabilities."""
    built: list[tuple[ParseResult, float]] = []
    for kind, p in ranked.ranked:
        query = _build(kind, s, today, router)
        # Compared as they will be answered: a count "since 2015" is the series since 2015,
        # the same answer as the trend reading, so nothing to ask back.
        query = None if query is None else refine(query, s, today)
        if query is not None and all(query != q for q, _ in built):
            built.append((query, p))
        if len(built) == 2:
            break
    if len(built) == 2 and (
            (built[0][1] - built[1][1] < router.ask_back_margin
             and _named_statistic(built[1][0], built[0][0], s))
            or (_figure_asked(s) and isinstance(built[0][0], Info))):
        # "how many without legal stay…": the statistic the words name beats a close total;
        # "how many … in 2016?" asks for a number, not a help page.
        built.reverse()
    return built


def _too_close(first: tuple[ParseResult, float], second: tuple[ParseResult, float],
               s: Signals, router: Router) -> bool:
    """Two readings about as likely, each a real answer, and nothing in the words that
    settles it: then the bot asks back."""
    (best, p_best), (other, p_other) = first, second
    return (abs(p_best - p_other) < router.ask_back_margin
            and _answerable(best) and _answerable(other)
            and not (_figure_asked(s) and isinstance(other, Info))
            and not _named_statistic(best, other, s))


def _figure_asked(s: Signals) -> bool:
    return bool(s.years) and s.has("count")


# The statistics the rules name by their own words ("unaccompanied", "Dublin", "premiums").
_NAMED_BY = {"unaccompanied_minors": "minors", "dublin": "dublin", "families": "families",
             "destination_countries": "destinations", "premiums": "premiums",
             "reintegration": "reintegration"}


def _named_statistic(best: ParseResult, second: ParseResult, s: Signals) -> bool:
    """'how many unaccompanied minors in 2016?': the statistic the question names beats the
    plain total; nothing to ask."""
    kind = str(getattr(best, "kind", ""))
    named = s.has(_NAMED_BY[kind]) if kind in _NAMED_BY else (
        kind == "by_profile" and _profile(s) is not None)
    return named and getattr(second, "kind", "") in ("total", "by_country")


# Words that ask about more than one year's count ("how did the government count change").
_SEVERAL_YEARS = ("change", "trend", "chart", "since", "between", "until")
# Below this confidence a question without a single known word or year is not understood.
_UNKNOWN_WORDS_CONFIDENCE = 0.6
_WITHOUT_FIGURES = ("info", "help", "off_topic", "not_held")
# Rule categories that are about figures: counting, returning, shares, years, series…
_FIGURE_CATEGORIES = frozenset({
    "count", "returned", "share", "rank", "trend", "change", "chart", "latest", "last_year",
    "this_year", "year_before_last", "government", "dublin", "minors", "families",
    "destinations", "reintegration", "profile", "fact_check", "definition", "why",
    "countries_word"})


# Without a support word, a help page needs a topic at least this likely ("qual foi o
# resultado do jogo do benfica": every topic about 20%, none is meant).
_UNSURE_TOPIC = 0.3
# Info must beat off-topic by this much when the question has no support word.
_OFF_TOPIC_MARGIN = 0.25
# Rule categories that say nothing about returning or support by themselves.
_NEUTRAL_CATEGORIES = frozenset({"function_words", "country", "period", "until", "since", "between",
                                 "year_marker", "joiner", "hundred", "scale", "add"})


def _has_support_words(s: Signals) -> bool:
    return any(h.category not in _NEUTRAL_CATEGORIES for h in s.hits)


def _about_figures(s: Signals) -> bool:
    return bool(s.years or any(h.category in _FIGURE_CATEGORIES for h in s.hits))


def _answerable(q: ParseResult) -> bool:
    return not isinstance(q, NoMatch | Clarify | AskBack | Help)


# The country-rules page and what it rules on: the support after return and the premium.
_RULED_BY_COUNTRY = frozenset({"country_exceptions", "reintegration", "travel_and_premium"})


def _ask_back_topic(info: Info, s: Signals, router: Router) -> ParseResult:
    """Two support topics about as likely: ask which one (the answers are long)."""
    ranked = router.topic(s, s.not_topics).ranked
    if len(ranked) >= 2 and ranked[0][1] - ranked[1][1] < router.topic_ask_back_margin:
        pair = {ranked[0][0], ranked[1][0]}
        if s.countries and "country_exceptions" in pair and pair <= _RULED_BY_COUNTRY:
            # "what help will I get in Moldova?": that country's rule is the answer, whether
            # the help meant is reintegration or the premium; nothing to ask.
            return info.model_copy(update={"topic": "country_exceptions"})
        return AskBack(options=(info, info.model_copy(update={"topic": ranked[1][0]})))
    return info


def _build(kind: str, s: Signals, today: date, router: Router) -> ParseResult | None:
    """The query of one kind from what the rules extracted, or None when they lack a detail
    that kind needs (a claimed number for a fact check)."""
    year = _year(s, today)
    series: Series = "government" if s.has("government") else "fedasil"
    wants_count = s.has("count") and not s.has("share")
    measure: Measure = "count" if wants_count else "share"
    if kind in ("total", "by_country"):
        if not (_timed(s) or s.has("returned", "government") or s.countries):
            # A number of returns needs a word about returning, a time or a country: "how
            # many how many…" alone counts nothing.
            return None
        if s.has("minors") and not s.countries:
            # "hoeveel NBMV keerden terug in 2016": the minors' count, never the total.
            return _known_kind({"kind": "unaccompanied_minors", "year": year})
        if s.countries:
            return ByCountry(year=year, country=s.countries[0], series=series)
        return Total(year=year, series=series)
    if kind == "by_profile":
        return ByProfile(year=year, profile=_profile(s), measure=measure)
    if kind == "ranking":
        return Ranking(year=year, top=s.top_n or 5, series=series)
    if kind == "change":
        return _change(s, today, series)
    if kind == "trend":
        start, end = _range(s, today)
        return Trend(start=start, end=end, country=_country(s), series=series,
                     chart=s.has("chart"))
    if kind == "reintegration":
        if not (_timed(s) or s.has("count", "share") or s.claims or "%" in s.text):
            return None  # "реинтеграция" alone asks about the support, not its statistic
        return Reintegration(year=year, measure=measure)
    if kind in ("dublin", "unaccompanied_minors", "families", "destination_countries",
                "premiums"):
        return _known_kind({"kind": kind, "year": year})
    if kind == "fact_check":
        return _fact_check(s, today) or _claim_without_number(s, today, router)
    if kind == "definition":
        return _definition(s, today) if not _asks_government_figure(s) else None
    if kind == "info":
        if s.has("count") and s.has("returned") and _timed(s) and not s.has("topic", "info"):
            return None  # "tsels ramdeni dabrunda?" (how many returned this year) wants a figure
        return Info(topic=router.topic(s, s.not_topics).best, country=_country(s))
    if kind == "help":
        return Help()
    if kind == "not_held":
        return _known_kind({"kind": "not_held"}) or NoMatch()
    return NoMatch()  # off_topic


def _timed(s: Signals) -> bool:
    return bool(s.years) or s.has("last_year", "this_year", "latest", "year_before_last")


def _known_kind(data: dict[str, Any]) -> Query | None:
    """A query of a kind this version may not have yet (premiums, not_held)."""
    try:
        return QUERY_ADAPTER.validate_python(data)
    except ValidationError:
        return None


def _fact_check(s: Signals, today: date) -> Query | None:
    """A claim to check needs a claimed number; it is checked as the quantity it is about
    (bot/claims.py). "79% got reintegration support: how many is that?" asks for the count."""
    if not any(c >= 2 for c in s.claims):  # "1." and "0" number a list, they claim nothing
        return None
    if claim_is_percent(s, 0) and s.has("count", "change") and not s.has("fact_check"):
        return None
    return fact_check(s, _year(s, today))


def _claim_without_number(s: Signals, today: date, router: Router) -> ParseResult | None:
    """'Is it true that in 2015 thousands of people returned?': a claim with no number to
    check ("thousands", "many") asks for the published figure of the quantity it is about."""
    if any(c >= 2 for c in s.claims):
        return None
    indicator, _ = claim_quantity(s, percent=s.has("share"))
    kind = asked_figure({"indicator": indicator}).get("kind")
    if not isinstance(kind, str) or kind == "fact_check":
        return None
    return _build(kind, s, today, router)


def _profile(s: Signals) -> Profile | None:
    """'rejected asylum seekers' names two profiles: the more specific one is meant."""
    profiles = set(s.values("profile"))
    return next((p for p in ("rejected_applicant", "irregular_stay", "asylum_applicant")
                 if p in profiles), None)


def _by_rules(s: Signals, today: date) -> ParseResult:
    """The hand-written choice of kind, for a store built without the example bank."""
    domain = _domain(s)
    if s.has("off_topic") and not domain:
        return NoMatch()
    if _help_by_rules(s, domain):
        return Help()
    if s.has("definition", "why") and _is_definition(s):
        definition = _definition(s, today)
        if definition.topic == "reintegration" and not s.has("share", "count"):
            return Info(topic="reintegration")  # "what does reintegration support include?"
        return definition
    if is_claim(s):  # a claim is checked as the quantity it is about (bot/claims.py)
        return fact_check(s, _year(s, today))
    if _is_info(s, domain):
        return Info(topic=_topic(s), country=_country(s))
    return _statistic(s, today)


def _help_by_rules(s: Signals, domain: bool | None = None) -> bool:
    """Words asking what the bot is or does, and nothing about returns or support."""
    if domain is None:
        domain = _domain(s)
    return s.has("help") and not domain and not s.countries and not s.years and (
        s.words <= 2 or (s.words <= 10 and s.weight("help") >= max(2, s.weight("topic"))))


def _domain(s: Signals) -> bool:
    return s.has("returned", "reintegration", "dublin", "minors", "families", "destinations",
                 "rank", "government", "profile", "trend", "change")


def _asks_government_figure(s: Signals) -> bool:
    """'what is the government's figure for 2023?' asks for the figure, not what it means."""
    return bool(s.has("government") and s.years and s.has("count") and not (
        s.claims or s.has("dublin", "why")))


def _is_definition(s: Signals) -> bool:
    if _asks_government_figure(s):
        return False
    if s.has("government", "dublin") or (s.claims and not s.percent_claim):
        return True  # (a claimed percentage is a share to check, never "why 3,107?")
    return not s.years and not s.countries and not s.has("count", "share", "rank", "trend")


def _definition(s: Signals, today: date) -> Definition:
    if s.has("dublin"):
        topic = "dublin"
    elif s.has("profile") and not s.claims and not s.has("government"):
        topic = "profiles"
    elif s.has("reintegration") and not s.claims:
        topic = "reintegration"
    elif s.has("government") or s.claims:
        topic = "series"
    else:
        topic = "counted"
    return Definition(topic=topic, year=_year(s, today), value=s.claims[0] if s.claims else None)


def _is_info(s: Signals, domain: bool) -> bool:
    if not _asks(s):
        return False
    if s.has("share", "rank", "trend", "change", "chart", "last_year", "this_year",
             "year_before_last") or s.years:
        return False
    if s.has("count") and (s.has(*_STAT_KINDS, "latest") or not s.has("topic")):
        return False
    if s.has("topic"):
        return True
    return s.has("info") and (bool(s.countries) or not domain)


_WORRIES = ("special_groups", "confidentiality")
_TOPIC_ORDER = ("confidentiality", "special_groups", "funding", "how_to_apply",
                "travel_and_premium", "reintegration", "country_exceptions", "order_to_leave",
                "partners", "eligibility", "definitions")


def _asks(s: Signals) -> bool:
    """One keyword alone ("figures" in "'; DROP TABLE figures") is not a request for
    information; a phrase, a question mark or a word about returning or support is."""
    covered = {i for h in s.cats.get("topic", []) for i in range(h.start, h.end)}
    return len(covered) >= 2 or s.question_mark or s.has("info", "returned", "help")


def _topic(s: Signals) -> str | None:
    """The topic whose phrases cover most words (longer phrases say more)."""
    topics: Counter[str] = Counter()
    seen: set[tuple[str, int, int]] = set()
    for h in s.cats.get("topic", []):
        if (h.value, h.start, h.end) not in seen:
            seen.add((h.value, h.start, h.end))
            # A worry ("sick", "police") is said in one word but is what the question is about.
            topics[h.value] += (h.end - h.start) * (2 if h.value in _WORRIES else 1)
    if not topics:
        return "reintegration" if s.countries else None
    best = max(topics.values())
    tied = [t for t, n in topics.items() if n == best]
    # On a tie the worry wins over the procedure ("will the police know if I apply?"), and
    # the procedure over eligibility ("how can I apply" is about applying).
    return min(tied, key=lambda t: _TOPIC_ORDER.index(t) if t in _TOPIC_ORDER else 99)


def _statistic(s: Signals, today: date) -> ParseResult:
    year = _year(s, today)
    timed = bool(s.years) or s.has("last_year", "this_year", "latest", "year_before_last")
    series = "government" if s.has("government") else "fedasil"
    wants_count = s.has("count") and not s.has("share")
    top_list = s.top_n is not None or "top" in s.toks  # "top 5 destination countries"
    for kind in _STAT_KINDS:
        if not s.has(kind) or (kind == "destinations" and top_list):
            continue
        if kind == "destinations":
            return DestinationCountries(year=year)
        if kind == "reintegration":
            return Reintegration(year=year, measure="count" if wants_count else "share")
        if kind == "dublin":
            return Dublin(year=year)
        if kind == "premiums":
            return Premiums(year=year)
        if kind == "minors":
            return UnaccompaniedMinors(year=year)
        return Families(year=year)
    if s.has("profile"):
        return ByProfile(year=year, profile=_profile(s),
                         measure="count" if wants_count else "share")
    two_years = len(s.years) >= 2 and not s.has("change")
    if s.has("trend", "chart") or (two_years and (s.has("between") or (
            s.has("since") and s.has("until")))):
        start, end = _range(s, today)
        return Trend(start=start, end=end, country=_country(s), series=series,
                     chart=s.has("chart"))
    compares = s.has("change") or (not s.has("rank") and (
        len(s.years) >= 2 or (s.has("since") and bool(s.years))))
    if compares and (timed or s.has("returned")):
        return _change(s, today, series)
    if (s.has("rank") or s.top_n) and not (s.countries and s.has("count")):
        return Ranking(year=year, top=s.top_n or 5, series=series)
    if s.countries and s.has("topic") and not (s.has("count") or timed) and _asks(s):
        return Info(topic=_topic(s), country=_country(s))  # "do Moldovans still get a premium?"
    if s.countries and (s.has("count", "returned") or timed):
        return ByCountry(year=year, country=s.countries[0], series=series)
    if s.has("share"):
        return NoMatch()  # a share of something we did not recognise: never answer a count
    # A total needs a count word or a time; "returns" alone is not a question for a number.
    if (s.has("count") and (timed or s.has("returned", "government"))) or (
            timed and s.has("returned", "government")):
        return Total(year=year, series=series)
    if s.has("topic", "info") and _asks(s):
        return Info(topic=_topic(s), country=_country(s))
    return NoMatch()


def _change(s: Signals, today: date, series: str) -> Change:
    years = sorted(set(s.years) | ({today.year - 1} if s.has("last_year") else set()))
    if len(years) >= 2:
        base, year = years[0], years[-1]
    elif years and (s.has("since") or _compared_with(s)):
        base, year = years[0], None
    elif years:
        base, year = years[0] - 1, years[0]
    else:
        base, year = None, None
    return Change(year=year, base_year=base, country=_country(s),
                  series=series)


def _compared_with(s: Signals) -> bool:
    """'vs 2022', 'compared with 2022', 'față de 2022': the year is what now is compared to."""
    year_at = {i for i, t in enumerate(s.toks) if _YEAR.match(t)}
    return any(h.end in year_at for h in s.cats.get("change", []))


def _range(s: Signals, today: date) -> tuple[int | None, int | None]:
    years = sorted(set(s.years))
    if len(years) >= 2:
        return years[0], years[-1]
    if years:
        return years[0], None
    if s.has("last_year"):
        return today.year - 1, today.year - 1
    return None, None


def _year(s: Signals, today: date) -> int | None:
    if s.years:
        return s.years[-1] if not s.has("since") else s.years[0]
    if s.has("year_before_last"):
        return today.year - 2
    if s.has("last_year"):
        return today.year - 1
    if s.has("this_year"):
        return today.year
    return None


def _country(s: Signals) -> str | None:
    return s.countries[0] if s.countries else None


_KIND_CUES = ("count", "share", "rank", "trend", "change", "profile", "definition",
              "fact_check", "topic", "info", "help", *_STAT_KINDS)


def _followup(s: Signals, today: date, context: Query | None) -> Query | None:
    """'and in 2022?', 'and Moldova?', 'the year before?', 'as a chart' after a question."""
    if context is None or s.has(*_KIND_CUES) and not s.has("chart"):
        return None
    if s.words > 6 and not s.has("followup"):
        return None
    shift = -1 if s.has("year_before") else 1 if s.has("year_after") else 0
    year = s.years[-1] if s.years else (today.year - 1 if s.has("last_year") else None)
    if s.has("chart"):
        country = _country(s) or getattr(context, "country", None)
        return Trend(country=country, chart=True)
    if not (year or shift or s.countries or s.has("government")):
        return None
    data = context.model_dump()
    if data["kind"] == "fact_check":  # "And 2024?" after a claim: that year's figure
        data = asked_figure(data)
    if s.has("government") and "series" in data and not s.countries:
        data["series"] = "government"
    if shift and isinstance(data.get("year"), int):
        year = data["year"] + shift
    if year is not None:
        if "year" in data:
            data["year"] = year
        elif "end" in data:
            data["end"] = year
    if s.countries:
        if data["kind"] in ("total", "ranking"):  # "and to Georgia?" after a total
            data = {"kind": "by_country", "year": data.get("year"), "series": "fedasil",
                    "country": s.countries[0]}
        if "country" in data:
            data["country"] = s.countries[0]
    return QUERY_ADAPTER.validate_python(data)
