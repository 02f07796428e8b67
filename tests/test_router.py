"""The learned choice of kind, topic and language (bot/choose.py, bot/classify.py) and the
example bank it is trained on (data/examples/)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bot.choose import Router, features
from bot.classify import Model, train
from bot.engine import Engine
from bot.errors import DataError
from bot.evaluation import cross_validate
from bot.examples import KINDS, TOPICS, load_examples
from bot.i18n import LANGUAGES
from bot.parse import read_signals

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def bank():
    return load_examples(DATA)


def test_the_bank_has_3000_questions_and_every_kind_and_topic_in_every_language(bank):
    assert len(bank) >= 3000
    kinds = Counter((e.lang, e.kind) for e in bank)
    topics = Counter((e.lang, e.topic) for e in bank if e.topic)
    for lang in LANGUAGES:
        for kind in KINDS:
            assert kinds[(lang, kind)] >= 3 or kind == "off_topic" and kinds[(lang, kind)], (
                lang, kind)
        for topic in TOPICS:
            assert topics[(lang, topic)] >= 5, (lang, topic)


def test_a_bad_bank_row_is_reported_with_its_file_and_line(tmp_path):
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "xx.tsv").write_text(
        "lang\tkind\ttopic\ttext\nen\ttotal\t\thow many in 2023\n"
        "en\tinfo\tweather\twhat is the weather\nzz\ttotal\t\thow many\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_examples(tmp_path)
    lines = [str(p) for p in err.value.problems]
    assert any(p.startswith("xx.tsv:3: ") and "topic" in p for p in lines)
    assert any(p.startswith("xx.tsv:4: lang") for p in lines)


def test_training_is_deterministic_and_the_model_survives_a_round_trip():
    samples = [(["w:how", "w:many"], "total"), (["w:top", "w:countries"], "ranking"),
               (["w:how", "w:apply"], "info"), (["w:weather"], "off_topic")] * 5
    first, second = train(samples), train(samples)
    assert first.dumps() == second.dumps()
    loaded = Model.loads(first.dumps())
    for feats, label in samples[:4]:
        assert loaded.predict(feats).best == label == first.predict(feats).best
    assert abs(sum(p for _, p in loaded.predict(["w:unknown"]).ranked) - 1) < 1e-6


def test_a_model_of_another_format_is_refused():
    blob = train([(["a"], "x"), (["b"], "y")]).dumps().replace(b'"format": 1', b'"format": 9')
    with pytest.raises(ValueError):
        Model.loads(blob)


def test_placeholders_make_one_country_and_year_teach_about_all(engine: Engine):
    lexicon = engine.store.lexicon
    a = features(read_signals("how many returned to Georgia in 2018", lexicon))
    b = features(read_signals("how many returned to Brazil in 2021", lexicon))
    assert a == b


def test_cross_validated_choice_holds_on_questions_it_was_not_trained_on(engine: Engine):
    """One fold of the bank (its translations held out with it), trained on the rest."""
    cv = cross_validate(DATA, engine.store.lexicon, folds=5, only_fold=0)
    kind_right, kind_n = cv.accuracy("kind")["all"]
    topic_right, topic_n = cv.accuracy("topic")["all"]
    lang_right, lang_n = cv.accuracy("language")["all"]
    assert kind_n > 600 and topic_n > 250
    assert kind_right / kind_n >= 0.85
    assert topic_right / topic_n >= 0.70
    assert lang_right / lang_n >= 0.90


def test_the_store_carries_the_trained_router(engine: Engine):
    assert isinstance(engine.store.router, Router)
    assert set(engine.store.router.heads) == {"kind", "topic", "language"}


def test_a_rebuild_with_an_unchanged_bank_reuses_the_trained_models(tmp_path, engine):
    import sqlite3

    from bot.build import write

    first = tmp_path / "a.db"
    write(first)
    write(first)  # replaces itself: the models come from the store being replaced
    conn = sqlite3.connect(first)
    fingerprints = {r[0] for r in conn.execute("select fingerprint from models")}
    conn.close()
    assert len(fingerprints) == 1


@pytest.mark.parametrize(("question", "lang", "kind", "country"), [
    ("skolko ludei vernulis v 2023", "ru", "total", None),
    ("skolko vernulis v gruziyu v 2018", "ru", "by_country", "GE"),
    ("skilky ludey povernulys do gruzii 2018", "uk", "by_country", "GE"),
    ("ramdeni qartveli dabrunda 2018 wels", "ka", "by_country", "GE"),
    ("kam wa7ed rja3 men belgique 2023", "ar", "total", None),
])
def test_questions_typed_in_latin_letters_are_understood_and_answered_in_their_language(
        engine: Engine, question, lang, kind, country):
    answer = engine.ask(question, today=TODAY)
    assert answer.language == lang
    assert answer.status == "answered"
    assert answer.query and answer.query["kind"] == kind
    assert answer.query.get("country") == country
    assert answer.facts and answer.facts[0].source is not None


@pytest.mark.parametrize(("question", "lang"), [
    ("рецепт борщу", "uk"), ("рецепт борща пожалуйста", "ru"), ("en iyi döner nerede", "tr"),
    ("wat is het weer morgen in gent", "nl"), ("quel temps fait-il à liège demain", "fr"),
    ("wie spielt bayern heute", "de"), ("receta de paella valenciana", "es"),
    ("melhor pastel de nata em lisboa", "pt"), ("cel mai bun restaurant din bucuresti", "ro"),
    ("best pizza in ghent", "en"), ("ما هي أفضل وصفة للكبسة", "ar"),
    ("საუკეთესო ხაჭაპური თბილისში", "ka"),
])
def test_off_topic_replies_come_in_the_language_of_the_question(engine: Engine, question, lang):
    answer = engine.ask(question, today=TODAY)
    assert answer.status == "not_understood"
    assert answer.language == lang
    assert not answer.facts


@pytest.mark.parametrize(("first", "follow_up", "lang"), [
    ("Сколько людей вернулось в 2023 году?", "а в 2022?", "ru"),
    ("Скільки людей повернулося у 2023 році?", "а в 2022?", "uk"),
    ("Combien de personnes sont rentrées en 2023 ?", "et 2022 ?", "fr"),
    ("2023 yılında kaç kişi döndü?", "ya 2022?", "tr"),
])
def test_a_short_follow_up_keeps_the_language_of_the_previous_answer(
        engine: Engine, first, follow_up, lang):
    before = engine.ask(first, today=TODAY)
    assert before.language == lang
    after = engine.ask(follow_up, today=TODAY, context=before.query, previous_lang=lang)
    assert after.language == lang
    assert after.query and after.query["year"] == 2022


def test_an_unclear_question_is_asked_back_with_a_button_per_reading(engine: Engine):
    """Forced: with a margin of 1, every question whose two best readings differ is asked
    back, so the shape of an ask-back can be checked on a real question."""
    router = engine.store.router
    assert router is not None
    old = router.ask_back_margin
    router.ask_back_margin = 1.0
    try:
        answer = engine.ask("reintegration 2023", lang="fr", today=TODAY)
    finally:
        router.ask_back_margin = old
    assert old < 0.5  # the real margin only asks back when two readings are close
    assert answer.status == "clarify"
    assert answer.query is None and not answer.facts
    assert len(answer.suggestions) == len(answer.actions) == 2
    assert answer.text.startswith("Voulez-vous dire")
    for label, action in zip(answer.suggestions, answer.actions, strict=True):
        assert action.label == label and action.kind == "question"
        followed = engine.answer_query(action.query, lang="fr", today=TODAY)
        assert followed.status != "clarify"


@pytest.mark.parametrize(("first", "follow_up", "lang"), [
    ("How many people returned in 2018?", "And to Georgia?", "en"),
    ("Hoeveel mensen keerden terug in 2018?", "En naar Georgië?", "nl"),
    ("Сколько людей вернулось в 2018 году?", "А в Грузию?", "ru"),
    ("2018 წელს რამდენი ადამიანი დაბრუნდა?", "საქართველოში?", "ka"),
])
def test_a_country_follow_up_after_a_total_asks_for_that_country(engine: Engine, first,
                                                                   follow_up, lang):
    before = engine.ask(first, today=TODAY)
    after = engine.ask(follow_up, today=TODAY, context=before.query, previous_lang=lang)
    assert after.query == {"kind": "by_country", "year": 2018, "series": "fedasil",
                           "country": "GE"}
    assert after.language == lang and after.facts[0].value == 432
