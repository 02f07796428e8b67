"""Support answers as a reader gets them: an explicit info query (a menu button, a deep link,
the classifier's choice) for every topic in every language, through the engine and the CLI.

Each answer opens with the topic's one-line summary, then the details, then the source.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import load_content
from bot.errors import DataError

CONTENT_DIR = Path(__file__).resolve().parent.parent / "data" / "content"
LANGUAGES = ("nl", "fr", "en", "de", "es", "pt", "ro", "ru", "uk", "tr", "ar", "ka")
TOPICS = sorted(path.stem for path in CONTENT_DIR.glob("*.yaml"))
FREE_LINE = "0800 32 745"
BIDI_ISOLATES = re.compile("[\u2066\u2069]")
CURATION_NOTE_RE = re.compile(
    r"TODO|FIXME|⚠|(?i:\bslug\b|\bresearch|unverified|outdated\?|\bcurat(?:or|ion|ed)\b)")


def _content(topic: str) -> dict[str, Any]:
    with (CONTENT_DIR / f"{topic}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _plain(text: str) -> str:
    """The text without the bidi isolates the Arabic rendering adds around LTR runs."""
    return BIDI_ISOLATES.sub("", text)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_an_info_answer_opens_with_the_summary_then_details_then_source(engine, topic, lang):
    answer = engine.answer_query({"kind": "info", "topic": topic}, lang=lang)
    data = _content(topic)

    assert answer.status == "info"
    assert answer.topic == topic
    assert answer.language == lang
    summary, details, *rest = _plain(answer.text).split("\n\n")
    assert summary == data["summary"][lang].strip()
    assert details == data["text"][lang].strip().split("\n\n")[0]
    assert data["sources"][0]["url"] in rest[-1]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("topic", ["contact", "voluntary_return", "how_to_apply"])
def test_topics_that_send_people_on_give_the_free_line(engine, topic, lang):
    answer = engine.answer_query({"kind": "info", "topic": topic}, lang=lang)
    assert FREE_LINE in answer.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contact_answer_gives_the_line_in_its_first_line(engine, lang):
    answer = engine.answer_query({"kind": "info", "topic": "contact"}, lang=lang)
    first_line = answer.text.split("\n", 1)[0]
    assert FREE_LINE in first_line
    assert "voluntaryreturn.be" in first_line


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_info_answer_carries_a_curation_note(engine, lang):
    for topic in TOPICS:
        text = engine.answer_query({"kind": "info", "topic": topic}, lang=lang).text
        assert not CURATION_NOTE_RE.findall(text), (topic, CURATION_NOTE_RE.findall(text))


def test_arabic_keeps_phone_numbers_and_urls_left_to_right(engine):
    # Without isolates the bidi algorithm shows "0800 32 745" as "745 32 0800" in Arabic.
    text = engine.answer_query({"kind": "info", "topic": "contact"}, lang="ar").text
    assert f"\u2066{FREE_LINE}\u2069" in text
    assert "\u2066www.voluntaryreturn.be\u2069" in text
    assert "\u206602/488 97 77\u2069" in text
    assert "\u2066icamsupport@ibz.fgov.be\u2069" in text


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "ar"])
def test_left_to_right_languages_get_no_isolates(engine, lang):
    text = engine.answer_query({"kind": "info", "topic": "contact"}, lang=lang).text
    assert not BIDI_ISOLATES.search(text)


def test_the_store_keeps_one_summary_per_topic_and_language(engine):
    for topic in TOPICS:
        for lang in LANGUAGES:
            found = engine.store.topic(topic, lang)
            assert found is not None and found.language == lang
            assert found.summary == _content(topic)["summary"][lang].strip()


def test_a_topic_file_without_a_summary_is_refused_with_its_name(tmp_path):
    (tmp_path / "content").mkdir()
    data = _content("contact")
    del data["summary"]["ka"]
    (tmp_path / "content" / "contact.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"contact.yaml:1: summary.ka: needs exactly one line"):
        list(load_content(tmp_path))


def test_a_two_line_summary_is_refused(tmp_path):
    (tmp_path / "content").mkdir()
    data = _content("voluntary_return")
    data["summary"]["en"] = "First line.\nSecond line."
    (tmp_path / "content" / "voluntary_return.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"summary.en: needs exactly one line"):
        list(load_content(tmp_path))


def test_returnbot_ask_json_answers_an_info_question_with_the_summary_first(store_path):
    # The CLI end to end on a question whose words name the contact topic plainly; the query
    # it reports is the info kind, and whichever topic is chosen, its summary comes first.
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--lang", "en",
         "What is the free phone number for voluntary return?"],
        capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "RETURNBOT_DB_PATH": str(store_path)})
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "info"
    topic = answer["topic"]
    assert answer["text"].split("\n\n", 1)[0] == _content(topic)["summary"]["en"].strip()
    assert FREE_LINE in answer["text"]
