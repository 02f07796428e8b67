"""Commands, questions, buttons and follow-ups, through the real PTB stack and a fake server."""

from __future__ import annotations

import pytest
from conftest import state_of
from fakeapi import BOT_USERNAME, FakeBotAPI
from fakeengine import FakeEngine

from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.telegram import texts

ALICE = FakeBotAPI.user(1001, "en")
BORIS = FakeBotAPI.user(1002, "ru")


def buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_post_init_registers_menus_and_descriptions_for_every_language(bot, api):
    # The default menu (no language_code) plus one per product language, for each method.
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        codes = {c.params.get("language_code") for c in api.calls_to(method)}
        assert codes == {None, *LANGUAGES}, method
    commands = api.calls_to("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == [c for c, _ in texts.COMMANDS]


async def test_start_welcomes_with_menu_buttons_that_work(bot, api, engine):
    api.say(ALICE, "/start")
    await api.wait_messages(ALICE["id"], 1)
    welcome = api.chat_messages(ALICE["id"])[0]
    assert welcome["text"] == texts.welcome("en")
    examples = buttons(welcome)
    assert len(examples) == 5  # the first-time menu (test_tg_reach.py)
    # Pressing an example asks its query in the user's language.
    api.press(ALICE, welcome, examples[0]["text"])
    await api.wait_messages(ALICE["id"], 2)
    assert engine.queried[-1] == {"query": {"kind": "total", "year": None, "series": "fedasil"},
                                  "lang": "en"}
    assert api.calls_to("answerCallbackQuery")


@pytest.mark.parametrize("command", ["help", "sources", "about", "privacy", "language"])
async def test_every_command_replies_in_the_private_chat(bot, api, command):
    api.say(ALICE, f"/{command}")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert len(text) > 20


async def test_help_names_the_bot_for_groups_and_inline_mode(bot, api):
    api.say(ALICE, "/help")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert f"@{BOT_USERNAME}" in text


async def test_about_adds_the_engines_explanation_of_the_two_series(bot, api):
    api.say(ALICE, "/about")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert text.startswith(texts.about("en")[:40])
    assert "Two series exist (test definition)" in text


async def test_unknown_command_points_to_help(bot, api):
    api.say(ALICE, "/weather")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert text == texts.unknown_command("en")


async def test_question_is_answered_with_the_engine_text_and_next_step_buttons(bot, api, engine):
    api.say(BORIS, "How many people returned in 2023?")
    [text] = await api.wait_messages(BORIS["id"], 1)
    assert text == "[ru] In 2023, 3,023 people returned. Source: Fedasil (test)."
    # No /language choice: the engine decides, with Telegram's language_code as a hint.
    assert engine.asked[-1] == {"text": "How many people returned in 2023?", "lang": None,
                                "hint_lang": "ru", "context": None}
    labels = [b["text"] for b in buttons(api.chat_messages(BORIS["id"])[0])]
    assert labels == ["2022", "2024", "Chart", "Georgia"]
    assert all(len(b["callback_data"].encode()) <= 64
               for b in buttons(api.chat_messages(BORIS["id"])[0]))


async def test_follow_up_gets_the_previous_query_as_context(bot, api, engine):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.say(ALICE, "and in 2021?")
    texts_ = await api.wait_messages(ALICE["id"], 2)
    assert engine.asked[-1]["context"] == {"kind": "total", "year": 2023, "series": "fedasil"}
    assert "In 2021" in texts_[1]
    assert state_of(bot).last_query(ALICE["id"])["year"] == 2021


async def test_previous_year_button_edits_the_answer_in_place(bot, api, engine):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    answer = api.chat_messages(ALICE["id"])[0]
    api.press(ALICE, answer, "2022")
    await api.wait_for(lambda: api.calls_to("editMessageText"), what="an edit")
    [edited] = api.chat_messages(ALICE["id"])
    assert edited["text"].startswith("[en] In 2022,")
    assert [b["text"] for b in buttons(edited)][:2] == ["2021", "2023"]
    assert engine.queried[-1]["query"]["year"] == 2022
    # The follow-up context follows what the user now sees.
    assert state_of(bot).last_query(ALICE["id"])["year"] == 2022


async def test_country_button_replies_with_a_new_message(bot, api, engine):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], "Georgia")
    await api.wait_messages(ALICE["id"], 2)
    assert engine.queried[-1]["query"] == {
        "kind": "by_country", "country": "GE", "year": 2023, "series": "fedasil"}


async def test_chart_button_sends_a_png_photo_whose_caption_has_numbers_and_source(bot, api):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], "Chart")
    await api.wait_messages(ALICE["id"], 2)
    [photo] = api.calls_to("sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG")
    caption = photo.params["caption"]
    assert "2017: 3,017" in caption and "Source: Fedasil" in caption
    assert api.calls_to("sendChatAction")[0].params["action"] == "upload_photo"


async def test_long_chart_text_keeps_numbers_and_source_in_the_caption(bot, api):
    api.say(ALICE, "evolution chart with a wordy caption")
    await api.wait_messages(ALICE["id"], 2)
    photo, text = api.chat_messages(ALICE["id"])
    assert len(photo["caption"]) <= 1024
    assert "2024: 3,024" in photo["caption"] and "Source: Fedasil (test)" in photo["caption"]
    assert "More context." in text["text"]


async def test_long_answer_is_split_into_messages_below_4096_characters(bot, api, engine):
    api.say(ALICE, "a long answer please")
    await api.wait_for(lambda: len(api.chat_messages(ALICE["id"])) >= 3, what="3 parts")
    parts = api.texts(ALICE["id"])
    assert all(len(p) <= 4096 for p in parts)
    expected = engine._answer({"kind": "info"}, "", "en").text
    assert "".join(parts).replace("\n", "").replace(" ", "") == \
        expected.replace("\n", "").replace(" ", "")


async def test_forged_and_stale_buttons_get_a_polite_reply(bot, api, engine):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    message = api.chat_messages(ALICE["id"])[0]
    for data in ["hello", "q1pen|C|y2023", "q9pen|T", "q1pxx|T", "L|xx", "b1pen|unknowntoken"]:
        api.push_callback(ALICE, message, data)
    await api.wait_for(lambda: len(api.calls_to("answerCallbackQuery")) == 6, what="6 answers")
    for call in api.calls_to("answerCallbackQuery"):
        assert call.params["text"] == texts.stale_button("en")
        assert call.params["show_alert"] is True
    assert engine.queried == []
    assert len(api.chat_messages(ALICE["id"])) == 1


async def test_language_keyboard_offers_12_languages_and_the_choice_sticks(bot, api, engine):
    api.say(BORIS, "/language")
    await api.wait_messages(BORIS["id"], 1)
    keyboard = api.chat_messages(BORIS["id"])[0]
    assert [b["text"] for b in buttons(keyboard)] == [LANGUAGE_NAMES[c] for c in LANGUAGES]
    api.press(BORIS, keyboard, "Nederlands")
    await api.wait_for(lambda: api.calls_to("editMessageText"), what="confirmation")
    confirmation = api.chat_messages(BORIS["id"])[0]
    assert confirmation["text"] == texts.language_set("nl", "Nederlands")
    assert len(buttons(confirmation)) == 3  # the examples, now in Dutch
    assert state_of(bot).language(BORIS["id"]) == "nl"
    # From now on the engine answers in Dutch, whatever the client language.
    api.say(BORIS, "How many people returned in 2023?")
    await api.wait_messages(BORIS["id"], 2)
    assert engine.asked[-1]["lang"] == "nl"
    api.say(BORIS, "/language")
    await api.wait_messages(BORIS["id"], 3)
    assert "✓ Nederlands" in [b["text"] for b in buttons(api.chat_messages(BORIS["id"])[2])]


async def test_non_text_messages_get_a_short_hint(bot, api):
    file = {"file_id": "f", "file_unique_id": "u"}
    api.push(
        api.message(ALICE, photo=[{**file, "width": 1, "height": 1}]),
        api.message(ALICE, sticker={**file, "type": "regular", "width": 1, "height": 1,
                                    "is_animated": False, "is_video": False}),
        api.message(ALICE, voice={**file, "duration": 2}),
    )
    hints = await api.wait_messages(ALICE["id"], 3)
    assert hints == [texts.non_text_hint("en")] * 3


async def test_not_understood_answer_is_sent_without_buttons(bot, api):
    api.say(ALICE, "asdf")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert text == "Sorry, I did not understand that question."
    assert "reply_markup" not in api.chat_messages(ALICE["id"])[0]


async def test_engine_calls_run_off_the_event_loop(bot, api, engine: FakeEngine):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    assert engine.thread_names and all(n.startswith("returnbot-store") for n in engine.thread_names)


async def test_a_chart_drawn_once_is_reused_without_a_chat_action(bot, api):
    carla = FakeBotAPI.user(1003, "en")
    for user in (ALICE, carla):
        api.say(user, "evolution chart please")
        await api.wait_messages(user["id"], 1)
    first, second = api.calls_to("sendPhoto")
    assert first.files["photo"] == second.files["photo"]
    assert [c.params["chat_id"] for c in api.calls_to("sendChatAction")] == [ALICE["id"]]


async def test_state_reaches_the_file_by_shutdown(settings, engine, api):
    from conftest import running

    from bot.telegram.app import build_application
    from bot.telegram.state import StateStore

    async with running(build_application(settings, engine)):
        api.say(ALICE, "How many people returned in 2023?")
        await api.wait_messages(ALICE["id"], 1)
    store = StateStore(settings.state_path)
    assert store.last_query(ALICE["id"]) == {"kind": "total", "year": 2023, "series": "fedasil"}
    store.close()


async def test_a_button_on_a_message_that_cannot_be_edited_replies_anew(bot, api):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    gone = {**api.chat_messages(ALICE["id"])[0], "message_id": 999_999}  # deleted meanwhile
    api.press(ALICE, gone, "2022")
    texts_ = await api.wait_messages(ALICE["id"], 2)
    assert texts_[1].startswith("[en] In 2022")
    assert api.calls_to("editMessageText", ok=False)[0].status == 400
