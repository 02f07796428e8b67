"""Privacy: what is stored, what is logged, /forget; and the error handler's apology."""

from __future__ import annotations

import logging
from pathlib import Path

from conftest import flushed_state, state_of
from fakeapi import BOT_USERNAME, FakeBotAPI
from fakeengine import BOOM

from bot.telegram import texts
from bot.telegram.app import configure_logging

ALICE = FakeBotAPI.user(3001, "de")
BORIS = FakeBotAPI.user(3002, "en")
SECRET = "my cousin Irakli in Kutaisi 2023"  # what an asker might type; must stay private


def stored_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_state_keeps_language_and_last_query_but_never_message_text(bot, api, settings):
    api.say(ALICE, "/language")
    await api.wait_messages(ALICE["id"], 1)
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], "Español")
    await api.wait_for(lambda: api.calls_to("editMessageText"), what="language set")
    api.say(ALICE, SECRET)
    await api.wait_messages(ALICE["id"], 2)
    state = await flushed_state(bot)
    assert state.counts() == {"user_language": 1, "chat_query": 1, "button": 0}
    raw = stored_bytes(settings.state_path)
    assert b"Kutaisi" not in raw and b"Irakli" not in raw
    assert b"Kutaisi" not in repr(dict(bot.user_data) | dict(bot.chat_data)).encode()


async def test_forget_deletes_everything_about_the_user_and_chat_only(bot, api):
    for user in (ALICE, BORIS):
        api.say(user, "/language")
        await api.wait_messages(user["id"], 1)
        api.press(user, api.chat_messages(user["id"])[0], "Français")
        api.say(user, "How many people returned in 2023?")
        await api.wait_messages(user["id"], 2)
    state = await flushed_state(bot)
    assert state.counts() == {"user_language": 2, "chat_query": 2, "button": 0}
    api.say(ALICE, "/forget")
    texts_ = await api.wait_messages(ALICE["id"], 3)
    # The confirmation comes in the client's language now that the choice is gone.
    assert texts_[-1] == texts.forgotten("de")
    assert state.language(ALICE["id"]) is None and state.last_query(ALICE["id"]) is None
    assert state.language(BORIS["id"]) == "fr" and state.last_query(BORIS["id"]) is not None
    state = await flushed_state(bot)
    assert state.counts() == {"user_language": 1, "chat_query": 1, "button": 0}
    # And a follow-up after /forget has no context.
    api.say(ALICE, "and in 2022?")
    await api.wait_messages(ALICE["id"], 4)


async def test_forget_in_a_group_deletes_the_users_language_and_the_groups_context(bot, api):
    group = FakeBotAPI.group_chat(-100888)
    api.say(ALICE, f"@{BOT_USERNAME} 2023", chat=group)
    await api.wait_messages(group["id"], 1)
    api.say(ALICE, f"/forget@{BOT_USERNAME}", chat=group)
    await api.wait_messages(group["id"], 2)
    assert state_of(bot).last_query(group["id"]) is None


async def test_logs_never_contain_message_text(bot, api, caplog):
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    api.say(ALICE, SECRET)
    api.say(ALICE, f"{SECRET} {BOOM}")
    api.inline(ALICE, SECRET)
    group = FakeBotAPI.group_chat(-100999)
    api.say(ALICE, f"@{BOT_USERNAME} {SECRET}", chat=group)
    await api.wait_messages(ALICE["id"], 2)
    await api.wait_messages(group["id"], 1)
    await api.wait_for(lambda: api.calls_to("answerInlineQuery"), what="inline answer")
    assert "failed" in caplog.text  # the error was logged…
    assert "Kutaisi" not in caplog.text  # …without the text
    for record in caplog.records:
        assert "Kutaisi" not in record.getMessage()
        assert str(ALICE["id"]) not in record.getMessage()


async def test_error_handler_logs_with_traceback_and_apologises_in_the_users_language(
    bot, api, caplog
):
    caplog.set_level(logging.ERROR, logger="bot.telegram.handlers")
    api.say(BORIS, f"this will {BOOM}")
    [text] = await api.wait_messages(BORIS["id"], 1)
    assert text == texts.apology("en")
    [record] = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert "RuntimeError" in caplog.text and "Traceback" in caplog.text
    assert BOOM not in caplog.text and "[message text]" in caplog.text
    assert record.levelno == logging.ERROR


async def test_error_without_user_text_is_logged_with_exc_info(bot, api, caplog, engine):
    def broken(*args, **kwargs):
        raise ValueError("store unreadable")

    engine.answer_query = broken
    api.say(BORIS, "/about")
    [text] = await api.wait_messages(BORIS["id"], 1)
    assert text == texts.apology("en")
    [record] = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert record.exc_info is not None and "store unreadable" in caplog.text
