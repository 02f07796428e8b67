"""Causes found by the second blind set (tests/dev/): each fixed where it arises, and checked
here through the real engine on the real store, in several languages."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("question, lang", [
    ("after i go back to georgia will they help me find job or some training", "en"),
    ("Mein Klient aus Georgien will einen kleinen Laden eröffnen, welche Hilfe gibt es?", "de"),
    ("ma cliente moldave, elle touche encore la prime de retour ?", "fr"),
    ("ra daxmarebas mivigeb saqartveloshi dabrunebis mere? biznesis gaxsna minda", "ka"),
])
def test_a_country_with_its_own_rules_gets_its_rule_first(engine: Engine, question: str,
                                                           lang: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.status == "info" and answer.topic == "country_exceptions"
    assert answer.language == lang
    first_line = answer.text.splitlines()[0]
    country = answer.query and answer.query.get("country")
    assert country in ("GE", "MD")
    page = engine.store.topic("country_exceptions", lang)
    assert page is not None and first_line in page.text  # the country's own line, verbatim
    assert first_line != page.summary


@pytest.mark.parametrize("question", [
    "dadut li mne deneg na svoe delo esli vernus v Rossiyu?",
    "my client wants to go back to Cameroon, can they help him open a shop there?",
    "mon client retourne au Sénégal, il peut avoir de l'aide pour ouvrir un commerce ?",
])
def test_the_country_rules_page_is_never_chosen_for_a_country_without_rules(engine: Engine,
                                                                           question: str):
    answer = engine.ask(question, today=TODAY)
    offered = [answer.topic] + [a.query.get("topic") for a in answer.actions
                                if a.query and a.query.get("kind") == "info"]
    assert "country_exceptions" not in offered
    assert answer.topic == "reintegration" or "reintegration" in offered


@pytest.mark.parametrize("question, verdict, value", [
    ("the minister said that in 2021 there were 2028 voluntary returns, right?", "accurate", 2028),
    ("Міністр заявив, що у 2021 році було 2028 добровільних повернень. Правда?", "accurate", 2028),
    ("le ministre affirme qu'en 2021 il y a eu 2028 retours volontaires, c'est vrai ?",
     "accurate", 2028),
])
def test_a_year_like_number_before_returns_is_the_claim(engine: Engine, question: str,
                                                         verdict: str, value: int):
    answer = engine.ask(question, today=TODAY)
    assert answer.verdict == verdict
    assert answer.query is not None and answer.query["year"] == 2021
    assert answer.facts[0].value == value and answer.facts[0].series == "government"


@pytest.mark.parametrize("question, verdict, published", [
    # The government's 2015 count was published as 4,187 and as 4,041: a claim of either
    # names the source that printed it.
    ("Die Zahl von 4.041 Rückkehrern laut Regierung für 2015, stimmt die?", "accurate", 4041),
    ("Is it true that 1956 people returned with Fedasil in 2020?", "other_definition", 1847),
])
def test_a_claim_matching_one_of_two_disagreeing_sources(engine: Engine, question: str,
                                                         verdict: str, published: int):
    answer = engine.ask(question, today=TODAY)
    assert answer.verdict == verdict
    assert answer.facts[0].value == published


def test_a_share_is_not_another_definition_of_a_different_share(engine: Engine):
    # 60% is no published reintegration share for 2023 (70%); another 2023 share being near
    # 60% is a coincidence, not another definition.
    answer = engine.ask("is it true that 60% got reintegration support in 2023?", today=TODAY)
    assert answer.verdict == "inaccurate"
    assert answer.facts[0].value == 70


@pytest.mark.parametrize("question", [
    "best kebab near brussels north station",
    "quel temps fait-il à liège demain",
    "cel mai bun restaurant din bucuresti",
    "qual foi o resultado do jogo do benfica ontem",
    "как доехать от вокзала до атомиума",
])
def test_places_and_food_are_not_support_questions(engine: Engine, question: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.status == "not_understood" and not answer.facts


@pytest.mark.parametrize("question, country", [
    ("how many went back to Brazl in 2023", "BR"),
    ("returns to Gorgia 2022", "GE"),
])
def test_country_typos_still_match(engine: Engine, question: str, country: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.query is not None and answer.query.get("country") == country


@pytest.mark.parametrize("question, lang", [
    ("Why do Fedasil and the Immigration Office end up with different totals for the same year?",
     "en"),
    ("Pourquoi Fedasil et l'Office des étrangers ne publient-ils pas le même nombre de retours "
     "volontaires ?", "fr"),
    ("De staatssecretaris zegt dat in 2023 3107 mensen vrijwillig vertrokken, Fedasil spreekt van "
     "minder. Waar komt dat verschil vandaan?", "nl"),
    ("Warum nennt die Regierung eine andere Zahl als Fedasil?", "de"),
])
def test_why_two_counts_differ_is_the_definition(engine: Engine, question: str, lang: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.status == "answered" and answer.language == lang
    assert answer.query is not None and answer.query["kind"] == "definition"
    assert answer.verdict is None


@pytest.mark.parametrize("question", ["how many how many how many", "how many?", "hoeveel?",
                                      "combien ?", "total"])
def test_how_many_alone_counts_nothing(engine: Engine, question: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.facts == []


@pytest.mark.parametrize("question", ["reintegracion", "реинтеграция", "реінтеграція",
                                      "რეინტეგრაცია", "reintegratie"])
def test_reintegration_alone_asks_about_the_support(engine: Engine, question: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.status in ("info", "clarify") and answer.facts == []
    if answer.status == "info":
        assert answer.topic == "reintegration"


@pytest.mark.parametrize("question", ["reintegration rate 2023", "% reintegration",
                                      "how many got reintegration support"])
def test_reintegration_with_a_share_count_or_year_is_the_statistic(engine: Engine,
                                                                    question: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.query is not None and answer.query["kind"] == "reintegration"
    assert answer.facts and answer.facts[0].indicator.startswith("reintegration")


@pytest.mark.parametrize("question, verdict", [
    # 3,000 for 2022 rounds the forced returns, not any count of voluntary returns: inaccurate.
    ("Een parlementslid beweert dat in 2022 drieduizend mensen vrijwillig terugkeerden. "
     "Klopt dat wel?", "inaccurate"),
    # 205 is exactly 2017's Dublin departures: another definition.
    ("is it true that 205 left in 2017?", "other_definition"),
    # 3,100 rounds the government's 3,107 for 2023: the same quantity, another count.
    ("is it true that 3,100 returned in 2023?", "other_definition"),
])
def test_another_definition_is_no_coincidence(engine: Engine, question: str, verdict: str):
    assert engine.ask(question, today=TODAY).verdict == verdict


@pytest.mark.parametrize("question, verdict, claimed", [
    ("кажуть що в 2025 повернулось п'ять тисяч людей, правда?", "inaccurate", 5000),
    ("кажуть що в 2025 повернулось пʼять тисяч людей, правда?", "inaccurate", 5000),
    ("Міністр заявив, що у 2021 році було 2028 добровільних повернень. Це так?", "accurate",
     2028),
    ("Министр заявил, что в 2021 году было 2028 добровольных возвращений. Это так?",
     "accurate", 2028),
])
def test_ukrainian_apostrophes_and_this_is_so(engine: Engine, question: str, verdict: str,
                                              claimed: int):
    answer = engine.ask(question, today=TODAY)
    assert answer.verdict == verdict
    assert answer.query is not None and answer.query["claimed"] == claimed


@pytest.mark.parametrize("question, lang", [
    ("J'ai lu dans un article que 953 Brésiliens sont rentrés chez eux l'an dernier, c'est bien "
     "le chiffre ?", "fr"),
    ("I read that 953 Brazilians went home last year, correct?", "en"),
    ("Ik las dat vorig jaar 953 Brazilianen terugkeerden, klopt dat?", "nl"),
])
def test_a_figure_someone_read_is_checked(engine: Engine, question: str, lang: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.verdict == "accurate" and answer.language == lang
    assert answer.query is not None and answer.query["country"] == "BR"


@pytest.mark.parametrize("question, profile", [
    ("Wie viele Menschen ohne legalen Aufenthaltsstatus sind 2015 mit Fedasil freiwillig "
     "zurückgekehrt?", "irregular_stay"),
    ("how many people without legal stay returned in 2015?", "irregular_stay"),
])
def test_a_named_profile_beats_the_total(engine: Engine, question: str, profile: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.query is not None and answer.query["kind"] == "by_profile"
    assert answer.query["profile"] == profile and answer.facts[0].value == 2021


@pytest.mark.parametrize("question", [
    "В статье утверждается, что в 2021 году добровольно уехали 2028 человек. Это так?",
    "the minister said in 2021 there were 2028 voluntary returns, right?",
])
def test_the_unmarked_year_like_number_is_the_claim(engine: Engine, question: str):
    answer = engine.ask(question, today=TODAY)
    assert answer.query is not None
    assert answer.query["year"] == 2021 and answer.query["claimed"] == 2028
