"""Part-of-year questions get that part's figure or "not published for that period", never
the annual figure; years nobody published figures for get "no figures for that year",
never the latest year. In all 12 languages, through the engine and the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent

# The store holds one figure for the first half of 2016 (returns_half_year): 2,050.
FIRST_HALF_2016 = {
    "en": "How many returned in the first half of 2016?",
    "nl": "Hoeveel mensen keerden terug in de eerste helft van 2016?",
    "fr": "Combien de retours volontaires au premier semestre 2016 ?",
    "de": "Wie viele Rückkehrer gab es im ersten Halbjahr 2016?",
    "es": "¿Cuántos retornos hubo en el primer semestre de 2016?",
    "pt": "Quantos retornos houve no primeiro semestre de 2016?",
    "ro": "Câte întoarceri au fost în primul semestru din 2016?",
    "ru": "Сколько человек вернулись в первом полугодии 2016 года?",
    "uk": "Скільки людей повернулися в першому півріччі 2016 року?",
    "tr": "2016'nın ilk yarısında kaç kişi döndü?",
    "ar": "كم شخصا عاد في النصف الأول من 2016؟",
    "ka": "რამდენი ადამიანი დაბრუნდა 2016 წლის პირველ ნახევარში?",
}
# Halves and quarters nothing was published for.
UNPUBLISHED_PERIODS = {
    "en": ("How many returned in the second half of 2016?", "H2", 2016),
    "nl": ("Hoeveel keerden terug in het derde kwartaal van 2019?", "Q3", 2019),
    "fr": ("Combien de retours au deuxième semestre 2016 ?", "H2", 2016),
    "de": ("Wie viele kehrten im ersten Quartal 2020 zurück?", "Q1", 2020),
    "es": ("¿Cuántos regresaron en el segundo semestre de 2016?", "H2", 2016),
    "pt": ("Quantos voltaram no terceiro trimestre de 2019?", "Q3", 2019),
    "ro": ("Câți s-au întors în al doilea semestru din 2016?", "H2", 2016),
    "ru": ("Сколько вернулись во втором полугодии 2016 года?", "H2", 2016),
    "uk": ("Скільки повернулися в першому кварталі 2020 року?", "Q1", 2020),
    "tr": ("2016'nın ikinci yarısında kaç kişi döndü?", "H2", 2016),
    "ar": ("كم شخصا عاد في الربع الأول من 2020؟", "Q1", 2020),
    "ka": ("რამდენი დაბრუნდა 2016 წლის მეორე ნახევარში?", "H2", 2016),
}
OUT_OF_RANGE_YEARS = {
    "en": ("How many returned in 0?", 0),
    "nl": ("Hoeveel mensen keerden terug in 1850?", 1850),
    "fr": ("Combien de retours volontaires en 2090 ?", 2090),
    "de": ("Wie viele Menschen sind im Jahr 1850 zurückgekehrt?", 1850),
    "es": ("¿Cuántas personas regresaron en el año 0?", 0),
    "pt": ("Quantas pessoas regressaram em 99999?", 99999),
    "ro": ("Câți oameni s-au întors în 1850?", 1850),
    "ru": ("Сколько человек вернулись в 2090 году?", 2090),
    "uk": ("Скільки людей повернулися у 1850 році?", 1850),
    "tr": ("1850 yılında kaç kişi döndü?", 1850),
    "ar": ("كم شخصا عاد في عام 99999؟", 99999),
    "ka": ("რამდენი ადამიანი დაბრუნდა 2090 წელს?", 2090),
}
ANNUAL_2016 = 4267
LATEST_TOTAL = 3122  # 2025, the latest published year on TODAY


@pytest.mark.parametrize("lang", sorted(FIRST_HALF_2016))
def test_first_half_of_2016_is_the_half_year_figure_not_the_annual_one(engine, lang):
    answer = engine.ask(FIRST_HALF_2016[lang], today=TODAY)
    assert answer.language == lang
    assert answer.status == "answered"
    assert answer.query == {"kind": "total", "year": 2016, "series": "fedasil", "period": "H1"}
    [fact] = answer.facts
    assert (fact.indicator, fact.year, fact.value) == ("returns_half_year", 2016, 2050)
    assert fact.source is not None and fact.source.url in answer.text
    assert engine.renderer(lang).number(2050) in answer.text
    assert engine.renderer(lang).number(ANNUAL_2016) not in answer.text


@pytest.mark.parametrize("lang", sorted(UNPUBLISHED_PERIODS))
def test_a_period_nothing_was_published_for_says_so_with_no_figure(engine, lang):
    question, period, year = UNPUBLISHED_PERIODS[lang]
    answer = engine.ask(question, today=TODAY)
    assert answer.language == lang
    assert (answer.status, answer.facts) == ("no_data", [])
    assert answer.query is not None
    assert (answer.query["period"], answer.query["year"]) == (period, year)
    annual = engine.store.get("returns_total", year)
    assert annual is not None and engine.renderer(lang).number(annual.value) not in answer.text
    # What exists instead: the years with a first-half total.
    assert all(str(y) in answer.text for y in (2012, 2013, 2014, 2016))


def test_a_country_in_the_first_half_of_a_year_is_not_published(engine):
    answer = engine.ask("How many returned to Georgia in the first half of 2016?", today=TODAY)
    assert answer.status == "no_data" and answer.facts == []
    assert answer.query is not None and answer.query["period"] == "H1"


def test_a_claim_about_the_first_half_is_checked_against_the_half_year_figure(engine):
    right = engine.ask("Is it true that 2050 returned in the first half of 2016?", today=TODAY)
    wrong = engine.ask("Is it true that 4267 returned in the first half of 2016?", today=TODAY)
    assert [f.value for f in right.facts] == [2050] and right.text.startswith("Yes")
    assert [f.value for f in wrong.facts] == [2050] and wrong.text.startswith("No")


def test_annual_questions_keep_the_contract_query_without_a_period(engine):
    answer = engine.ask("How many people returned voluntarily in 2023?", today=TODAY)
    assert answer.query == {"kind": "total", "year": 2023, "series": "fedasil"}


def test_a_follow_up_after_a_half_year_keeps_the_half(engine):
    first = engine.ask(FIRST_HALF_2016["en"], today=TODAY)
    answer = engine.ask("and in 2014?", context=first.query, today=TODAY)
    assert answer.query is not None and answer.query["period"] == "H1"
    assert [f.value for f in answer.facts] == [1769]


@pytest.mark.parametrize("lang", sorted(OUT_OF_RANGE_YEARS))
def test_a_year_out_of_range_has_no_figures_never_the_latest_year(engine, lang):
    question, year = OUT_OF_RANGE_YEARS[lang]
    answer = engine.ask(question, today=TODAY)
    assert answer.language == lang
    assert (answer.status, answer.facts) == ("no_data", [])
    assert not [a for a in answer.actions if a.kind in ("previous_year", "next_year")]
    assert answer.query is not None and answer.query["year"] == year
    assert engine.renderer(lang).number(LATEST_TOTAL) not in answer.text
    assert str(year) in answer.text


@pytest.mark.parametrize("question", [
    "How many returned to Georgia in 1850?", "top 5 countries in 99999",
    "Is it true that 3000 people returned in 1850?", "How many Dublin departures in 2090?",
])
def test_every_kind_of_question_about_an_out_of_range_year_has_no_figures(engine, question):
    answer = engine.ask(question, today=TODAY)
    assert (answer.status, answer.facts) == ("no_data", [])


def test_cli_json_carries_the_period_and_the_out_of_range_year(store_path):
    lines = "\n".join([FIRST_HALF_2016["fr"], OUT_OF_RANGE_YEARS["en"][0]]) + "\n"
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--today", TODAY.isoformat(), "-"],
        input=lines, capture_output=True, text=True, check=True, timeout=120, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "RETURNBOT_DB_PATH": str(store_path)})
    half, out_of_range = (json.loads(line) for line in out.stdout.splitlines())
    assert half["query"]["period"] == "H1" and [f["value"] for f in half["facts"]] == [2050]
    assert out_of_range["status"] == "no_data" and out_of_range["facts"] == []


MARCH_2016 = {
    "en": "How many returned in March 2016?",
    "nl": "Hoeveel mensen keerden terug in maart 2016?",
    "fr": "Combien de retours en mars 2016 ?",
    "de": "Wie viele kehrten im März 2016 zurück?",
    "es": "¿Cuántos regresaron en marzo de 2016?",
    "pt": "Quantos voltaram em março de 2016?",
    "ro": "Câți s-au întors în martie 2016?",
    "ru": "Сколько вернулись в марте 2016 года?",
    "uk": "Скільки повернулися в березні 2016 року?",
    "tr": "Mart 2016'da kaç kişi döndü?",
    "ar": "كم شخصا عاد في مارس 2016؟",
    "ka": "რამდენი დაბრუნდა 2016 წლის მარტში?",
}


@pytest.mark.parametrize("lang", sorted(MARCH_2016))
def test_a_month_is_not_published_and_never_gets_the_annual_figure(engine, lang):
    answer = engine.ask(MARCH_2016[lang], today=TODAY)
    assert answer.language == lang
    assert (answer.status, answer.facts) == ("no_data", [])
    assert answer.query is not None
    assert (answer.query["period"], answer.query["year"]) == ("M03", 2016)
    assert engine.renderer(lang).number(ANNUAL_2016) not in answer.text


def test_a_month_word_away_from_a_year_is_no_period(engine):
    answer = engine.ask("How many returned in 2016? May I ask?", today=TODAY)
    assert answer.query is not None and "period" not in answer.query
    assert [f.value for f in answer.facts] == [ANNUAL_2016]
