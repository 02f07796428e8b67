"""Number words and magnitudes in claims, in all 12 languages, through the engine: "4 mil",
"3 тысячи", "drieduizend", "deux mille neuf cent" are read at their own magnitude, and years
stay years."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.i18n import LANGUAGES
from bot.numbers import precision_step

TODAY = date(2026, 11, 28)
TABLE = yaml.safe_load((Path(__file__).parent / "factcheck" / "numbers.yaml").read_text(
    encoding="utf-8"))
ROWS = [pytest.param(lang, row["q"], row["claimed"], id=f"{lang}-{row['q'][:40]}")
        for lang, rows in TABLE.items() for row in rows]


def test_the_number_table_covers_every_language():
    assert set(TABLE) == set(LANGUAGES)


@pytest.mark.parametrize(("lang", "question", "claimed"), ROWS)
def test_a_claim_in_words_is_read_at_its_own_magnitude(engine, lang, question, claimed):
    answer = engine.ask(question, today=TODAY)
    assert answer.language == lang
    assert answer.query["kind"] == "fact_check"
    assert answer.query["claimed"] == claimed
    # The verdict compares the claim with the published figure, never "4" with 4,053.
    assert answer.verdict in ("accurate", "rounded", "inaccurate")
    assert answer.facts[0].value != claimed or answer.verdict == "accurate"


def test_the_issue_example_4_mil_is_a_rounding_of_4053(engine):
    answer = engine.ask("They say 4 mil people returned in 2015, is that true?", today=TODAY)
    assert answer.query["claimed"] == 4000
    assert answer.verdict == "rounded"
    assert answer.facts[0].value == 4053
    assert "4,000" in answer.text and "not 4." not in answer.text


@pytest.mark.parametrize("question", [
    "In 2015 thousands of people returned, is that true?",
    "Est-il vrai qu'en 2015 des milliers de personnes sont rentrées ?",
    "Правда ли, что в 2015 году вернулись тысячи человек?",
])
def test_a_magnitude_word_alone_is_no_claim_and_a_year_before_it_stays_a_year(
        engine, question):
    answer = engine.ask(question, today=TODAY)
    query = answer.query or {}
    assert query.get("claimed") is None
    assert 2015 in (query.get("year"), query.get("base_year"), query.get("start"))


def test_a_number_written_with_a_thousands_space_is_not_read_as_a_year(engine):
    answer = engine.ask("Est-il vrai que 2 021 personnes rentrées en 2015 étaient sans titre "
                        "de séjour ?", today=TODAY)
    assert answer.query["claimed"] == 2021
    assert answer.query["year"] == 2015


def test_a_spelled_out_year_is_a_year_and_a_round_thousand_a_number(engine):
    answer = engine.ask("¿Es verdad que tres mil personas regresaron en dos mil veintitrés?",
                        today=TODAY)
    assert answer.query["claimed"] == 3000
    assert answer.query["year"] == 2023


def test_a_word_of_another_language_is_no_number(engine):
    # Turkish "on" is ten; in an English question it is a preposition.
    answer = engine.ask("Is it true that on 2023 there were 3000 returns?", today=TODAY)
    assert answer.query["claimed"] == 3000


@pytest.mark.parametrize(("value", "step"), [
    (3000, 1000), (3500, 100), (2952, 1), (4000, 1000), (4.4, 0.1), (70, 10), (1_200_000, 100_000),
])
def test_a_claims_precision_is_its_last_written_digit(value, step):
    assert precision_step(value) == step
