"""Usage counts through the real bot: a conversation in several languages, `returnbot stats`,
what the usage tables hold (and do not), and /stats for admins only."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from conftest import make_settings, running
from fakeapi import FakeBotAPI

from bot.cli import main
from bot.telegram.app import build_application
from bot.usage import TABLES

ADMIN = FakeBotAPI.user(9001, "nl")
ASKERS = {  # one asker per language, each asking for Georgia 2023 (never published)
    "en": (FakeBotAPI.user(8101, "en"), "How many people returned to Georgia in 2023?"),
    "nl": (FakeBotAPI.user(8102, "nl"), "Hoeveel mensen keerden terug naar Georgië in 2023?"),
    "fr": (FakeBotAPI.user(8103, "fr"), "Combien de personnes sont retournées en Géorgie en 2023 ?"),
    "de": (FakeBotAPI.user(8104, "de"), "Wie viele Menschen sind 2023 nach Georgien zurückgekehrt?"),
    "ru": (FakeBotAPI.user(8105, "ru"), "Сколько людей вернулись в Грузию в 2023 году?"),
    "ka": (FakeBotAPI.user(8106, "ka"), "რამდენი ადამიანი დაბრუნდა საქართველოში 2023 წელს?"),
}
ENGLISH = ASKERS["en"][0]
IDS = [ADMIN["id"]] + [user["id"] for user, _ in ASKERS.values()]


@pytest.fixture
def usage_settings(api, tmp_path, store_path):
    return make_settings(api, tmp_path, db_path=store_path, admin_ids=[ADMIN["id"]])


async def converse(api) -> list[str]:
    """Every asker asks for Georgia 2023; the English one also asks three more questions."""
    for user, text in ASKERS.values():
        api.say(user, text)
        await api.wait_messages(user["id"], 1)
    for text in ("How many people returned in 2023?", "How do I apply?", "asdf"):
        api.say(ENGLISH, text)
    await api.wait_messages(ENGLISH["id"], 4)
    # A next-step button is a question too: "2022" under the total of 2023.
    api.press(ENGLISH, api.chat_messages(ENGLISH["id"])[1], "2022")
    await api.wait_for(lambda: api.calls_to("editMessageText"), what="the 2022 answer")
    return [text for _, text in ASKERS.values()]


def stats_json(capsys, state_path, *extra: str):
    assert main(["stats", "--format", "json", "--state", str(state_path), *extra]) == 0
    return json.loads(capsys.readouterr().out)


async def test_a_conversation_in_six_languages_is_counted_by_kind_status_and_figure(
    api, usage_settings, capsys
):
    async with running(build_application(usage_settings)):
        await converse(api)
    # The bot stopped: its last counts were written on the way out.
    data = stats_json(capsys, usage_settings.state_path)
    assert data["questions"] == 10
    assert data["channel"] == {"telegram": 10}
    assert data["kind"] == {"by_country": 6, "total": "<5", "info": "<5"}
    assert data["status"] == {"partial": 6, "answered": "<5", "info": "<5", "not_understood": "<5"}
    # Five questions in English (one of them a button), one in each other language.
    assert data["language"] == {"en": 5, **{lang: "<5" for lang in ASKERS if lang != "en"}}
    assert data["unanswered"] == {"by_country": 6, "not_understood": "<5"}
    assert data["unpublished"] == [
        {"indicator": "returns_by_country", "country": "GE", "year": 2023, "count": 6}]
    assert stats_json(capsys, usage_settings.state_path, "--unpublished") == data["unpublished"]


async def test_the_usage_tables_hold_no_text_no_id_and_no_time_finer_than_a_day(
    api, usage_settings
):
    async with running(build_application(usage_settings)):
        questions = await converse(api)
    db = sqlite3.connect(usage_settings.state_path)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(TABLES) <= tables  # the only tables the usage feature writes (test_usage.py)
    for table in TABLES:
        columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
        assert "day" in columns and not {"user_id", "chat_id", "text", "updated"} & set(columns)
        found = db.execute(f"SELECT * FROM {table}").fetchall()
        assert found, table
        for row in found:
            record = dict(zip(columns, row, strict=True))
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", record.pop("day"))  # a day, nothing finer
            for value in record.values():
                assert value not in IDS
                assert not isinstance(value, float)  # no Unix timestamps
                assert not any(str(value) in q for q in questions if len(str(value)) > 4)
    db.close()
    raw = b"".join(p.read_bytes() for p in usage_settings.state_path.parent.glob("state.db*"))
    for text in questions:
        assert text.encode() not in raw
    assert b"Georgi" not in raw and "Грузи".encode() not in raw


async def test_admins_get_a_summary_in_their_language_and_others_get_nothing(
    api, usage_settings
):
    async with running(build_application(usage_settings)):
        await converse(api)
        api.say(ENGLISH, "/stats")
        api.say(ADMIN, "/stats")
        [summary] = await api.wait_messages(ADMIN["id"], 1)
    assert summary.startswith("Laatste 30 dagen: 10 vragen.")
    assert "returns_by_country, Georgië, 2023: 6" in summary
    assert "Talen: en 5, " in summary and "ka <5" in summary
    assert "Aantallen onder 5 worden getoond als <5." in summary
    # Not an admin: /stats is an unknown command, and no count leaks.
    assert not any("2023: 6" in t for t in api.texts(ENGLISH["id"]))


async def test_counting_switched_off_writes_no_usage_rows(api, tmp_path, store_path, capsys):
    settings = make_settings(api, tmp_path, db_path=store_path, usage_counting=False)
    async with running(build_application(settings)):
        api.say(ENGLISH, "How many people returned to Georgia in 2023?")
        await api.wait_messages(ENGLISH["id"], 1)
    assert stats_json(capsys, settings.state_path)["questions"] == 0
