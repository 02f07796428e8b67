"""Check the parameters of /ask and /ask.json: a question of sane length, a product language,
an ISO date. Bad input becomes a `BadParameter` that the page shows as a clear 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.i18n import LANGUAGES

__all__ = ["MAX_QUESTION_CHARS", "AskParams", "BadParameter", "ask_params"]

# Far above any real question (the longest golden ones are ~150 characters), far below what
# would make the parser the bottleneck.
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True, slots=True)
class AskParams:
    """A question to answer, with the forced language and the date of "today", if given."""

    question: str
    lang: str | None
    today: date | None


class BadParameter(ValueError):
    """A request parameter the page cannot answer; `problem` names which one and why."""

    def __init__(self, problem: str, value: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.value = value


def ask_params(query: Mapping[str, str]) -> AskParams:
    """The validated parameters of an /ask request (`q`, `lang`, `today`)."""
    question = query.get("q", "").strip()
    if not question:
        raise BadParameter("empty_question")
    if len(question) > MAX_QUESTION_CHARS:
        raise BadParameter("long_question", str(len(question)))
    return AskParams(question, page_language(query), _today(query.get("today")))


def page_language(query: Mapping[str, str]) -> str | None:
    """The `lang` parameter: one of the 12 product languages, or None when absent."""
    lang = query.get("lang", "").strip()
    if not lang:
        return None
    if lang not in LANGUAGES:
        raise BadParameter("unknown_language", lang[:20])
    return lang


def _today(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadParameter("bad_date", value[:20]) from None
