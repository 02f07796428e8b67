"""The web page's own wording, in the page's language (gettext), and the citation of a source.

Templates receive these as a dict, so every string is extracted from Python like the rest of
the product's messages.
"""

from __future__ import annotations

from functools import cache

from bot.answer import SourceRef
from bot.i18n import LANGUAGES, translations
from bot.render import RTL_LANGUAGES
from bot.web.params import MAX_QUESTION_CHARS, BadParameter
from bot.web.verdict import Verdict

__all__ = ["citation", "problem_text", "ui_texts", "verdict_label"]


@cache
def ui_texts(lang: str) -> dict[str, str]:
    """Every interface string of the pages, keyed by where it is used."""
    _ = translations(lang).gettext
    return {
        "title": _("ReturnBot: voluntary return from Belgium in figures"),
        "intro": _("Ask about assisted voluntary return from Belgium. Every figure comes from a "
                   "publication, named with it."),
        "question": _("Your question"),
        "ask": _("Ask"),
        "language": _("Language"),
        "headlines": _("Latest published figures"),
        "figures": _("Figures in this answer"),
        "figure": _("Figure"),
        "source": _("Source"),
        "cite": _("Citation"),
        "suggestions": _("You could also ask"),
        "data": _("Browse the data"),
        "conflicts": _("Sources that disagree"),
        "claim": _("Claim"),
        "verdict": _("Verdict"),
        "published": _("Published figure"),
        "chart": _("Chart"),
        "bad_request": _("Bad request"),
    }


@cache
def verdict_label(verdict: Verdict, lang: str) -> str:
    """The verdict's name in `lang`."""
    _ = translations(lang).gettext
    return {
        "accurate": _("Accurate"),
        "rounded": _("Rounded"),
        "inaccurate": _("Inaccurate"),
        "other_definition": _("Another count (different definition)"),
        "cannot_verify": _("Cannot be verified"),
    }[verdict]


def problem_text(problem: BadParameter, lang: str) -> str:
    """What is wrong with a request, in `lang`."""
    _ = translations(lang).gettext
    if problem.problem == "long_question":
        return _("This question is too long: %(count)s characters; the limit is %(limit)s.") % {
            "count": problem.value, "limit": MAX_QUESTION_CHARS}
    if problem.problem == "unknown_language":
        return _("Unknown language “%(lang)s”. Choose one of: %(languages)s.") % {
            "lang": problem.value, "languages": ", ".join(LANGUAGES)}
    if problem.problem == "bad_date":
        return _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": problem.value}
    return _("Please type a question.")


def citation(source: SourceRef, date_text: str, lang: str) -> str:
    """A citation a journalist can paste: publisher, title, date and URL, in `lang`."""
    _ = translations(lang).gettext
    return _("%(publisher)s, “%(title)s”, %(date)s, %(url)s") % {
        "publisher": _isolated(source.publisher, lang), "title": _isolated(source.title, lang),
        "date": date_text, "url": _isolated(source.url, lang)}


def _isolated(text: str, lang: str) -> str:
    """In right-to-left text, a name, title or URL in another script keeps its own order and
    does not drag the punctuation around it (Unicode first-strong isolate)."""
    return f"\u2068{text}\u2069" if lang in RTL_LANGUAGES else text
