"""How a source is shown to a reader: its title without the curator's notes, and its
publisher's descriptive label ("State Secretary, personal site") in the reader's language.

data/publications.csv keeps the curator's notes where the curator needs them (a title taken
from the URL, a truncated copy); a reader never sees them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["CURATION_MARKS", "PUBLISHER_LABELS", "clean_title", "publisher_label"]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    return message


# Notes the curator wrote into titles: removed before anything is shown or returned.
_CURATION_NOTES = (
    re.compile(r"\s*\[title not captured[^\]]*\]", re.IGNORECASE),
    re.compile(r"\s*\(title from URL slug\)", re.IGNORECASE),
    re.compile(r";\s*title truncated in stored copy", re.IGNORECASE),
    re.compile(r"\s*\([^()]*\bsnapshot\)", re.IGNORECASE),
    re.compile(r"\s*\([^()]*\bCOI\)"),
    re.compile(r"\s*\((?:Arabic|Dutch|English|French|German)\)\s*$"),
)
# What may never reach an answer (tests check every rendered figure against these).
CURATION_MARKS = ("slug", "not captured", "truncated", "stored copy", "snapshot", "COI)",
                  "(Arabic)")

# Publishers whose name carries an English description: the name as published, and the
# description to translate.
PUBLISHER_LABELS: dict[str, tuple[str, str]] = {
    "Nicole de Moor (State Secretary, personal site)": (
        "Nicole de Moor", N_("State Secretary, personal site")),
    "Minister Anneleen Van Bossuyt (official site)": (
        "Anneleen Van Bossuyt", N_("minister, official site")),
    "Caritas International (newsletter, copy on SlideShare)": (
        "Caritas International", N_("newsletter, copy on SlideShare")),
    "Caritas International (newsletter on Issuu)": (
        "Caritas International", N_("newsletter on Issuu")),
    "EMN Belgium (summary of IOM report)": ("EMN Belgium", N_("summary of an IOM report")),
    "Europe Says (republished Belgian press)": (
        "Europe Says", N_("republished Belgian press")),
    "sp.a (political party)": ("sp.a", N_("political party")),
    "Fedasil (Prezly newsroom)": ("Fedasil", N_("newsroom")),
    "IOM (via ReliefWeb)": ("IOM", N_("via ReliefWeb")),
    "VRT NWS (French service)": ("VRT NWS", N_("French-language service")),
    "CCME (Conseil de la communauté marocaine à l'étranger), press review": (
        "CCME (Conseil de la communauté marocaine à l'étranger)", N_("press review")),
    "Le Vif (Belga), aggregated on a tag page": ("Le Vif (Belga)", N_("news aggregation page")),
    "CGRA/CGVS (Commissioner General for Refugees and Stateless Persons)": (
        "CGRA/CGVS", N_("Commissioner General for Refugees and Stateless Persons")),
    "grand-barnum.blogspot.com (blog quoting a Dutch-language news brief)": (
        "grand-barnum.blogspot.com", N_("blog quoting a Dutch-language news brief")),
}


def clean_title(title: str) -> str:
    """A publication title without the curator's notes; empty when none was captured."""
    for note in _CURATION_NOTES:
        title = note.sub("", title)
    return title.strip()


def publisher_label(publisher: str, gettext: Callable[[str], str]) -> str:
    """The publisher as a reader sees it, its description in the reader's language."""
    label = PUBLISHER_LABELS.get(publisher)
    if label is None:
        return publisher
    name, description = label
    return f"{name} ({gettext(description)})"
