"""The channel with the real engine and store (built from data/): real answers, real buttons,
asking back with a button per reading."""

from __future__ import annotations

import pytest
from conftest import make_settings, running
from fakeapi import FakeBotAPI

from bot.telegram.app import build_application
from bot.telegram.services import services_of

ALICE = FakeBotAPI.user(5001, "en")
NADIA = FakeBotAPI.user(5002, "nl")


@pytest.fixture
async def real_bot(api, tmp_path, store_path):
    # No engine given: the application opens its own from RETURNBOT_DB_PATH, as in production.
    settings = make_settings(api, tmp_path, db_path=store_path)
    async with running(build_application(settings)) as app:
        yield app


def buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_question_gets_the_published_figure_with_its_source(real_bot, api):
    api.say(ALICE, "How many people returned in 2023?")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert "2,952" in text and "Fedasil" in text


async def test_follow_up_and_in_2022_reuses_the_previous_question(real_bot, api):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.say(ALICE, "and in 2022?")
    texts = await api.wait_messages(ALICE["id"], 2)
    assert "2022" in texts[1] and "2,673" in texts[1]


async def test_answer_in_dutch_uses_dutch_number_format(real_bot, api):
    api.say(NADIA, "Hoeveel mensen keerden terug in 2023?")
    [text] = await api.wait_messages(NADIA["id"], 1)
    assert "2.952" in text


async def test_previous_year_button_of_a_real_answer(real_bot, api):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], "2022")
    await api.wait_for(lambda: api.calls_to("editMessageText"), what="an edit")
    assert "2,673" in api.texts(ALICE["id"])[0]


async def test_trend_question_is_answered_with_a_chart_photo(real_bot, api):
    api.say(ALICE, "evolution since 2017")
    await api.wait_messages(ALICE["id"], 1)
    [photo] = api.calls_to("sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG")
    assert "2,952" in photo.params["caption"] and "Fedasil" in photo.params["caption"]


async def test_ranking_has_buttons_for_its_countries(real_bot, api):
    api.say(ALICE, "top 5 countries in 2024")
    await api.wait_messages(ALICE["id"], 1)
    [message] = api.chat_messages(ALICE["id"])
    assert "Brazil" in (message.get("caption") or message.get("text"))
    labels = [b["text"] for b in buttons(message)]
    assert "Brazil" in labels
    api.press(ALICE, message, "Brazil")
    texts = await api.wait_messages(ALICE["id"], 2)
    assert "Brazil" in texts[1]


async def test_trend_chart_button_sends_a_png(real_bot, api):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], "Chart")
    await api.wait_for(lambda: api.calls_to("sendPhoto"), what="a chart")
    [photo] = api.calls_to("sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG")
    assert "2,952" in photo.params["caption"]


async def test_how_to_apply_example_button_answers_with_support_information(real_bot, api):
    api.say(ALICE, "/start")
    await api.wait_messages(ALICE["id"], 1)
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], "go home")  # the menu entry that opens how_to_apply
    texts = await api.wait_messages(ALICE["id"], 2)
    assert "0800" in texts[1]  # the free phone line


async def test_sources_lists_official_publications_with_links(real_bot, api):
    api.say(ALICE, "/sources")
    [text] = await api.wait_messages(ALICE["id"], 1)
    call = api.calls_to("sendMessage")[-1]
    assert call.params["parse_mode"] == "HTML" and "<a href=" in call.params["text"]
    assert "Fedasil" in text


async def test_not_understood_question_suggests_questions_and_states_no_number(real_bot, api):
    api.say(ALICE, "weather in Brussels")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert "did not understand" in text


async def test_a_staff_import_is_answered_by_the_running_bot_without_a_restart(api, tmp_path,
                                                                                store_path):
    import shutil

    from bot.datafiles import IMPORT_COLUMNS
    from bot.engine import Engine
    from bot.imports import import_csv

    store = tmp_path / "store.db"
    shutil.copyfile(store_path, store)
    Engine.reload_check_seconds = 0  # look at the file on every question (restored below)
    try:
        settings = make_settings(api, tmp_path, db_path=store)
        async with running(build_application(settings)):
            api.say(ALICE, "How many returned to Georgia in 2023?")
            [before] = await api.wait_messages(ALICE["id"], 1)
            report = tmp_path / "report.csv"
            report.write_text(",".join(IMPORT_COLUMNS) + "\nreturns_by_country,2023,GE,,812,"
                              "persons,exact,https://example.org/report.pdf,Fedasil,Annual "
                              "report 2023,2024-06-30,en,Table 4\n", encoding="utf-8")
            import_csv(report, store, tmp_path / "kept")
            api.say(ALICE, "How many returned to Georgia in 2023?")  # the same text again
            texts = await api.wait_messages(ALICE["id"], 2)
    finally:
        Engine.reload_check_seconds = 2.0
    assert "812" not in before
    assert "812" in texts[1] and "example.org/report.pdf" in texts[1]


async def test_check_gives_admins_the_conflicts_report_and_nobody_else(api, tmp_path, store_path):
    settings = make_settings(api, tmp_path, db_path=store_path, admin_ids=[ALICE["id"]])
    async with running(build_application(settings)):
        api.say(ALICE, "/check")
        texts = await api.wait_messages(ALICE["id"], 1)
        api.say(NADIA, "/check")
        others = await api.wait_messages(NADIA["id"], 1)
    assert "SOURCES DISAGREE" in "".join(texts) and "reintegration_share" in "".join(texts)
    assert "SOURCES DISAGREE" not in others[0]


async def test_an_unclear_question_is_asked_back_and_a_button_answers_it(real_bot, api):
    router = services_of(real_bot.bot_data).engine.store.router
    assert router is not None
    old = router.ask_back_margin
    router.ask_back_margin = 1.0  # every question with two readings is asked back
    try:
        api.say(ALICE, "reintegration 2023")
        [text] = await api.wait_messages(ALICE["id"], 1)
    finally:
        router.ask_back_margin = old
    assert text.startswith("Do you mean:")
    [message] = api.chat_messages(ALICE["id"])
    labels = [b["text"] for b in buttons(message)]
    assert len(labels) == 2 and all(label.lower() in text.lower() for label in labels)
    api.press(ALICE, message, labels[0])
    texts = await api.wait_messages(ALICE["id"], 2)
    assert not texts[1].startswith("Do you mean:")
    assert "2023" in texts[1] or "Source" in texts[1]
