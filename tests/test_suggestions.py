"""Suggestions are questions the bot itself understands, in every language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.i18n import LANGUAGES

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_partial_answer_suggests_a_question_that_is_answered(engine, lang):
    partial = engine.ask("How many returned to Georgia in 2023?", lang=lang, today=TODAY)
    assert partial.status == "partial"
    (suggestion,) = partial.suggestions
    answer = engine.ask(suggestion, lang=lang, today=TODAY)
    assert answer.status == "answered", suggestion
    assert (answer.query["kind"], answer.query["country"], answer.query["year"]) == (
        "by_country", "GE", 2019)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_understood_suggests_three_questions_that_are_answered(engine, lang):
    answer = engine.ask("asdf qwer", lang=lang, today=TODAY)
    assert answer.status == "not_understood" and len(answer.suggestions) == 3
    for suggestion in answer.suggestions:
        assert engine.ask(suggestion, lang=lang, today=TODAY).status in ("answered", "info"), (
            suggestion)
