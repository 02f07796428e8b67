"""The web page's pieces without a server: verdicts, ClaimReview, metadata, parameters, links."""

from __future__ import annotations

import sqlite3

import pytest

from bot.answer import SourceRef
from bot.cli import json_line
from bot.web.metadata import TABLES, metadata
from bot.web.pages import accepted_language, contract_json, linked
from bot.web.params import MAX_QUESTION_CHARS, BadParameter, ask_params
from bot.web.texts import citation
from bot.web.verdict import claim_review, verdict
from tests.conftest import TODAY


@pytest.mark.parametrize(("claim", "expected"), [
    ("Is it true that 2,952 people returned in 2023?", "accurate"),
    ("Is it true that 3,000 people returned in 2023?", "rounded"),
    ("Is it true that 3,107 people returned in 2023?", "other_definition"),
    ("Is it true that 3,500 people returned in 2023?", "inaccurate"),
    ("Is it true that 900 people returned in 2003?", "cannot_verify"),
])
def test_a_fact_check_answer_gets_its_verdict(claim, expected, engine):
    answer = engine.ask(claim, lang="en", today=TODAY)
    assert answer.query["kind"] == "fact_check"
    assert verdict(answer) == expected


def test_an_answer_that_is_not_a_fact_check_has_no_verdict(engine):
    assert verdict(engine.ask("How many returned in 2023?", lang="en", today=TODAY)) is None


def test_the_engine_s_own_verdict_wins_once_the_answer_carries_one(engine):
    answer = engine.ask("Is it true that 2,952 people returned in 2023?", lang="en", today=TODAY)
    assert answer.verdict == "accurate" and verdict(answer) == "accurate"
    other = answer.model_copy(update={"verdict": "cannot_verify"})
    assert verdict(other) == "cannot_verify"  # the page shows the engine's, never its own


def test_a_claim_that_cannot_be_verified_gets_no_numeric_rating(engine):
    answer = engine.ask("Is it true that 900 people returned in 2003?", lang="en", today=TODAY)
    review = claim_review(answer, "cannot_verify", "Cannot be verified", "/ask?q=x")
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Cannot be verified"}
    assert review["isBasedOn"] == []


def _store_columns(store_path) -> dict[str, list[str]]:
    conn = sqlite3.connect(store_path)
    try:
        tables = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' "
            "and name not like 'content_fts_%'")]
        return {t: [r[1] for r in conn.execute(f'pragma table_info("{t}")')] for t in tables}
    finally:
        conn.close()


def test_metadata_titles_and_describes_every_table_and_column_of_the_store(store_path):
    described = metadata(store_path)["databases"][store_path.stem]["tables"]
    for table, columns in _store_columns(store_path).items():
        assert table in TABLES, table
        assert described[table]["title"] and described[table]["description"]
        missing = [c for c in columns if not described[table]["columns"].get(c)]
        assert missing == [], table


def test_ask_params_accept_a_question_up_to_the_limit_and_refuse_longer():
    assert ask_params({"q": "x" * MAX_QUESTION_CHARS}).question == "x" * MAX_QUESTION_CHARS
    with pytest.raises(BadParameter) as refused:
        ask_params({"q": "x" * (MAX_QUESTION_CHARS + 1)})
    assert (refused.value.problem, refused.value.value) == ("long_question", "1001")


@pytest.mark.parametrize(("query", "problem"), [
    ({}, "empty_question"), ({"q": "a", "lang": "pt-BR"}, "unknown_language"),
    ({"q": "a", "today": "2026-13-01"}, "bad_date"),
])
def test_ask_params_name_what_is_wrong(query, problem):
    with pytest.raises(BadParameter) as refused:
        ask_params(query)
    assert refused.value.problem == problem


def test_linked_escapes_html_and_links_urls_without_the_closing_punctuation():
    html = linked('<b>"x"</b> see https://example.org/a?b=1&c=2.')
    assert html == ('&lt;b&gt;&#34;x&#34;&lt;/b&gt; see <a href="https://example.org/a?b=1&amp;'
                    'c=2" rel="noopener">https://example.org/a?b=1&amp;c=2</a>.')


@pytest.mark.parametrize(("header", "lang"), [
    ("fr-BE,fr;q=0.9", "fr"), ("zh-CN, ka;q=0.5", "ka"), ("", "en"), ("*", "en"),
])
def test_the_browser_language_picks_the_first_product_language(header, lang):
    assert accepted_language(header) == lang


def test_a_citation_is_in_the_page_language_and_isolates_latin_parts_in_arabic():
    source = SourceRef(publisher="Fedasil", title="3,000 voluntary returns in 2023",
                       url="https://www.fedasil.be/x", published="2024-02-06", language="en")
    assert citation(source, "6 februari 2024", "nl") == (
        "Fedasil, ‘3,000 voluntary returns in 2023’, 6 februari 2024, https://www.fedasil.be/x")
    arabic = citation(source, "6 فبراير 2024", "ar")
    assert "\u2068https://www.fedasil.be/x\u2069" in arabic and "،" in arabic


@pytest.mark.parametrize("question", [
    "How many returned in 2023?", "Is it true that 3,000 returned in 2023?",
    "line\u2028separator\u2029and\x85next line 2023", "كم عدد العائدين في 2023؟",
])
def test_the_contract_json_is_byte_for_byte_the_cli_json_line(question, engine):
    answer = engine.ask(question, today=TODAY)
    assert contract_json(answer) == json_line(answer)
