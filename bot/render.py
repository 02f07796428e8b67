"""Render a Result as the text a user reads, in their language: gettext for wording, Babel
for numbers, percentages, dates and country names. Every number it writes comes from a Fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from bot.answer import Fact
from bot.i18n import translations
from bot.lookup import Result
from bot.provenance import N_, publisher_label
from bot.store import Store

__all__ = ["RTL_LANGUAGES", "Renderer", "country_name"]

RTL_LANGUAGES = frozenset({"ar"})
# The publishers named in data/not_held.yaml, marked for the catalogs.
NOT_HELD_PUBLISHERS = (
    N_("Commissioner General for Refugees and Stateless Persons (CGRS/CGVS)"),
    N_("Immigration Office"),
    N_("Statbel, the Belgian statistical office"),
    N_("National Bank of Belgium"),
    N_("Fedasil (reception network figures)"),
)

# Runs in the support texts that must read left to right inside Arabic: URLs, e-mail
# addresses, and digit groups with their separators (0800 32 745, 02/488 97 77, 9:00–12:30),
# which the bidi algorithm would otherwise show in reverse order.
_LTR_RUN = re.compile(
    r"(?:https?://|www\.)[^\s()،؛]*[^\s().,;:،؛]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d[\d :/.–-]*\d|\d")


# Short names of what a question can ask for, for ask-back buttons ("Do you mean: …?").
_KIND_LABELS = {
    "total": N_("the number of voluntary returns"),
    "by_profile": N_("returnees by residence status"),
    "ranking": N_("the main countries of return"),
    "change": N_("the change from one year to another"),
    "trend": N_("the figures over the years"),
    "reintegration": N_("figures on reintegration support"),
    "dublin": N_("Dublin departures"),
    "unaccompanied_minors": N_("unaccompanied minors"),
    "families": N_("families among returnees"),
    "destination_countries": N_("the number of countries of return"),
    "premiums": N_("return premiums paid"),
    "fact_check": N_("checking a figure"),
    "definition": N_("what the figures count"),
    "not_held": N_("figures ReturnBot does not hold"),
}
_TOPIC_LABELS = {
    "voluntary_return": N_("what voluntary return is"),
    "how_to_apply": N_("how to apply"),
    "contact": N_("phone line and addresses"),
    "eligibility": N_("who can get return support"),
    "travel_and_premium": N_("the journey and the travel premium"),
    "reintegration": N_("reintegration support after return"),
    "country_exceptions": N_("rules for some countries"),
    "special_groups": N_("support for vulnerable people"),
    "confidentiality": N_("confidentiality and the police"),
    "come_back_later": N_("coming back to Belgium later"),
    "order_to_leave": N_("after a refusal or an order to leave"),
    "partners": N_("who does what"),
    "funding": N_("who pays for the programme"),
}


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def country_name(code: str | None, lang: str) -> str:
    """The country's name in `lang` (CLDR), e.g. 'Georgië' for GE in Dutch."""
    if not code:
        return ""
    return str(_locale(lang).territories.get(code, code))


class Renderer:
    """Turns results into localized text for one language."""

    def __init__(self, lang: str, store: Store) -> None:
        self.lang = lang
        self.store = store
        t = translations(lang)
        self._ = t.gettext
        self.ngettext = t.ngettext

    # Formatting -----------------------------------------------------------------------

    def number(self, value: float) -> str:
        return _number(value, self.lang)

    def percent(self, value: float) -> str:
        return _percent(value, self.lang)

    def ltr(self, text: str) -> str:
        """Isolate a left-to-right run (number, URL) inside right-to-left text, so that signs,
        percent marks and slashes stay where they belong (Unicode bidi isolates)."""
        return f"\u2066{text}\u2069" if self.lang in RTL_LANGUAGES else text

    def value(self, f: Fact) -> str:
        """A fact's value with its unit and precision ('about 50%', '2,952')."""
        if f.unit == "percent":
            text = self.percent(f.value)
            if f.derived and f.value > 0:
                text = "+" + text
        elif f.unit == "rank":
            text = self._("no. %(rank)s") % {"rank": self.number(f.value)}
        else:
            text = self.number(f.value)
        text = self.ltr(text)
        if f.precision == "approximate":
            return self._("about %(value)s") % {"value": text}
        return text

    def country(self, code: str | None) -> str:
        return country_name(code, self.lang)

    def date(self, published: str | None) -> str:
        if not published:
            return self._("undated")
        return _date(published, self.lang)

    def source(self, f: Fact) -> str:
        if f.source is None:
            return ""
        s = f.source
        publisher = publisher_label(s.publisher, self._)
        if not s.title:  # no title was captured: say none rather than an empty one
            return self._("Source: %(publisher)s (%(date)s), %(url)s") % {
                "publisher": publisher, "date": self.date(s.published), "url": self.ltr(s.url)}
        return self._("Source: %(publisher)s, “%(title)s” (%(date)s), %(url)s") % {
            "publisher": publisher, "title": s.title, "date": self.date(s.published),
            "url": self.ltr(s.url)}

    def series_name(self, series: str) -> str:
        if series == "government":
            return self._("the government count (State Secretary / Immigration Office)")
        return self._("Fedasil's voluntary return programme")

    # Messages ---------------------------------------------------------------------------

    def render(self, r: Result) -> str:
        handler: Callable[[Result], str] = getattr(self, f"_m_{r.message}")
        return handler(r).strip()

    def _latest(self, r: Result, year: int) -> str:
        if r.details.get("latest"):
            return self._("(No year given: %(year)s is the latest year with this figure.)") % {
                "year": year} + "\n"
        return ""

    def _m_total(self, r: Result) -> str:
        f = r.facts[0]
        _ = self._
        text = self._latest(r, f.year)
        if f.series == "government":
            text += _("In %(year)s, %(value)s people returned voluntarily according to "
                      "the government count (State Secretary / Immigration Office).") % {
                "year": f.year, "value": self.value(f)}
        else:
            text += _("In %(year)s, %(value)s people returned voluntarily from Belgium with "
                      "Fedasil's programme.") % {"year": f.year, "value": self.value(f)}
        text += "\n" + self.source(f)
        if len(r.facts) > 1:
            other = r.facts[1]
            dublin = next((d for d in r.facts if d.indicator == "dublin_departures"), None)
            if other.series == "government" and dublin is not None:
                text += "\n\n" + _(
                    "The government count for %(year)s is %(value)s: it also includes the "
                    "%(dublin)s voluntary Dublin departures organised by the Immigration Office."
                ) % {"year": other.year, "value": self.value(other),
                     "dublin": self.value(dublin)}
            else:
                text += "\n\n" + _("Fedasil's own programme figure for %(year)s is %(value)s.") % {
                    "year": other.year, "value": self.value(other)}
            text += "\n" + self.source(other)
            if dublin is not None:
                text += "\n" + self.source(dublin)
        return text

    def _m_no_total(self, r: Result) -> str:
        years = r.details.get("years") or []
        if r.details.get("year") and years:
            return self._("No annual total was published for %(year)s. Published totals cover "
                          "%(first)s to %(last)s.") % {"year": r.details["year"],
                                                     "first": years[0], "last": years[-1]}
        return self._("No annual total was published for that year.")

    def _m_by_country(self, r: Result) -> str:
        f = r.facts[0]
        text = self._latest(r, f.year)
        text += self._("In %(year)s, %(value)s people returned voluntarily to %(country)s.") % {
            "year": f.year, "value": self.value(f), "country": self.country(f.country)}
        sources = [self.source(f)]
        if len(r.facts) > 1:
            text += " " + self._rank_sentence(r.facts[1])
            if self.source(r.facts[1]) not in sources:
                sources.append(self.source(r.facts[1]))
        return text + "\n" + "\n".join(sources)

    def _rank_sentence(self, rank: Fact) -> str:
        if rank.precision == "exact":
            return self._("%(country)s was no. %(rank)s among destination countries in "
                          "%(year)s.") % {"country": self.country(rank.country),
                                         "rank": self.number(rank.value), "year": rank.year}
        return self._("%(country)s was listed no. %(rank)s among the main destination countries "
                      "in %(year)s.") % {"country": self.country(rank.country),
                                        "rank": self.number(rank.value), "year": rank.year}

    def _m_country_not_published(self, r: Result) -> str:
        q = r.query
        country = self.country(getattr(q, "country", None))
        year = r.details.get("year")
        if year:
            text = self._("No count of returns to %(country)s was published for %(year)s.") % {
                "country": country, "year": year}
        else:
            text = self._("No count of returns to %(country)s was published.") % {
                "country": country}
        for f in r.facts:
            text += "\n"
            if f.indicator == "rank_by_country":
                text += self._rank_sentence(f)
            else:
                text += self._("The last published count: %(value)s in %(year)s.") % {
                    "value": self.value(f), "year": f.year}
            text += "\n" + self.source(f)
        text += "\n" + self._(
            "Full per-country tables are in the report attached to Fedasil's release for that "
            "year: %(url)s") % {
            "url": r.details.get("report", "")}
        return text

    def profile_name(self, profile: str | None) -> str:
        names = {
            "irregular_stay": self._("people without legal stay"),
            "asylum_applicant": self._("asylum applicants still in procedure"),
            "rejected_applicant": self._("people at the end of their asylum procedure (rejected)"),
        }
        return names.get(profile or "", self._("asylum applicants (in procedure or rejected)"))

    def _m_by_profile(self, r: Result) -> str:
        f = r.facts[0]
        text = self._latest(r, f.year)
        if f.unit == "percent":
            text += self._("In %(year)s, %(value)s of returnees were %(profile)s.") % {
                "year": f.year, "value": self.value(f), "profile": self.profile_name(f.profile)}
        else:
            text += self._("In %(year)s, %(value)s returnees were %(profile)s.") % {
                "year": f.year, "value": self.value(f), "profile": self.profile_name(f.profile)}
        text += "\n" + self.source(f)
        others = r.facts[1:]
        if others:
            text += "\n" + self._("Other groups that year:") + "\n" + "\n".join(
                f"• {self.profile_name(o.profile)}: {self.value(o)}" for o in others)
        return text

    def _m_profile_not_published(self, r: Result) -> str:
        q = r.query
        text = self._("No figure for %(profile)s was published for %(year)s.") % {
            "profile": self.profile_name(getattr(q, "profile", None)), "year": r.details["year"]}
        if r.facts:
            text += "\n" + self._("What was published for that year:") + "\n" + "\n".join(
                f"• {self.profile_name(o.profile)}: {self.value(o)}" for o in r.facts)
            text += "\n" + self.source(r.facts[0])
        return text

    def _m_ranking(self, r: Result) -> str:
        year = r.details["year"]
        ranks = [f for f in r.facts if f.indicator == "rank_by_country"]
        counts = {f.country: f for f in r.facts if f.indicator == "returns_by_country"}
        text = self._latest(r, year)
        text += self._("Main destination countries in %(year)s:") % {"year": year}
        for f in ranks:
            line = f"\n{self.number(f.value)}. {self.country(f.country)}"
            if f.country in counts:
                line += f" ({self.value(counts[f.country])})"
            text += line
        if not r.details.get("ordered"):
            text += "\n" + self._("(Countries in the order the source lists them; it does "
                                  "not say they are ranked by number of returns.)")
        if r.details.get("fewer"):
            text += "\n" + self._("Only these countries were published for that year.")
        for c in r.details.get("conflicts", []):
            text += "\n" + self._("Sources disagree on this order: %(publisher)s (%(date)s) "
                                  "lists %(country)s before %(other)s.") % {
                "publisher": publisher_label(c["source"].publisher, self._),
                "date": self.date(c["source"].published),
                "country": self.country(c["country"]), "other": self.country(c["before"])}
        return text + "\n" + self.source(ranks[0])

    def _m_no_ranking(self, r: Result) -> str:
        years = r.details.get("years") or []
        text = self._("No list of main destination countries was published for that year.")
        if years:
            text += " " + self._("Lists exist for: %(years)s.") % {
                "years": ", ".join(map(str, years))}
        return text

    def _m_ranking_counts(self, r: Result) -> str:
        year = r.details["year"]
        text = self._latest(r, year)
        text += self._("Main destination countries in %(year)s, by the published counts:") % {
            "year": year}
        for i, f in enumerate(r.facts, start=1):
            text += f"\n{i}. {self.country(f.country)}: {self.value(f)}"
        return text + "\n" + self.source(r.facts[0])

    def _m_change(self, r: Result) -> str:
        new, old, change = r.facts[0], r.facts[1], r.facts[2]
        if new.country:
            text = self._("Returns to %(country)s: %(new)s in %(year)s against %(old)s in "
                          "%(base)s.") % {"country": self.country(new.country),
                                          "new": self.value(new), "year": new.year,
                                          "old": self.value(old), "base": old.year}
        else:
            text = self._("Voluntary returns: %(new)s in %(year)s against %(old)s in "
                          "%(base)s.") % {"new": self.value(new), "year": new.year,
                                          "old": self.value(old), "base": old.year}
        text += "\n" + self._("Change: %(change)s (computed by ReturnBot from the published "
                              "figures).") % {"change": self.value(change)}
        if len(r.facts) > 3:
            pub = r.facts[3]
            text += "\n" + self._("Fedasil itself published a change of %(change)s.") % {
                "change": self.value(pub)}
        return text + "\n" + self.source(new) + "\n" + self.source(old)

    def _m_change_missing(self, r: Result) -> str:
        text = self._("A comparison of %(base)s and %(year)s is not possible: one of the two "
                      "figures was not published.") % {
            "base": r.details.get("base_year"), "year": r.details.get("year")}
        for f in r.facts:
            text += "\n" + self._("Published: %(value)s in %(year)s.") % {
                "value": self.value(f), "year": f.year} + "\n" + self.source(f)
        return text

    def _m_trend(self, r: Result) -> str:
        first = r.facts[0]
        if first.country:
            text = self._("Published counts of returns to %(country)s:") % {
                "country": self.country(first.country)}
        else:
            text = self._("Voluntary returns per year (%(series)s):") % {
                "series": self.series_name(first.series)}
        points = [f for f in r.facts if not f.derived]
        for f in points:
            text += f"\n{f.year}: {self.value(f)}"
        if r.details.get("missing") and first.country:
            text += "\n" + self._("No count was published for the other years.")
        text += self._series_change(r)
        sources = []
        for f in points:
            line = self.source(f)
            if line not in sources:
                sources.append(line)
        return text + "\n" + "\n".join(sources[-3:]) + (
            "\n" + self._("(and the releases of earlier years)") if len(sources) > 3 else "")

    def chart_title(self, r: Result) -> str:
        """The heading of a result's chart, in this language."""
        if r.message == "ranking":
            return self._("Main destination countries in %(year)s:") % {
                "year": r.details["year"]}
        first = r.facts[0] if r.facts else None
        if first is not None and first.country:
            return self._("Published counts of returns to %(country)s:") % {
                "country": self.country(first.country)}
        return self._("Voluntary returns per year (%(series)s):") % {
            "series": self.series_name(first.series if first else "fedasil")}

    def _m_no_trend(self, r: Result) -> str:
        return self._("No yearly series was published for this.")

    def _m_reintegration(self, r: Result) -> str:
        f = r.facts[0]
        text = self._latest(r, f.year)
        if f.unit == "percent":
            text += self._("In %(year)s, %(value)s of returnees received reintegration support "
                           "in their country.") % {"year": f.year, "value": self.value(f)}
        else:
            text += self._("In %(year)s, %(value)s returnees received reintegration support in "
                           "their country.") % {"year": f.year, "value": self.value(f)}
        text += "\n" + self.source(f)
        for alt in r.details.get("alternatives", []):
            text += "\n" + self._("An earlier publication gave %(value)s; the figure above is "
                                  "the most recent one.") % {"value": self.value(alt)}
            text += "\n" + self.source(alt)
        if len(r.facts) > 1 and r.facts[1].indicator != f.indicator:
            o = r.facts[1]
            text += "\n" + (self._("That is %(value)s of returnees.") if o.unit == "percent"
                            else self._("That is %(value)s people.")) % {"value": self.value(o)}
        return text

    def _m_reintegration_other(self, r: Result) -> str:
        f = r.facts[0]
        if f.unit == "percent":
            return self._("The number of people with reintegration support was not published "
                          "for %(year)s, but the share was: %(value)s.") % {
                "year": f.year, "value": self.value(f)} + "\n" + self.source(f)
        return self._("The share with reintegration support was not published for %(year)s, "
                      "but the number was: %(value)s people.") % {
            "year": f.year, "value": self.value(f)} + "\n" + self.source(f)

    def _simple(self, r: Result, template: str) -> str:
        f = r.facts[0]
        return self._latest(r, f.year) + template % {"year": f.year, "value": self.value(f)} + (
            "\n" + self.source(f))

    def _m_dublin(self, r: Result) -> str:
        return self._simple(r, self._(
            "In %(year)s, %(value)s people left voluntarily under the Dublin rules (to the EU "
            "country responsible for their asylum claim). These departures are organised by "
            "the Immigration Office and are not in Fedasil's total."))

    def _m_minors(self, r: Result) -> str:
        return self._simple(r, self._(
            "In %(year)s, %(value)s unaccompanied minors returned voluntarily."))

    def _m_families(self, r: Result) -> str:
        return self._simple(r, self._(
            "In %(year)s, %(value)s of returnees travelled as part of a family."))

    def _m_destinations(self, r: Result) -> str:
        return self._simple(r, self._(
            "In %(year)s, people returned to %(value)s different countries."))

    # What the store does not hold (bot/limits.py) --------------------------------------

    def _series_change(self, r: Result) -> str:
        change = next((f for f in r.facts if f.derived and f.indicator == "change_pct"), None)
        if change is None:
            return ""
        return "\n" + self._("Change from %(base)s to %(year)s: %(change)s (computed by "
                             "ReturnBot from the published figures).") % {
            "base": change.base_year, "year": change.year, "change": self.value(change)}

    def held_quantity_name(self, quantity: str) -> str:
        """The name of a quantity the store does not hold ("asylum applications")."""
        names = {
            "asylum_applications": self._("asylum applications"),
            "forced_returns": self._("forced returns (deportations)"),
            "work_permits": self._("work permits"),
            "visas": self._("visas"),
            "regularisations": self._("regularisations of residence"),
            "population": self._("the population"),
            "exchange_rates": self._("exchange rates"),
            "reception": self._("people in reception (asylum reception network)"),
            "detention": self._("people in detention (closed centres)"),
        }
        return names.get(quantity, quantity)

    def _m_not_held(self, r: Result) -> str:
        d = r.details
        text = self._("ReturnBot holds only figures on assisted voluntary return from Belgium. "
                      "It has no figures on %(quantity)s.") % {
            "quantity": self.held_quantity_name(d["quantity"])}
        if d.get("publisher"):
            text += "\n" + self._("These figures are published by %(publisher)s: %(url)s") % {
                "publisher": self._(d["publisher"]), "url": self.ltr(d["url"])}
        return text

    def _m_year_out_of_range(self, r: Result) -> str:
        d = r.details
        text = self._("There are no figures for the year %(year)s.") % {"year": d["year"]}
        if d.get("first"):
            text += " " + self._("Published figures cover %(first)s to %(last)s.") % {
                "first": d["first"], "last": d["last"]}
        return text

    def period_name(self, period: str, year: int | None) -> str:
        """A part of a year, as said after "in" ("the first half of 2016")."""
        names = {
            "H1": self._("the first half of %(year)s"),
            "H2": self._("the second half of %(year)s"),
            "Q1": self._("the first quarter of %(year)s"),
            "Q2": self._("the second quarter of %(year)s"),
            "Q3": self._("the third quarter of %(year)s"),
            "Q4": self._("the fourth quarter of %(year)s"),
        }
        return names.get(period, f"{period} %(year)s") % {"year": year or ""}

    def _m_period(self, r: Result) -> str:
        f = r.facts[0]
        return self._("In %(period)s, %(value)s people returned voluntarily from Belgium with "
                      "Fedasil's programme.") % {
            "period": self.period_name(r.details["period"], f.year),
            "value": self.value(f)} + "\n" + self.source(f)

    def _m_period_check(self, r: Result) -> str:
        f, d = r.facts[0], r.details
        values = {"period": self.period_name(d["period"], f.year), "value": self.value(f),
                  "claimed": self.number(d["claimed"])}
        if d["exact"]:
            text = self._("Yes: in %(period)s, %(value)s people returned voluntarily (the "
                          "published figure).") % values
        else:
            text = self._("No: in %(period)s, %(value)s people returned voluntarily, not "
                          "%(claimed)s.") % values
        return text + "\n" + self.source(f)

    def _m_period_not_published(self, r: Result) -> str:
        d = r.details
        if d["period"].startswith("M") and d["year"]:
            month = date(d["year"], int(d["period"][1:]), 1)
            text = self._("No figure was published for a single month (%(month)s): the "
                          "published figures are annual.") % {
                "month": format_skeleton("yMMMM", month, locale=self.lang)}
        else:
            text = self._("No figure was published for returns in %(period)s: the published "
                          "figures are annual.") % {
                "period": self.period_name(d["period"], d["year"])}
        years = sorted({y for y, p in d.get("published", []) if p == "H1"})
        if years:
            text += " " + self._("Only the total for the first half of the year was published, "
                                 "for: %(years)s.") % {"years": ", ".join(map(str, years))}
        return text

    def _m_no_figure(self, r: Result) -> str:
        years = r.details.get("years") or []
        text = self._("This figure was not published for that year.") if r.details.get(
            "year") else self._("This figure was not published.")
        if years:
            text += " " + self._("It was published for: %(years)s.") % {
                "years": ", ".join(map(str, years))}
        return text

    def _m_premiums(self, r: Result) -> str:
        return self._simple(r, self._(
            "In %(year)s, %(value)s return premiums were paid (premiums, not necessarily "
            "people)."))

    # Fact checks (bot/factcheck.py): the verdict first, then the figure, difference, source.

    def verdict_name(self, verdict: str) -> str:
        names = {"accurate": self._("Accurate"), "rounded": self._("Rounded"),
                 "inaccurate": self._("Inaccurate"), "other_definition": self._("Other definition"),
                 "cannot_verify": self._("Cannot be verified")}
        return names[verdict]

    def quantity_name(self, indicator: str, series: str = "fedasil", country: str | None = None,
                      profile: str | None = None) -> str:
        """What a figure counts, as a phrase ("voluntary Dublin departures")."""
        _ = self._
        if indicator == "returns_total" and series == "government":
            return _("voluntary returns in the government count (State Secretary / Immigration "
                     "Office)")
        if indicator == "returns_by_country":
            return _("voluntary returns to %(country)s") % {"country": self.country(country)}
        if indicator == "returns_by_profile":
            return _("returnees who were %(profile)s") % {"profile": self.profile_name(profile)}
        if indicator == "share_by_profile":
            return _("the share of returnees who were %(profile)s") % {
                "profile": self.profile_name(profile)}
        names = {
            "returns_total": _("voluntary returns with Fedasil's programme"),
            "reintegration_count": _("returnees who received reintegration support"),
            "reintegration_share": _("the share of returnees who received reintegration support"),
            "families_share": _("the share of returnees who travelled as a family"),
            "dublin_departures": _("voluntary Dublin departures (organised by the Immigration "
                                   "Office)"),
            "unaccompanied_minors": _("unaccompanied minors who returned"),
            "destination_countries_count": _("destination countries"),
            "premiums_paid": _("return premiums paid"),
            "returns_immigration_office": _("voluntary departures organised by the Immigration "
                                            "Office"),
            "forced_returns": _("forced returns"),
            "returns_all_types": _("all departures, forced and voluntary"),
            "outreach_contacts": _("migrants reached by Fedasil's Reach Out teams"),
        }
        return names.get(indicator, indicator)

    def _what(self, f: Fact) -> str:
        return self.quantity_name(f.indicator, f.series, f.country, f.profile)

    def _m_fact_check(self, r: Result) -> str:
        d = r.details
        q = r.query
        if d.get("mismatch"):  # "30% were Brazilians": a share nobody published
            return self._("%(verdict)s: no such percentage was published for %(year)s.") % {
                "verdict": self.verdict_name(d["verdict"]), "year": d.get("year") or "?"}
        what = self.quantity_name(getattr(q, "indicator", "returns_total"),
                                  getattr(q, "series", "fedasil"), getattr(q, "country", None),
                                  getattr(q, "profile", None))
        text = self._claim_line(d["verdict"], d["claimed"], d.get("year"), what,
                                r.facts, d.get("other"), d["percent"])
        if d["verdict"] == "cannot_verify" and d.get("years"):
            text += " " + self._("It was published for: %(years)s.") % {
                "years": ", ".join(map(str, d["years"]))}
        for part in d.get("parts", []):
            text += "\n\n" + self._part_line(part, what)
        return text

    def _claim_line(self, verdict: str, claimed: float, year: int | None, what: str,
                    facts: list[Fact], other: Fact | None, percent: bool) -> str:
        """One claim's verdict sentence and the sources of the figures it states."""
        _ = self._
        head = self.verdict_name(verdict)
        shown = self.ltr(self.percent(claimed) if percent else self.number(claimed))
        if verdict == "cannot_verify":
            return _("%(verdict)s: no figure for %(what)s was published for %(year)s.") % {
                "verdict": head, "what": what, "year": year or "?"}
        published = facts[0]
        diff = next((f for f in facts if f.indicator == "claim_difference"), None)
        values = {"verdict": head, "what": what, "year": published.year, "claimed": shown,
                  "value": self.value(published), "diff": self._signed(diff) if diff else ""}
        if verdict == "accurate":
            text = _("%(verdict)s: %(value)s is the published figure for %(what)s in "
                     "%(year)s.") % values
        elif verdict == "rounded":
            text = _("%(verdict)s: %(claimed)s is a rounding of the published figure for "
                     "%(what)s in %(year)s, %(value)s (the claim differs by %(diff)s, calculated "
                     "by ReturnBot).") % values
        elif verdict == "inaccurate":
            text = _("%(verdict)s: the published figure for %(what)s in %(year)s is %(value)s, "
                     "not %(claimed)s (the claim differs by %(diff)s, calculated by "
                     "ReturnBot).") % values
        else:
            assert other is not None
            text = _("%(verdict)s: %(claimed)s is not the figure for %(what)s in %(year)s "
                     "(%(value)s) but the one for %(other)s.") % {
                **values, "other": self._what(other)}
        text += "\n" + self.source(published)
        if other is not None and self.source(other) != self.source(published):
            text += "\n" + self.source(other)
        return text

    def _signed(self, f: Fact) -> str:
        """A claim's difference with its sign ("+48", "−4 %")."""
        if f.unit == "percent":
            return self.value(f) if f.value > 0 else self.ltr(self.percent(f.value))
        return self.ltr(("+" if f.value > 0 else "") + self.number(f.value))

    def _part_line(self, part: dict[str, Any], what: str) -> str:
        """Another part of a compound message: a second claim, or a year asked about."""
        if part["claimed"] is not None:
            return self._claim_line(part["verdict"], part["claimed"], part["year"], what,
                                    part["facts"], part["other"], False)
        if not part["facts"]:
            return self._("No figure for %(what)s was published for %(year)s.") % {
                "what": what, "year": part["year"]}
        f = part["facts"][0]
        return self._("In %(year)s: %(value)s (%(what)s).") % {
            "year": f.year, "value": self.value(f), "what": what} + "\n" + self.source(f)

    def _m_definition_series(self, r: Result) -> str:
        text = self._(
            "Two annual counts exist. Fedasil publishes the number of people who returned with "
            "its voluntary return programme. The State Secretary and the Immigration Office "
            "publish a wider count that also includes voluntary departures the Immigration "
            "Office organised, such as Dublin departures.")
        fed = next((f for f in r.facts if f.indicator == "returns_total" and
                    f.series == "fedasil"), None)
        gov = next((f for f in r.facts if f.indicator == "returns_total" and
                    f.series == "government"), None)
        diff = next((f for f in r.facts if f.indicator == "series_difference"), None)
        dub = next((f for f in r.facts if f.indicator == "dublin_departures"), None)
        if fed and gov and diff:
            text += "\n\n" + self._(
                "For %(year)s: Fedasil %(fed)s, government %(gov)s, a difference of %(diff)s "
                "(calculated by ReturnBot).") % {"year": fed.year, "fed": self.value(fed),
                                  "gov": self.value(gov), "diff": self.number(diff.value)}
            if dub and r.details.get("dublin_matches"):
                text += " " + self._(
                    "That equals the %(dublin)s voluntary Dublin departures Fedasil reports "
                    "separately for that year.") % {"dublin": self.value(dub)}
            text += "\n" + self.source(fed) + "\n" + self.source(gov)
            if dub:
                text += "\n" + self.source(dub)
        return text

    def _m_definition_dublin(self, r: Result) -> str:
        text = self._(
            "No: Fedasil's annual total does not include voluntary Dublin departures (people "
            "who leave for the EU country responsible for their asylum claim). The Immigration "
            "Office organises those; the government's wider count includes them.")
        if r.facts:
            f = r.facts[0]
            text += "\n" + self._("Latest published figure: %(value)s Dublin departures in "
                                  "%(year)s.") % {"value": self.value(f), "year": f.year}
            text += "\n" + self.source(f)
        return text

    def _m_definition_counted(self, r: Result) -> str:
        return self._(
            "Fedasil counts the people who actually left Belgium with its assisted voluntary "
            "return programme in the year (with IOM, Caritas and partners). Voluntary Dublin "
            "departures and forced returns are not in this figure.")

    def _m_definition_profiles(self, r: Result) -> str:
        return self._(
            "Fedasil describes returnees by residence status: asylum applicants still in "
            "procedure, people at the end of their asylum procedure (rejected), and people "
            "without legal stay who never applied for asylum or whose stay ended.")

    def _m_definition_reintegration(self, r: Result) -> str:
        return self._(
            "The reintegration share is the part of returnees who received support in their "
            "country after the return (help with a small business, housing, schooling or "
            "medical care), given in kind through IOM, Caritas or partners.")

    def _m_info(self, r: Result) -> str:
        """The topic's one-line summary first, then the details, then where they come from."""
        topic = self.store.topic(r.topic or "how_to_apply", self.lang)
        if topic is None:
            return self._("Information on the return programme: call Fedasil or see "
                          "https://www.voluntaryreturn.be")
        text = f"{topic.summary}\n\n{topic.text}"
        country = r.details.get("country")
        if isinstance(country, str) and country in topic.countries:
            # "will they help me start a business back in Georgia?": Georgia's rule first.
            name = self.country(country).casefold()
            own = [line for line in topic.text.splitlines() if name in line.casefold()]
            if own:
                text = "\n".join(own) + "\n\n" + text
        if topic.sources:
            src = topic.sources[0]
            text += "\n\n" + self._("Source: %(publisher)s, %(url)s (information as of %(date)s)") % {
                "publisher": src.get("publisher", ""), "url": src.get("url", ""),
                "date": topic.stated}
        if self.lang in RTL_LANGUAGES:
            text = _LTR_RUN.sub(lambda m: self.ltr(m.group()), text)
        return text

    def _m_help(self, r: Result) -> str:
        return self._(
            "I answer questions about assisted voluntary return from Belgium, with the figures "
            "Fedasil and the government published and their sources. For example:") + (
            "\n• " + "\n• ".join(self.examples()))

    def examples(self) -> list[str]:
        return [self._("How many people returned voluntarily in 2024?"),
                self._("How many returned to Brazil in 2021?"),
                self._("How do I apply for voluntary return?")]

    def country_question(self, country: str, year: int) -> str:
        """The question for a country count, as a suggestion to tap or type."""
        return self._("How many returned to %(country)s in %(year)s?") % {
            "country": self.country(country), "year": year}

    def not_understood(self) -> str:
        return self._("Sorry, I did not understand that question. I answer questions about "
                      "voluntary return from Belgium. You could ask:") + (
            "\n• " + "\n• ".join(self.examples()))

    def ask_back(self, labels: list[str]) -> str:
        """'Do you mean: A, or B?' for a question the router could not decide."""
        return self._("Do you mean: %(options)s? Choose below, or ask again in other words.") % {
            "options": self._(" or ").join(labels)}

    def option_label(self, query: dict[str, object]) -> str:
        """A short name for one reading of a question, for an ask-back button."""
        kind = str(query.get("kind"))
        if kind == "info":
            label = _TOPIC_LABELS.get(str(query.get("topic")))
            return self._(label) if label else self._("support for returning")
        if kind == "by_country" and query.get("country"):
            return self._("returns to %(country)s") % {
                "country": self.country(str(query["country"]))}
        if kind == "fact_check" and isinstance(query.get("claimed"), int | float):
            return self._("checking the figure %(value)s") % {
                "value": self.number(float(query["claimed"]))}  # type: ignore[arg-type]
        label = _KIND_LABELS.get(kind)
        return self._(label) if label else kind

    def clarify(self, term: str, countries: tuple[str, ...]) -> str:
        names = ", ".join(self.country(c) for c in countries)
        return self._("“%(term)s” can mean several countries: %(names)s. Which one do you "
                      "mean?") % {"term": term, "names": names}


# Babel's formatting is the slowest step of rendering; the store holds a few hundred figures
# and dates, so each is formatted once per language.
@lru_cache(maxsize=8192)
def _number(value: float, lang: str) -> str:
    return str(format_decimal(value, locale=lang))


@lru_cache(maxsize=8192)
def _percent(value: float, lang: str) -> str:
    share = Decimal(str(value)) / 100  # Decimal: no 4.4000000000000004%
    return str(format_percent(share, locale=lang, decimal_quantization=False))


@lru_cache(maxsize=4096)
def _date(published: str, lang: str) -> str:
    parts = [int(p) for p in published.split("-")]
    if len(parts) == 3:
        return str(format_date(date(*parts), format="long", locale=lang))
    if len(parts) == 2:
        return str(format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=lang))
    return str(parts[0])
