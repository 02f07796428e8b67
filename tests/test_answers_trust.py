"""Answers a reader trusts (issue 9, items 5 and 6), in all 12 languages, through the engine:

- a quantity the store does not hold gets "no figures" and who publishes it, never a total;
- no curator's note reaches any answer, checked over every figure in the store;
- publisher labels are translated;
- the government count is added to a plain total only where the data explains it;
- sources that disagree on a rank give one rank and a note, never two "no. 1";
- "since YEAR" gives the series with its change;
- residence-status profiles are understood in everyday words.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from bot.engine import Engine
from bot.i18n import LANGUAGES
from bot.provenance import CURATION_MARKS, PUBLISHER_LABELS
from bot.store import Observation

TODAY = date(2026, 11, 28)

ASYLUM_APPLICATIONS_2023 = {
    "en": "How many asylum applications were there in 2023?",
    "nl": "Hoeveel asielaanvragen waren er in 2023?",
    "fr": "Combien de demandes d'asile en 2023 ?",
    "de": "Wie viele Asylanträge gab es 2023?",
    "es": "¿Cuántas solicitudes de asilo hubo en 2023?",
    "pt": "Quantos pedidos de asilo houve em 2023?",
    "ro": "Câte cereri de azil au fost în 2023?",
    "ru": "Сколько заявлений на убежище было в 2023 году?",
    "uk": "Скільки заяв на притулок було у 2023 році?",
    "tr": "2023'te kaç iltica başvurusu yapıldı?",
    "ar": "كم عدد طلبات اللجوء في عام 2023؟",
    "ka": "რამდენი თავშესაფრის მოთხოვნა იყო 2023 წელს?",
}
DEPORTATIONS_2023 = {
    "en": "How many people were deported in 2023?",
    "nl": "Hoeveel mensen werden uitgezet in 2023?",
    "fr": "Combien d'expulsions en 2023 ?",
    "de": "Wie viele Abschiebungen gab es 2023?",
    "es": "¿Cuántas deportaciones hubo en 2023?",
    "pt": "Quantas deportações houve em 2023?",
    "ro": "Câte deportări au fost în 2023?",
    "ru": "Сколько было депортаций в 2023 году?",
    "uk": "Скільки було депортацій у 2023 році?",
    "tr": "2023'te kaç kişi sınır dışı edildi?",
    "ar": "كم عدد حالات الترحيل في 2023؟",
    "ka": "რამდენი დეპორტაცია იყო 2023 წელს?",
}
OTHER_QUANTITIES = {  # language → (question, quantity, publisher msgid or None)
    "en": ("How many work permits in 2023?", "work_permits", None),
    "nl": ("Hoeveel werkvergunningen in 2023?", "work_permits", None),
    "fr": ("Combien de visas en 2023 ?", "visas", "Immigration Office"),
    "de": ("Wie hoch ist der Wechselkurs des Euro?", "exchange_rates",
           "National Bank of Belgium"),
    "es": ("¿Cuál es la población de Bélgica?", "population",
           "Statbel, the Belgian statistical office"),
    "pt": ("Qual é a taxa de câmbio do euro?", "exchange_rates", "National Bank of Belgium"),
    "ro": ("Câți locuitori are Belgia?", "population", "Statbel, the Belgian statistical office"),
    "ru": ("Какой курс евро?", "exchange_rates", "National Bank of Belgium"),
    "uk": ("Скільки населення в Бельгії?", "population",
           "Statbel, the Belgian statistical office"),
    "tr": ("Türkiye'de çalışma izni sayısı 2023?", "work_permits", None),
    "ar": ("كم عدد السكان في بلجيكا؟", "population", "Statbel, the Belgian statistical office"),
    "ka": ("რამდენია ბელგიის მოსახლეობა?", "population",
           "Statbel, the Belgian statistical office"),
}
TOTAL_2016 = {
    "en": "How many people returned voluntarily in 2016?",
    "nl": "Hoeveel mensen keerden vrijwillig terug in 2016?",
    "fr": "Combien de personnes sont rentrées volontairement en 2016 ?",
    "de": "Wie viele Menschen sind 2016 freiwillig zurückgekehrt?",
    "es": "¿Cuántas personas regresaron voluntariamente en 2016?",
    "pt": "Quantas pessoas regressaram voluntariamente em 2016?",
    "ro": "Câte persoane s-au întors voluntar în 2016?",
    "ru": "Сколько человек добровольно вернулись в 2016 году?",
    "uk": "Скільки людей добровільно повернулися у 2016 році?",
    "tr": "2016'da kaç kişi gönüllü olarak döndü?",
    "ar": "كم شخصا عاد طوعا في عام 2016؟",
    "ka": "რამდენი ადამიანი დაბრუნდა ნებაყოფლობით 2016 წელს?",
}
TOP_2018 = {
    "en": "top 5 countries in 2018", "nl": "top 5 landen in 2018", "fr": "top 5 des pays en 2018",
    "de": "Top 5 Länder 2018", "es": "los 5 principales países en 2018",
    "pt": "os 5 principais países em 2018", "ro": "primele 5 țări în 2018",
    "ru": "топ 5 стран в 2018 году", "uk": "топ 5 країн у 2018 році", "tr": "2018'de ilk 5 ülke",
    "ar": "أهم 5 دول في 2018", "ka": "ტოპ 5 ქვეყანა 2018 წელს",
}
SINCE_2015 = {
    "en": "Returns since 2015?", "nl": "Terugkeer sinds 2015?", "fr": "Retours depuis 2015 ?",
    "de": "Rückkehrer seit 2015?", "es": "¿Retornos desde 2015?", "pt": "Quantos voltaram desde 2015?",
    "ro": "Întoarceri din 2015 încoace?", "ru": "Возвращения с 2015 года?",
    "uk": "Повернення з 2015 року?", "tr": "2015'ten beri dönüşler?", "ar": "العودة منذ 2015؟",
    "ka": "დაბრუნებები 2015 წლიდან?",
}
WHICH_GROUPS = {
    "en": "Which groups of people return voluntarily?",
    "nl": "Welke groepen mensen keren vrijwillig terug?",
    "fr": "Quels groupes de personnes rentrent volontairement ?",
    "de": "Welche Gruppen von Menschen kehren freiwillig zurück?",
    "es": "¿Qué grupos de personas regresan voluntariamente?",
    "pt": "Que grupos de pessoas regressam voluntariamente?",
    "ro": "Ce grupuri de oameni se întorc voluntar?",
    "ru": "Какие группы людей возвращаются добровольно?",
    "uk": "Які групи людей повертаються добровільно?",
    "tr": "Hangi gruplar gönüllü olarak geri dönüyor?",
    "ar": "ما هي الفئات التي تعود طوعا؟",
    "ka": "რომელი ჯგუფები ბრუნდება ნებაყოფლობით?",
}
EVERYDAY_PROFILES = {
    "en": ("How many returnees were still in the asylum procedure in 2019?", "asylum_applicant"),
    "nl": ("Hoeveel terugkeerders waren verzoeker om internationale bescherming in 2019?",
           "asylum_applicant"),
    "fr": ("Quelle part des personnes rentrées étaient sans titre de séjour en 2019 ?",
           "irregular_stay"),
    "de": ("Wie viele Rückkehrer waren 2019 noch im Asylverfahren?", "asylum_applicant"),
    "es": ("¿Qué porcentaje de los retornados estaba sin documentación en 2019?",
           "irregular_stay"),
    "pt": ("Quantos dos que voltaram estavam ainda no processo de asilo em 2019?",
           "asylum_applicant"),
    "ro": ("Câți dintre cei întorși erau fără documente valabile în 2019?", "irregular_stay"),
    "ru": ("Сколько вернувшихся были без документов в 2019 году?", "irregular_stay"),
    "uk": ("Скільки тих, хто повернувся, були без документів у 2019 році?", "irregular_stay"),
    "tr": ("2019'da dönenlerin kaçı belgesi olmayan kişilerdi?", "irregular_stay"),
    "ar": ("كم من العائدين كانوا بدون مستندات في 2019؟", "irregular_stay"),
    "ka": ("2019 წელს დაბრუნებულთაგან რამდენი იყო დოკუმენტების გარეშე?", "irregular_stay"),
}


def _totals_in(engine: Engine, lang: str, text: str) -> list[int]:
    """Published annual totals that appear in `text`, as formatted in `lang`."""
    r = engine.renderer(lang)
    years = engine.store.years("returns_total")
    values = {int(o.value) for y in years if (o := engine.store.get("returns_total", y))}
    return [v for v in values if r.number(v) in text]


# --- quantities the store does not hold ----------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("questions,quantity,publisher", [
    (ASYLUM_APPLICATIONS_2023, "asylum_applications",
     "Commissioner General for Refugees and Stateless Persons (CGRS/CGVS)"),
    (DEPORTATIONS_2023, "forced_returns", "Immigration Office"),
])
def test_a_quantity_not_held_names_its_publisher_and_never_a_total(
        engine, lang, questions, quantity, publisher):
    answer = engine.ask(questions[lang], today=TODAY)
    r = engine.renderer(lang)
    assert answer.language == lang
    assert (answer.status, answer.facts) == ("no_data", [])
    assert answer.query == {"kind": "not_held", "quantity": quantity, "year": 2023}
    assert r._(publisher) in answer.text and r.held_quantity_name(quantity) in answer.text
    assert _totals_in(engine, lang, answer.text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_quantities_not_held_are_recognised(engine, lang):
    question, quantity, publisher = OTHER_QUANTITIES[lang]
    answer = engine.ask(question, today=TODAY)
    assert answer.language == lang
    assert (answer.status, answer.facts) == ("no_data", [])
    assert answer.query is not None and answer.query["quantity"] == quantity
    r = engine.renderer(lang)
    if publisher:
        assert r._(publisher) in answer.text
    else:
        assert "http" not in answer.text  # no publisher is named where none is known


@pytest.mark.parametrize("question", [
    "How many people returned voluntarily or were deported in 2023?",
    "How many rejected asylum seekers returned in 2019?",
    "Can I get a visa to come back to Belgium later?",
])
def test_questions_about_returns_or_support_are_not_turned_into_not_held(engine, question):
    answer = engine.ask(question, today=TODAY)
    assert answer.query is None or answer.query["kind"] != "not_held"


# --- no curator's note in any answer --------------------------------------------------------

_QUERIES = {
    "returns_total": lambda o: {"kind": "total", "year": o.year, "series": o.series},
    "returns_by_country": lambda o: {"kind": "by_country", "year": o.year, "country": o.country},
    "rank_by_country": lambda o: {"kind": "by_country", "year": o.year, "country": o.country},
    "returns_by_profile": lambda o: {"kind": "by_profile", "year": o.year,
                                     "profile": o.profile, "measure": "count"},
    "share_by_profile": lambda o: {"kind": "by_profile", "year": o.year, "profile": o.profile},
    "change_vs_previous_year_pct": lambda o: {"kind": "change", "year": o.year,
                                              "base_year": o.year - 1, "series": o.series},
    "change_vs_year_pct": lambda o: {"kind": "change", "year": o.year,
                                     "base_year": o.compare_year, "series": o.series},
    "reintegration_count": lambda o: {"kind": "reintegration", "year": o.year,
                                      "measure": "count"},
    "reintegration_share": lambda o: {"kind": "reintegration", "year": o.year},
    "dublin_departures": lambda o: {"kind": "dublin", "year": o.year},
    "unaccompanied_minors": lambda o: {"kind": "unaccompanied_minors", "year": o.year},
    "families_share": lambda o: {"kind": "families", "year": o.year},
    "destination_countries_count": lambda o: {"kind": "destination_countries", "year": o.year},
    "returns_half_year": lambda o: {"kind": "total", "year": o.year, "period": "H1"},
}


def _query_for(o: Observation) -> dict[str, object] | None:
    """The question that asks for this figure, by its kind (None for context figures)."""
    make = _QUERIES.get(o.indicator)
    return make(o) if make else None


def _curator_texts(store_path) -> list[str]:
    """The curator's notes and evidence columns: for the staff, never for a reader."""
    with sqlite3.connect(store_path) as conn:
        rows = conn.execute("select note, description from figures").fetchall()
        rows += conn.execute("select '', evidence from figure_sources").fetchall()
    return sorted({t for row in rows for t in row if t and len(t) > 12})


def _asked_as_itself(o: Observation) -> bool:
    """A figure the query kinds can name exactly: the two annual series, and no country on a
    change or reintegration figure (per-country changes, Caritas' and IOM's own counts are
    context that only the fact checks reach)."""
    if not o.preferred or o.series not in ("fedasil", "government"):
        return False
    if o.indicator.startswith("change_vs"):
        return False  # a published change is shown beside the computed one, when both exist
    return not (o.country and o.indicator.startswith("reintegration"))


def test_every_figure_can_be_asked_for_by_its_kind(engine):
    unreachable = []
    for o in engine.store.observations():
        query = _query_for(o)
        if query is None or not _asked_as_itself(o):
            continue
        answer = engine.answer_query(query, lang="en", today=TODAY)
        if not any(f.indicator == o.indicator and f.value == o.value for f in answer.facts):
            unreachable.append((o.indicator, o.year, o.country, o.profile, o.value))
    assert unreachable == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_curation_note_reaches_any_answer_about_any_figure(engine, store_path, lang):
    notes = _curator_texts(store_path)
    queries = {repr(q): q for o in engine.store.observations() if (q := _query_for(o))}
    assert len(queries) > 150  # every kind of figure is rendered
    leaks = []
    for query in queries.values():
        answer = engine.answer_query(query, lang=lang, today=TODAY)
        shown = answer.text + answer.model_dump_json()
        leaks += [(query, m) for m in CURATION_MARKS if m in shown]
        leaks += [(query, n) for n in notes if n in shown]
    assert leaks == []


def test_titles_in_the_store_carry_no_curation_note(engine):
    titles = {s.title for o in engine.store.observations() for s in o.sources}
    assert not [t for t in titles if any(m in t for m in CURATION_MARKS)]


def test_a_source_without_a_captured_title_is_cited_without_an_empty_title(engine):
    cited = [s for o in engine.store.observations() for s in o.sources if not s.title]
    assert cited, "the store has a source whose title was not captured"
    from bot.answer import Fact

    fact = Fact(indicator="returns_total", series="fedasil", year=2013, country=None,
                profile=None, value=1, unit="persons", precision="exact", source=cited[0])
    line = engine.renderer("en").source(fact)
    assert "“”" not in line and cited[0].url in line


# --- translated publisher labels -----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_publisher_labels_are_translated(engine, lang):
    r = engine.renderer(lang)
    answer = engine.answer_query({"kind": "total", "year": 2023}, lang=lang, today=TODAY)
    assert f"Nicole de Moor ({r._('State Secretary, personal site')})" in answer.text
    if lang != "en":
        assert "personal site" not in answer.text
        assert r._("State Secretary, personal site") != "State Secretary, personal site"
        untranslated = [d for _name, d in PUBLISHER_LABELS.values()
                        if r._(d) == d and "ReliefWeb" not in d]
        assert untranslated == []


# --- the government count only where the data explains it ---------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_plain_total_adds_the_government_count_only_where_dublin_explains_it(engine, lang):
    unexplained = engine.ask(TOTAL_2016[lang], today=TODAY)  # 4,267 vs 4,667: not explained
    assert [(f.series, f.value) for f in unexplained.facts] == [("fedasil", 4267)]
    assert engine.renderer(lang).number(4667) not in unexplained.text
    explained = engine.ask(TOTAL_2016[lang].replace("2016", "2023"), today=TODAY)
    assert [(f.indicator, f.series, f.value) for f in explained.facts] == [
        ("returns_total", "fedasil", 2952), ("returns_total", "government", 3107),
        ("dublin_departures", "fedasil", 155)]
    assert engine.renderer(lang).number(155) in explained.text


def test_the_government_count_when_asked_comes_with_fedasils_and_no_unbacked_reason(engine):
    answer = engine.ask("What figure does the State Secretary give for voluntary returns "
                        "in 2016?", today=TODAY)
    assert [(f.series, f.value) for f in answer.facts] == [("government", 4667),
                                                           ("fedasil", 4267)]
    assert "Dublin" not in answer.text


# --- one rank per place ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_sources_disagreeing_on_a_rank_give_one_rank_and_a_note(engine, lang):
    answer = engine.ask(TOP_2018[lang], today=TODAY)
    r = engine.renderer(lang)
    ranks = [f for f in answer.facts if f.indicator == "rank_by_country"]
    assert [f.value for f in ranks].count(1) == 1
    assert [f.country for f in ranks if f.value == 1] == ["GE"]
    lines = answer.text.splitlines()
    assert sum(1 for line in lines if line.startswith("1. ")) == 1
    note = [line for line in lines if r.country("UA") in line]
    assert len(note) == 1 and r.country("GE") in note[0] and "1." not in note[0]


# --- since a year ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_since_a_year_gives_the_series_with_its_change_and_a_chart(engine, lang):
    answer = engine.ask(SINCE_2015[lang], today=TODAY)
    r = engine.renderer(lang)
    assert answer.language == lang
    assert answer.query is not None
    assert (answer.query["kind"], answer.query["start"]) == ("trend", 2015)
    points = {f.year: f.value for f in answer.facts if not f.derived}
    assert min(points) == 2015 and points[2020] == 1847  # the 2020 low is in the series
    assert min(points.values()) == 1847
    [change] = [f for f in answer.facts if f.derived]
    assert (change.base_year, change.year, change.value) == (2015, 2025, -23.0)
    assert r.number(1847) in answer.text and r.value(change) in answer.text
    assert answer.chart is not None and answer.chart.labels[0] == "2015"


def test_a_change_word_with_since_stays_a_comparison(engine):
    answer = engine.ask("How much have voluntary returns risen since 2022?", today=TODAY)
    assert answer.query is not None and answer.query["kind"] == "change"


# --- profiles in everyday words ------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_which_groups_return_gives_the_profile_split(engine, lang):
    answer = engine.ask(WHICH_GROUPS[lang], today=TODAY)
    assert answer.language == lang
    assert answer.query is not None
    assert (answer.query["kind"], answer.query["profile"]) == ("by_profile", None)
    assert len({f.profile for f in answer.facts}) >= 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profiles_said_in_everyday_words(engine, lang):
    question, profile = EVERYDAY_PROFILES[lang]
    answer = engine.ask(question, today=TODAY)
    assert answer.query is not None
    assert (answer.query["kind"], answer.query["profile"]) == ("by_profile", profile)
    assert answer.query["year"] == 2019


def test_every_publisher_in_the_not_held_file_is_marked_for_translation():
    from bot.limits import not_held_publishers
    from bot.render import NOT_HELD_PUBLISHERS

    named = {v["publisher"] for v in not_held_publishers().values() if v.get("publisher")}
    assert named and named <= set(NOT_HELD_PUBLISHERS)
