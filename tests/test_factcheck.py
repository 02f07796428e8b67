"""Fact checks a journalist can quote, in all 12 languages, through the engine: each verdict,
the three real press claims of issue 9 checked as their own quantity, percentage claims,
compound claim + question, and the verdict words first in the answer's language."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.i18n import LANGUAGES, translations

TODAY = date(2026, 11, 28)
TABLE = yaml.safe_load((Path(__file__).parent / "factcheck" / "claims.yaml").read_text(
    encoding="utf-8"))
# key → (verdict, query fields that must hold, the published value stated first)
EXPECTED: dict[str, tuple[str | None, dict[str, object], float | None]] = {
    "dublin": ("accurate", {"indicator": "dublin_departures", "year": 2017}, 205),
    "irregular": ("accurate", {"indicator": "returns_by_profile", "profile": "irregular_stay",
                               "year": 2015}, 2021),
    "premiums": ("accurate", {"indicator": "premiums_paid", "year": 2018}, 1965),
    "rounded": ("rounded", {"indicator": "returns_total", "year": 2023}, 2952),
    "inaccurate": ("inaccurate", {"indicator": "returns_total", "year": 2012}, 4694),
    "other": ("other_definition", {"indicator": "returns_total", "year": 2023}, 2952),
    "unverifiable": ("cannot_verify", {"indicator": "returns_by_country", "country": "GE",
                                       "year": 2023}, None),
    "percent": ("accurate", {"indicator": "reintegration_share", "percent": True,
                             "year": 2023}, 70),
    "compound": ("accurate", {"indicator": "returns_by_country", "country": "SY",
                              "year": 2025, "claimed": 219}, 219),
    "words": ("rounded", {"claimed": 4000, "year": 2015}, 4053),
}
CASES = [pytest.param(lang, key, id=f"{lang}-{key}")
         for lang in LANGUAGES for key in EXPECTED]


def test_the_claim_table_has_every_case_in_every_language():
    assert set(TABLE) == set(LANGUAGES)
    for rows in TABLE.values():
        assert set(EXPECTED) | {"howmany", "premiums_asked"} == set(rows)


@pytest.mark.parametrize(("lang", "key"), CASES)
def test_a_claim_gets_its_verdict_as_the_quantity_it_is_about(engine, lang, key):
    verdict, fields, value = EXPECTED[key]
    answer = engine.ask(TABLE[lang][key], today=TODAY)
    assert answer.language == lang
    assert answer.query["kind"] == "fact_check"
    assert answer.verdict == verdict
    for name, expected in fields.items():
        assert answer.query[name] == expected, name
    if value is None:
        assert answer.facts == [] and answer.status == "no_data"
    else:
        assert answer.facts[0].value == value and not answer.facts[0].derived
        assert answer.facts[0].source is not None


@pytest.mark.parametrize(("lang", "key"), CASES)
def test_the_text_starts_with_the_verdict_in_the_answers_language(engine, lang, key):
    answer = engine.ask(TABLE[lang][key], today=TODAY)
    names = {"accurate": "Accurate", "rounded": "Rounded", "inaccurate": "Inaccurate",
             "other_definition": "Other definition", "cannot_verify": "Cannot be verified"}
    word = translations(lang).gettext(names[answer.verdict])
    assert answer.text.startswith(word)
    if lang != "en":
        assert word != names[answer.verdict]  # translated, not the English fallback


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rounded_or_wrong_claim_states_the_difference_as_a_derived_fact(engine, lang):
    rounded = engine.ask(TABLE[lang]["rounded"], today=TODAY)
    wrong = engine.ask(TABLE[lang]["inaccurate"], today=TODAY)
    assert [(f.value, f.derived) for f in rounded.facts[1:]] == [(48, True)]  # 3,000 − 2,952
    assert [(f.value, f.derived) for f in wrong.facts[1:]] == [(-194, True)]  # 4,500 − 4,694


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_government_count_asked_as_fedasils_is_another_definition(engine, lang):
    answer = engine.ask(TABLE[lang]["other"], today=TODAY)
    assert [(f.value, f.series) for f in answer.facts] == [(2952, "fedasil"),
                                                            (3107, "government")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_compound_claim_binds_the_claim_to_its_year_and_answers_the_other(engine, lang):
    answer = engine.ask(TABLE[lang]["compound"], today=TODAY)
    assert answer.query["parts"] == [{"year": 2024, "claimed": None}]
    assert [(f.year, f.value) for f in answer.facts] == [(2025, 219), (2024, 6)]
    assert answer.text.count("\n\n") == 1  # one Answer, the second part after the first


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_percentage_with_how_many_asks_for_the_count_and_is_never_a_verdict(engine, lang):
    answer = engine.ask(TABLE[lang]["howmany"], today=TODAY)
    assert answer.query["kind"] == "reintegration"
    assert answer.verdict is None
    assert {f.indicator for f in answer.facts} == {"reintegration_count", "reintegration_share"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_return_premiums_can_be_asked_as_a_figure_of_their_own(engine, lang):
    answer = engine.ask(TABLE[lang]["premiums_asked"], today=TODAY)
    assert answer.query == {"kind": "premiums", "year": 2018, "series": "fedasil"}
    assert [(f.indicator, f.value) for f in answer.facts] == [("premiums_paid", 1965)]
    assert answer.verdict is None


@pytest.mark.parametrize(("question", "verdict", "value"), [
    ("Is it true that 2,000 people returned in 2019?", "inaccurate", 2426),  # 17.6% off
    ("Is it true that 2,430 people returned in 2019?", "rounded", 2426),  # to the ten
    ("Is it true that 2,400 people returned in 2019?", "rounded", 2426),  # to the hundred
    ("Is it true that 2,420 people returned in 2019?", "inaccurate", 2426),  # 2,426 → 2,430
    ("Is it true that 2,500 people returned in 2019?", "inaccurate", 2426),  # 2,426 → 2,400
    ("Is it true that 1,965 people returned in 2018?", "other_definition", 2994),  # premiums
    ("Is it true that 8,333 people returned in 2023?", "other_definition", 2952),  # all types
    ("Is it true that 30% of returnees were Brazilians in 2025?", "cannot_verify", None),
    # "asylum seekers": those in procedure when published, else all of them (2015: 2,032).
    ("Is it true that 528 asylum seekers in procedure returned in 2011?", "accurate", 528),
    ("Is it true that 2,032 asylum seekers returned in 2015?", "accurate", 2032),
    ("Is it true that 37% were asylum seekers in 2019?", "accurate", 37),
    ("Is it true that there were 3,383 forced returns in 2023?", "accurate", 3383),
    ("Is it true that 962 people left with the Immigration Office in 2012?",
     "other_definition", 5656),  # the government's total; 962 is the Office's own count
])
def test_the_rounding_tolerance_and_other_counts(engine, question, verdict, value):
    answer = engine.ask(question, today=TODAY)
    assert answer.verdict == verdict
    assert (answer.facts[0].value if answer.facts else None) == value


def test_a_part_with_its_own_claim_gets_its_own_verdict(engine):
    answer = engine.ask("3000 in 2023 and 4000 in 2024, is that right?", today=TODAY)
    assert answer.query["year"] == 2023 and answer.verdict == "rounded"
    assert answer.query["parts"] == [{"year": 2024, "claimed": 4000}]
    assert "Inaccurate: the published figure for voluntary returns with Fedasil's programme " \
           "in 2024 is 3,267, not 4,000" in answer.text


def test_other_answers_have_no_verdict(engine):
    assert engine.ask("How many people returned in 2023?", today=TODAY).verdict is None


def test_the_cli_json_carries_the_verdict(store_path):
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--today", "2026-11-28",
         "Is it true that 205 people left under Dublin in 2017?"],
        capture_output=True, text=True, check=True,
        env={"RETURNBOT_DB_PATH": str(store_path), "PATH": "/usr/bin:/bin"}, timeout=120)
    answer = json.loads(proc.stdout)
    assert answer["verdict"] == "accurate"
    assert answer["query"]["indicator"] == "dublin_departures"
    assert answer["text"].startswith("Accurate: 205")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_follow_up_year_after_a_claim_asks_for_that_years_figure(engine, lang):
    # The compound question sent as two messages: "219 Syrians in 2025?", then "And 2024?".
    first, follow = re.match(r"^(.*?[?؟])\s*(.+)$", TABLE[lang]["compound"]).groups()
    claim = engine.ask(first, today=TODAY)
    assert claim.verdict == "accurate" and claim.query["year"] == 2025
    answer = engine.ask(follow, context=claim.query, hint_lang=lang, today=TODAY)
    assert answer.query == {"kind": "by_country", "year": 2024, "country": "SY",
                            "series": "fedasil"}
    assert answer.verdict is None
    assert [(f.indicator, f.value) for f in answer.facts][:1] == [("returns_by_country", 6)]
