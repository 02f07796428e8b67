"""Extract what a claim is about: `Signals` → `FactCheck` (the quantity, profile, country and
year of each claimed number).

Rule-based like every extraction (DESIGN.md, "Choosing vs extracting"): the cue words say
the quantity (Dublin, premiums, a profile, reintegration, minors, a country, else the total),
a percentage names a share, and each claimed number binds to the year written nearest to it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.queries import ClaimIndicator, ClaimPart, FactCheck, Profile

if TYPE_CHECKING:
    from bot.parse import Signals

__all__ = ["asked_figure", "claim_quantity", "fact_check", "is_claim"]

_YEAR = re.compile(r"^(19[89]\d|20[0-3]\d)$")
_PERCENT_WORDS = ("%", "percent", "procent", "pct", "prozent", "pourcent", "por", "ciento")
# The most specific profile first: "rejected asylum seekers" names two.
_PROFILES: tuple[Profile, ...] = ("rejected_applicant", "irregular_stay", "asylum_applicant")
# Cue category → the count it names, and the share it names when the claim is a percentage.
_QUANTITY_CUES: tuple[tuple[str, ClaimIndicator, ClaimIndicator | None], ...] = (
    ("premiums", "premiums_paid", None),
    ("forced", "forced_returns", None),
    ("dublin", "dublin_departures", None),
    ("minors", "unaccompanied_minors", None),
    ("reintegration", "reintegration_count", "reintegration_share"),
    ("families", "returns_total", "families_share"),
    ("destinations", "destination_countries_count", None),
)


def is_claim(s: Signals) -> bool:
    """Whether the question states a number to check ("is it true that 3,000 …?",
    "3,107 returns in 2023 - correct?", "219 Syrians in 2025?")."""
    if not s.claims:
        return False
    percent = claim_is_percent(s, 0)
    if percent and s.has("count", "change") and not s.has("fact_check"):
        # "79% got reintegration support: how many people is that?" asks for the count;
        # "returns rose 10%?" is a change: both are answered as what they ask.
        return False
    claim_like = (s.has("returned") and bool(s.years) and not s.has("count", "share", "rank")
                  and max(s.claims, default=0) >= 50)  # "5" is a list length, not a claim
    return (s.has("fact_check") or claim_like or _names_people(s)
            or (s.has("government") and not s.has("count")))


def _names_people(s: Signals) -> bool:
    """'219 Syrians in 2025?': a number right before a nationality, with a year, asked."""
    starts = {h.start for h in s.cats.get("country", [])}
    return s.question_mark and bool(s.years) and any(
        at + 1 in starts and value >= 10 for value, at in zip(s.claims, s.claim_at, strict=False))


def claim_is_percent(s: Signals, index: int) -> bool:
    """Whether the claim `index` is a percentage ("58%", "58 procent")."""
    if index >= len(s.claim_at):
        return s.percent_claim
    at = s.claim_at[index]
    if at in s.percent_at:  # "79%", "79 procent", "yüzde 79", "half" (bot/parse.py)
        return True
    if at < len(s.toks) and s.toks[at].endswith("%"):
        return True
    return at + 1 < len(s.toks) and s.toks[at + 1] in _PERCENT_WORDS


def claim_quantity(s: Signals, percent: bool) -> tuple[ClaimIndicator, Profile | None]:
    """The quantity a claim is about, by its cue words."""
    for cue, count, share in _QUANTITY_CUES:
        if s.has(cue) and (share if percent else count) is not None:
            chosen = share if percent else count
            assert chosen is not None
            return chosen, None
    profiles = set(s.values("profile"))
    profile = next((p for p in _PROFILES if p in profiles), None)
    if profile is not None:
        return ("share_by_profile" if percent else "returns_by_profile"), profile
    if s.countries:
        return "returns_by_country", None
    return "returns_total", None


def fact_check(s: Signals, default_year: int | None) -> FactCheck:
    """The FactCheck for a question `is_claim` accepted; `default_year` is the parser's year
    for a claim with no year of its own ("last year", or None for "find the year")."""
    percent = claim_is_percent(s, 0)
    indicator, profile = claim_quantity(s, percent)
    bound = _bind_years(s, default_year)
    (claimed, year), rest = bound[0], bound[1:]
    parts = [ClaimPart(year=y, claimed=c) for c, y in rest if y is not None and y != year]
    named = {p.year for p in parts} | {year}
    parts += [ClaimPart(year=y) for y in _positions(s) if y not in named]
    return FactCheck(
        claimed=claimed, year=year, country=s.countries[0] if s.countries else None,
        indicator=indicator, profile=profile, percent=percent, parts=tuple(parts),
        fraction=bool(s.claim_at) and s.claim_at[0] in s.fraction_at,
        series="government" if s.has("government") and indicator == "returns_total"
        else "fedasil")


def _positions(s: Signals) -> dict[int, int]:
    """Each year written in digits → the token it is at (first one)."""
    found: dict[int, int] = {}
    for i, tok in enumerate(s.toks):
        if _YEAR.match(tok) and int(tok) in s.years:
            found.setdefault(int(tok), i)
    return found


def _bind_years(s: Signals, default_year: int | None) -> list[tuple[float, int | None]]:
    """Each claim with the year written nearest to it (an unclaimed year first; on a tie the
    year after it: "3,000 in 2023 and 4,000 in 2024")."""
    positions = _positions(s)
    if len(positions) < 2:
        return [(c, default_year) for c in s.claims]
    bound: list[tuple[float, int | None]] = []
    taken: set[int] = set()
    for value, at in zip(s.claims, s.claim_at, strict=False):
        free = {y: p for y, p in positions.items() if y not in taken} or positions
        year = min(free, key=lambda y: (abs(free[y] - at), free[y] < at))
        taken.add(year)
        bound.append((value, year))
    return bound


# The question kind that asks for a claim's quantity, and its fields.
_ASKED: dict[str, dict[str, Any]] = {
    "returns_total": {"kind": "total"},
    "returns_by_country": {"kind": "by_country"},
    "returns_by_profile": {"kind": "by_profile", "measure": "count"},
    "share_by_profile": {"kind": "by_profile", "measure": "share"},
    "reintegration_count": {"kind": "reintegration", "measure": "count"},
    "reintegration_share": {"kind": "reintegration", "measure": "share"},
    "families_share": {"kind": "families"},
    "dublin_departures": {"kind": "dublin"},
    "unaccompanied_minors": {"kind": "unaccompanied_minors"},
    "destination_countries_count": {"kind": "destination_countries"},
    "premiums_paid": {"kind": "premiums"},
}


def asked_figure(check: dict[str, Any]) -> dict[str, Any]:
    """A follow-up to a claim ("And 2024?") asks for the figure of the claim's quantity in
    that year, not for the same claim again; quantities without a question kind of their own
    stay a check."""
    asked = _ASKED.get(check.get("indicator") or "returns_total")
    if asked is None:
        return check
    query = {**asked, "year": check.get("year"), "series": check.get("series", "fedasil")}
    if asked["kind"] == "by_country":
        query["country"] = check.get("country")
    if asked["kind"] == "by_profile":
        query["profile"] = check.get("profile")
    return query
