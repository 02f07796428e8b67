"""The typed questions the engine understands: a pydantic discriminated union on `kind`.

`parse` turns text into one of these (or `Clarify` / `NoMatch`); `resolve` fills defaults;
`store` answers them. Adding a question kind means: a model here, a rule in `parse`, a
runner in `answer_query` (bot/query.py) and a template in `render`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    model_serializer,
)

Series = Literal["fedasil", "government"]
Profile = Literal["asylum_applicant", "rejected_applicant", "irregular_stay"]
Measure = Literal["count", "share"]
# What a claim can be about: every recurring quantity of the store (bot/datafiles.INDICATORS).
ClaimIndicator = Literal[
    "returns_total", "returns_by_country", "returns_by_profile", "share_by_profile",
    "reintegration_count", "reintegration_share", "families_share", "dublin_departures",
    "unaccompanied_minors", "destination_countries_count", "premiums_paid",
    "returns_immigration_office", "forced_returns", "returns_all_types", "outreach_contacts",
]
# The part of a year a figure covers: the whole year, a half, a quarter or a month.
Period = Literal["year", "H1", "H2", "Q1", "Q2", "Q3", "Q4", "M01", "M02", "M03", "M04", "M05",
                 "M06", "M07", "M08", "M09", "M10", "M11", "M12"]
# Quantities people ask about that the store does not hold (publishers: data/not_held.yaml).
Quantity = Literal["asylum_applications", "forced_returns", "work_permits", "visas",
                   "regularisations", "population", "exchange_rates", "reception",
                   "detention"]

__all__ = [
    "AskBack", "ByCountry", "ByProfile", "Change", "ClaimIndicator", "ClaimPart", "Clarify",
    "DestinationCountries", "Definition", "Dublin", "Families", "FactCheck", "Help", "Info",
    "Measure", "NoMatch", "NotHeld", "ParseResult", "Period", "Premiums", "Profile", "Quantity",
    "Query", "QUERY_ADAPTER", "Ranking", "Reintegration", "Series", "Total", "Trend",
    "UnaccompaniedMinors",
]


class _Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _YearQuery(_Base):
    """A question about one year; `year=None` means the latest year with that figure.
    `period` narrows it to part of the year ("the first half of 2016")."""

    year: int | None = None
    series: Series = "fedasil"
    period: Period = "year"

    @model_serializer(mode="wrap")
    def _annual_unsaid(self, handler: SerializerFunctionWrapHandler) -> Any:
        """The contract's query shape stays as it was for annual questions (the default):
        `period` appears only when it narrows the year."""
        data = handler(self)
        if isinstance(data, dict) and data.get("period") == "year":
            del data["period"]
        return data


class Total(_YearQuery):
    """How many returned (in a year)."""

    kind: Literal["total"] = "total"


class ByCountry(_YearQuery):
    """How many returned to one country (ISO 3166-1 alpha-2, XK for Kosovo)."""

    kind: Literal["by_country"] = "by_country"
    country: str


class ByProfile(_YearQuery):
    """The residence-status profile of returnees; `profile=None` asks for the whole split."""

    kind: Literal["by_profile"] = "by_profile"
    profile: Profile | None = None
    measure: Measure = "share"


class Ranking(_YearQuery):
    """The main destination countries of a year."""

    kind: Literal["ranking"] = "ranking"
    top: int = Field(default=5, ge=1, le=20)


class Change(_Base):
    """The change between two years (`base_year` → `year`), for the total or one country."""

    kind: Literal["change"] = "change"
    year: int | None = None
    base_year: int | None = None
    country: str | None = None
    series: Series = "fedasil"


class Trend(_Base):
    """The yearly series from `start` to `end` (inclusive), for the total or one country."""

    kind: Literal["trend"] = "trend"
    start: int | None = None
    end: int | None = None
    country: str | None = None
    series: Series = "fedasil"
    chart: bool = False


class Reintegration(_YearQuery):
    """How many returnees received reintegration support, as a count or share."""

    kind: Literal["reintegration"] = "reintegration"
    measure: Measure = "share"


class Dublin(_YearQuery):
    """Voluntary Dublin departures (organised by the Immigration Office)."""

    kind: Literal["dublin"] = "dublin"


class UnaccompaniedMinors(_YearQuery):
    """Unaccompanied minors among returnees."""

    kind: Literal["unaccompanied_minors"] = "unaccompanied_minors"


class Families(_YearQuery):
    """The share of returnees who travelled as families."""

    kind: Literal["families"] = "families"


class DestinationCountries(_YearQuery):
    """The number of countries people returned to."""

    kind: Literal["destination_countries"] = "destination_countries"


class Premiums(_YearQuery):
    """How many return premiums were paid (premiums, not necessarily persons)."""

    kind: Literal["premiums"] = "premiums"


class ClaimPart(_Base):
    """Another part of a compound question: a second claim, or only a year to answer for
    ("219 Syrians in 2025? And 2024?")."""

    year: int
    claimed: float | None = None


class FactCheck(_YearQuery):
    """Is a claimed number right, as the quantity it is about (`indicator`, `country`,
    `profile`)? A percentage claim names a share indicator. `parts` are the other years
    (with or without their own claim) asked in the same message."""

    kind: Literal["fact_check"] = "fact_check"
    claimed: float
    country: str | None = None
    indicator: ClaimIndicator = "returns_total"
    profile: Profile | None = None
    percent: bool = False
    parts: tuple[ClaimPart, ...] = ()
    # Stated as a fraction ("half", "a third"): a share as precise as the fraction, checked
    # within the rounding tolerance rather than to the digit.
    fraction: bool = False


class Definition(_Base):
    """What a figure means: why two counts differ, what is counted, whether Dublin is in."""

    kind: Literal["definition"] = "definition"
    topic: Literal["series", "dublin", "counted", "profiles", "reintegration"] = "series"
    year: int | None = None
    value: float | None = None


class Info(_Base):
    """Support information for migrants: a content topic, optionally about one country."""

    kind: Literal["info"] = "info"
    topic: str | None = None
    country: str | None = None


class NotHeld(_Base):
    """A quantity ReturnBot holds no figures for (asylum applications, forced returns, …)."""

    kind: Literal["not_held"] = "not_held"
    quantity: Quantity
    year: int | None = None


class Help(_Base):
    """What the bot can answer."""

    kind: Literal["help"] = "help"


Query = Annotated[
    Total | ByCountry | ByProfile | Ranking | Change | Trend | Reintegration | Dublin
    | UnaccompaniedMinors | Families | DestinationCountries | Premiums | FactCheck | Definition
    | Info | Help | NotHeld,
    Field(discriminator="kind"),
]
QUERY_ADAPTER: TypeAdapter[Query] = TypeAdapter(Query)


class Clarify(_Base):
    """The text names something ambiguous; ask which one was meant."""

    kind: Literal["clarify"] = "clarify"
    term: str
    countries: tuple[str, ...]


class AskBack(_Base):
    """Two or three readings are about as likely: ask which one was meant, with a button each."""

    kind: Literal["ask_back"] = "ask_back"
    options: tuple[Query, ...]


class NoMatch(_Base):
    """The text is not a question the engine can answer."""

    kind: Literal["no_match"] = "no_match"


ParseResult = Query | Clarify | AskBack | NoMatch
