"""Parse stage, second step: narrow a parsed query to what was really asked about.

`parse` chooses the kind of question; this module extracts, by rule, what must be exact
whatever kind was chosen, so that an answer never gives a figure for another quantity,
period or year:

- a quantity the store does not hold ("asylum applications", "deportations") → `NotHeld`;
- a year outside anything published ("in 0", "in 99999", "in 1850") → the query keeps it
  (never the latest year instead), and the lookup says there are no figures for it;
- a part of a year ("the first half of 2016", "H1 2016") → the query's `period`;
- "since 2015" without a word for change → the yearly series from 2015 (`Trend`), whether
  the kind chosen was a count or a comparison.

The phrases come from data/lang/*.yaml (`notheld_*`, `period_*`, `year_marker`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, cast

from bot.queries import (
    ByCountry,
    Change,
    Definition,
    FactCheck,
    Help,
    Info,
    NoMatch,
    NotHeld,
    ParseResult,
    Period,
    Quantity,
    Ranking,
    Total,
    Trend,
)

if TYPE_CHECKING:
    from bot.parse import Signals

__all__ = ["asked_year_at", "refine"]

# Quantities no support question is about ("the euro exchange rate" is not the premium in euro).
_NEVER_SUPPORT = frozenset({"exchange_rates", "population"})
_MARKED_AFTER = frozenset({"tr", "ka", "ru", "uk", "ar"})
_DIGITS = re.compile(r"^\d{1,6}$")
_PERIODS: dict[str, Period] = {"h1": "H1", "h2": "H2", "q1": "Q1", "q2": "Q2", "q3": "Q3",
                               "q4": "Q4"}


def refine(parsed: ParseResult, s: Signals, today: date) -> ParseResult:
    """The parsed query, held to the quantity, period and year the question names."""
    held = not_held(parsed, s)
    if held is not None:
        return held
    parsed = with_asked_year(parsed, s)
    parsed = with_period(parsed, s)
    return series_since(parsed, s)


def not_held(parsed: ParseResult, s: Signals) -> NotHeld | None:
    """'How many asylum applications in 2023?': a quantity the store does not hold. A
    question that also asks about returns ("deported or returned voluntarily") is not, a
    support question only when it asks for a number ("can I get a visa later?" is not), and
    a claim about a quantity held only to check claims ("3,383 forced returns in 2023?") is
    not either."""
    hits = s.cats.get("notheld", [])
    if not hits:
        return None
    inside = {i for h in hits for i in range(h.start, h.end)}
    if any(not set(range(h.start, h.end)) <= inside for h in s.cats.get("returned", [])):
        return None
    longest = max(hits, key=lambda h: (h.end - h.start, -h.start))
    if isinstance(parsed, FactCheck) and parsed.indicator == longest.value:
        return None  # a claim about it is checked against the figure held as context
    if isinstance(parsed, (Info, Help, Definition)) and not (
            s.has("count") or s.years or longest.value in _NEVER_SUPPORT):
        return None
    return NotHeld(quantity=cast(Quantity, longest.value),
                   year=s.years[-1] if s.years else None)


def asked_year(s: Signals) -> int | None:
    """A number that a year word marks as a year but that is no year the bot knows:
    'in 0', 'in 99999', 'in 1850', 'в 2090 году', '1850 წელს'."""
    at = asked_year_at(s)
    return None if at is None else int(s.toks[at])


_TIME_WORDS = frozenset({"last_year", "this_year", "year_before_last", "latest"})


def asked_year_at(s: Signals) -> int | None:
    """The token of the number `asked_year` reads (the parser keeps it out of the claims)."""
    if s.years:
        return None
    # "vorig jaar 953 Brazilianen": "jaar" belongs to "last year", it marks no number ("2090
    # წელს" still does: there the time word is the marker itself).
    in_time_words = {i for h in s.hits if h.category in _TIME_WORDS and h.end - h.start > 1
                     for i in range(h.start, h.end)}
    markers = [h for h in s.cats.get("year_marker", []) if h.start not in in_time_words]
    marker_ends = {h.end for h in markers}
    # Only languages that say the year word after the number ("1850 წელს", "1850'de"):
    # elsewhere "2 jaar geleden" is two years ago, not the year 2.
    after_starts = {h.start for h in markers if h.language in _MARKED_AFTER}
    in_phrases = {i for h in s.hits if h.category not in ("country", "year_marker")
                  for i in range(h.start, h.end)}
    for i, tok in enumerate(s.toks):
        # ("vorig jaar 79 procent": 79 is a percentage, never the year 79)
        if _DIGITS.match(tok) and i not in in_phrases and i not in s.percent_at and (
                i in marker_ends or i + 1 in after_starts):
            return i
    return None


def with_asked_year(parsed: ParseResult, s: Signals) -> ParseResult:
    """Keep a year nobody published figures for in the query, so that the answer says so
    instead of giving the latest year."""
    year = asked_year(s)
    if year is None or isinstance(parsed, (Info, Help, Definition)):
        return parsed
    if isinstance(parsed, FactCheck) and parsed.claimed == year:
        others = [c for c in s.claims if c != year]
        if not others:  # "how many did return in 1850?": the number was the year
            return Total(year=year, series=parsed.series)
        return parsed.model_copy(update={"claimed": others[0], "year": year})
    if isinstance(parsed, Trend):
        return parsed.model_copy(update={"start": year} if s.has("since") else {"end": year})
    if isinstance(parsed, Change):
        return parsed.model_copy(update={"base_year": year} if s.has("since") else {"year": year})
    if isinstance(parsed, NoMatch):
        return Total(year=year) if s.has("count", "returned") else parsed
    if "year" in type(parsed).model_fields:
        return parsed.model_copy(update={"year": year})
    return parsed


def asked_period(s: Signals) -> Period | None:
    """'the first half of 2016', 'H1 2016', 'premier semestre 2016' → 'H1'; 'March 2016',
    'в марте 2016 года' → 'M03' (a month name counts only right next to a year: "may")."""
    year_at = [i for i, t in enumerate(s.toks) if t.isdigit() and int(t) in s.years]
    for h in s.cats.get("period", []):
        if h.value in _PERIODS:
            return _PERIODS[h.value]
        if h.value.startswith("m") and any(  # Georgian puts the year first: "2016 წლის მარტში"
                0 <= i - h.end <= 1 or (h.language == "ka" and 0 <= h.start - i - 1 <= 2)
                for i in year_at):
            return cast(Period, h.value.upper())
    return None


def with_period(parsed: ParseResult, s: Signals) -> ParseResult:
    """A question about part of a year keeps that part: the answer is the figure for it or
    'not published for that period', never the annual figure."""
    period = asked_period(s)
    if period is None:
        return parsed
    if (isinstance(parsed, NoMatch) and s.has("count", "returned")) or (
            isinstance(parsed, Ranking) and _rank_word_is_period(s)) or (
            # "النصف الأول من 2016": "of 2016" is said with the word for "from"
            isinstance(parsed, (Change, Trend)) and len(set(s.years)) <= 1):
        return Total(year=s.years[-1] if s.years else None, period=period)
    if "period" in type(parsed).model_fields:
        return parsed.model_copy(update={"period": period})
    return parsed


def _rank_word_is_period(s: Signals) -> bool:
    """'premier semestre', 'primul semestru': the word for 'first' belongs to the period."""
    inside = {i for h in s.cats.get("period", []) for i in range(h.start, h.end)}
    return all(set(range(h.start, h.end)) <= inside for h in s.cats.get("rank", []))


def series_since(parsed: ParseResult, s: Signals) -> ParseResult:
    """'Returns since 2015?' asks for the path since then, not a two-year comparison that
    hides the years between (the 2020 low): the series from that year, with its change."""
    if not isinstance(parsed, Change | Total | ByCountry) or s.has("change") or not s.has("since"):
        return parsed
    start = parsed.base_year if isinstance(parsed, Change) else parsed.year
    if len(set(s.years)) != 1 or start != s.years[0]:
        return parsed  # a count "in 2015" (or of another year) is not the path since 2015
    country = parsed.country if isinstance(parsed, Change | ByCountry) else None
    return Trend(start=s.years[0], country=country, series=parsed.series)
