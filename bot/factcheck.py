"""Check a claim against the store: `FactCheck` → `Result` with a verdict a journalist can quote.

Verdicts (README, "Fact checks"):

- `accurate`: the claim is the published figure of the quantity it is about;
- `rounded`: the published figure rounds to the claim at the claim's own precision (3,000 is
  written to the thousand, 3,500 to the hundred) and is within 5% of it, or a source
  published the claim itself as a rounded figure of that quantity;
- `inaccurate`: neither;
- `other_definition`: not this quantity's figure, but another published count's for the same
  year (the government's 3,107 for 2023 asked as Fedasil's, Dublin departures, premiums);
- `cannot_verify`: nothing was published for that quantity and year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.answer import Fact, Status, Verdict
from bot.lookup import Result, fact
from bot.numbers import precision_step
from bot.queries import FactCheck
from bot.store import Observation, Store

__all__ = ["TOLERANCE", "Verdict", "check", "compare"]

TOLERANCE = 0.05  # a rounding may be at most 5% off the published value
_COUNTS = ("returns_total", "dublin_departures", "premiums_paid", "returns_immigration_office",
           "returns_all_types", "forced_returns", "reintegration_count", "unaccompanied_minors",
           "outreach_contacts")
_SHARES = ("reintegration_share", "families_share")
_PROFILED = {"returns_by_profile", "share_by_profile"}


@dataclass(frozen=True)
class _Quantity:
    indicator: str
    series: str
    country: str | None
    profile: str | None

    def get(self, store: Store, year: int) -> Observation | None:
        return store.get(self.indicator, year, self.series, self.country, self.profile)


def compare(claimed: float, obs: Observation, store: Store, fraction: bool = False) -> Verdict:
    """How a claimed value stands against a published one (see the module docstring); a
    fraction ("half", "three quarters") has no digits to round to: within the tolerance."""
    if math.isclose(claimed, obs.value, abs_tol=1e-6):
        return "accurate"
    step = precision_step(claimed)
    rounds = math.floor(obs.value / step + 0.5) * step
    if obs.value and (fraction or math.isclose(rounds, claimed)) and (
            abs(claimed - obs.value) / obs.value <= TOLERANCE):
        return "rounded"
    published_rounded = any(
        math.isclose(a.value, claimed) and a.precision != "exact"
        for a in store.alternatives(obs.indicator, obs.year, obs.series, obs.country,
                                    obs.profile))
    return "rounded" if published_rounded else "inaccurate"


def check(q: FactCheck, store: Store, today: date) -> Result:
    """Check the main claim of `q`, then every other part of the message."""
    quantity = _Quantity(q.indicator, q.series, q.country, q.profile)
    year = q.year or _year_of_claim(store, quantity, q.claimed)
    if q.profile == "asylum_applicant" and year and quantity.get(store, year) is None:
        # "asylum seekers" also names all of them, in procedure or rejected: the figure
        # published for the year when the one for those in procedure was not.
        quantity = _Quantity(q.indicator, q.series, q.country, None)
    if q.percent != (q.indicator in _SHARES or q.indicator == "share_by_profile"):
        # "30% were Brazilians": no such share is published; never compare it with a count.
        return Result(q, "no_data", "fact_check", [], details={
            "year": year, "verdict": "cannot_verify", "claimed": q.claimed, "other": None,
            "parts": [], "years": [], "percent": q.percent, "mismatch": True})
    verdict, facts, other = _check_one(store, quantity, q.claimed, year, q.fraction)
    if quantity.profile != q.profile:
        q = q.model_copy(update={"profile": quantity.profile})
    parts: list[dict[str, Any]] = []
    for part in q.parts:
        if part.claimed is None:
            obs = quantity.get(store, part.year)
            parts.append({"year": part.year, "claimed": None, "verdict": None,
                          "facts": [fact(obs)] if obs else [], "other": None})
            facts += [fact(obs)] if obs else []
            continue
        p_verdict, p_facts, p_other = _check_one(store, quantity, part.claimed, part.year)
        parts.append({"year": part.year, "claimed": part.claimed, "verdict": p_verdict,
                      "facts": p_facts, "other": p_other})
        facts += p_facts
    status: Status = "no_data" if verdict == "cannot_verify" and not facts else "answered"
    return Result(q, status, "fact_check", facts, details={
        "year": year, "verdict": verdict, "claimed": q.claimed, "other": other,
        "parts": parts, "years": store.years(q.indicator, q.series, q.country, q.profile),
        "percent": q.percent})


def _check_one(store: Store, quantity: _Quantity, claimed: float, year: int | None,
               fraction: bool = False) -> tuple[Verdict, list[Fact], Fact | None]:
    """The verdict on one claim, the facts it states (published value, difference, the other
    count it matches) and that other count."""
    obs = quantity.get(store, year) if year else None
    if obs is None:
        return "cannot_verify", [], None
    obs = _published_as_claimed(store, obs, claimed)
    published = fact(obs)
    verdict = compare(claimed, obs, store, fraction)
    other = None
    if verdict == "inaccurate":
        match = _other_definition(store, quantity, claimed, obs.year)
        if match is not None:
            verdict, other = "other_definition", fact(match)
    facts = [published]
    if verdict in ("rounded", "inaccurate"):
        facts.append(Fact(
            indicator="claim_difference", series=obs.series, year=obs.year,
            country=obs.country, profile=obs.profile, value=_number(claimed - obs.value),
            unit=published.unit, precision="exact", derived=True, source=None))
    if other is not None:
        facts.append(other)
    return verdict, facts, other


def _published_as_claimed(store: Store, obs: Observation, claimed: float) -> Observation:
    """Where sources disagree on a figure (the government's 2015 count: 4,187 and 4,041), the
    published value the claim matches, so the verdict names the source that printed it."""
    for other in store.alternatives(obs.indicator, obs.year, obs.series, obs.country,
                                    obs.profile):
        if math.isclose(claimed, other.value, abs_tol=1e-6):
            return other
    return obs


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else round(value, 1)


def _other_definition(store: Store, quantity: _Quantity, claimed: float,
                      year: int) -> Observation | None:
    """Another count of the same year that the claim is: the government's total (also
    rounded), or exactly Dublin departures, premiums… A round "3,000 returned" meeting the
    forced returns rounded is a coincidence, not another definition. A country's count is
    compared with nothing else."""
    if quantity.country:
        return None
    for other in _neighbours(store, quantity, year):
        same_quantity = other.indicator == quantity.indicator
        for value in (other, *store.alternatives(other.indicator, year, other.series,
                                                 other.country, other.profile)):
            verdict = compare(claimed, value, store)
            if verdict == "accurate" or (verdict == "rounded" and same_quantity):
                return value
    return None


def _neighbours(store: Store, quantity: _Quantity, year: int) -> list[Observation]:
    """The published figures of `year` a claim about `quantity` may really be about, the
    other series of the same quantity first."""
    share = quantity.indicator in _SHARES or quantity.indicator == "share_by_profile"
    candidates: list[tuple[str, str, str | None]] = [
        (quantity.indicator, s, quantity.profile) for s in ("fedasil", "government")
        if s != quantity.series]
    for indicator in _SHARES if share else _COUNTS:
        candidates.append((indicator, "fedasil", None))
    profiled = "share_by_profile" if share else "returns_by_profile"
    candidates += [(profiled, "fedasil", p) for p in
                   (None, "asylum_applicant", "rejected_applicant", "irregular_stay")]
    if share:
        # Shares lie between 0 and 100: a claimed 60% meeting another quantity's 59% is a
        # coincidence, not another definition. Only the other series of the same share counts.
        candidates = candidates[:1]
    found = []
    for indicator, series, profile in candidates:
        if (indicator, series, profile) == (quantity.indicator, quantity.series,
                                            quantity.profile):
            continue
        obs = store.get(indicator, year, series, None, profile)
        if obs is not None:
            found.append(obs)
    return found


def _year_of_claim(store: Store, quantity: _Quantity, claimed: float) -> int | None:
    """No year given: the newest year whose published figure the claim is (or rounds), else
    the latest year with the figure."""
    years = store.years(quantity.indicator, quantity.series, quantity.country, quantity.profile)
    for year in reversed(years):
        obs = quantity.get(store, year)
        if obs is not None and compare(claimed, obs, store) != "inaccurate":
            return year
    if quantity.indicator == "returns_total" and not quantity.country:
        # "3,107 returned?": the government's figure names its year too.
        for year in reversed(store.years("returns_total", "government")):
            gov = store.get("returns_total", year, "government")
            if gov is not None and compare(claimed, gov, store) == "accurate":
                return year
    return years[-1] if years else None
