"""Groups (commands and mentions only) and inline mode."""

from __future__ import annotations

import asyncio

from fakeapi import BOT_USERNAME, FakeBotAPI

from bot.telegram import texts

ALICE = FakeBotAPI.user(2001, "en")
GROUP = FakeBotAPI.group_chat(-100777)


async def test_group_chatter_is_ignored(bot, api, engine):
    api.say(ALICE, "How many people returned in 2023?", chat=GROUP)
    api.say(ALICE, "@SomeOtherBot how many in 2023?", chat=GROUP)
    api.push(api.message(ALICE, chat=GROUP, photo=[{"file_id": "f", "file_unique_id": "u",
                                                    "width": 1, "height": 1}]))
    # A command afterwards proves the earlier updates were processed (one chat, in order).
    api.say(ALICE, f"/privacy@{BOT_USERNAME}", chat=GROUP)
    [text] = await api.wait_messages(GROUP["id"], 1)
    assert text.startswith(texts.privacy("en"))  # then the line about /subscribe
    assert engine.asked == []


async def test_group_mention_is_answered_as_a_quoted_reply_without_the_mention(bot, api, engine):
    update_message = api.message(ALICE, f"@{BOT_USERNAME} how many returned in 2023?", chat=GROUP)
    api.push(update_message)
    [text] = await api.wait_messages(GROUP["id"], 1)
    assert engine.asked[-1]["text"] == "how many returned in 2023?"
    assert text.startswith("[en] In 2023")
    reply = api.chat_messages(GROUP["id"])[0]
    assert reply["reply_to_message_id"] == update_message["message"]["message_id"]


async def test_group_reply_to_the_bot_is_a_follow_up(bot, api, engine):
    api.say(ALICE, f"how many returned in 2023 @{BOT_USERNAME}", chat=GROUP)
    await api.wait_messages(GROUP["id"], 1)
    answer = api.chat_messages(GROUP["id"])[0]
    api.say(ALICE, "and in 2020?", chat=GROUP, reply_to=answer)
    texts_ = await api.wait_messages(GROUP["id"], 2)
    assert engine.asked[-1]["context"]["year"] == 2023
    assert texts_[1].startswith("[en] In 2020")


async def test_bare_mention_in_a_group_gets_an_example(bot, api, engine):
    api.say(ALICE, f"@{BOT_USERNAME}", chat=GROUP)
    [text] = await api.wait_messages(GROUP["id"], 1)
    assert text == texts.group_hint("en", f"@{BOT_USERNAME}")
    assert engine.asked == []


async def test_commands_addressed_to_another_bot_are_ignored(bot, api):
    api.say(ALICE, "/help@SomeOtherBot", chat=GROUP)
    api.say(ALICE, "/start", chat=GROUP)
    [text] = await api.wait_messages(GROUP["id"], 1)
    assert text == texts.welcome("en")


async def test_group_buttons_work_for_any_member(bot, api, engine):
    api.say(ALICE, f"@{BOT_USERNAME} 2023", chat=GROUP)
    await api.wait_messages(GROUP["id"], 1)
    bob = FakeBotAPI.user(2002, "de")
    api.press(bob, api.chat_messages(GROUP["id"])[0], "Georgia")
    await api.wait_messages(GROUP["id"], 2)
    assert engine.queried[-1]["query"]["country"] == "GE"
    # The answer keeps the language of the message the button was on.
    assert engine.queried[-1]["lang"] == "en"


async def test_inline_query_answers_with_the_answer_text(bot, api, engine):
    api.inline(ALICE, "georgia 2023")
    await api.wait_for(lambda: api.calls_to("answerInlineQuery"), what="inline answer")
    call = api.calls_to("answerInlineQuery")[0]
    [result] = call.params["results"]
    assert result["type"] == "article"
    assert result["input_message_content"]["message_text"].startswith("[en] In 2023")
    assert call.params["is_personal"] is True
    # Inline queries have no chat: nothing is stored for follow-ups.
    assert engine.asked[-1]["context"] is None


async def test_empty_inline_query_offers_the_three_examples(bot, api, engine):
    api.inline(ALICE, "")
    await api.wait_for(lambda: api.calls_to("answerInlineQuery"), what="inline answer")
    results = api.calls_to("answerInlineQuery")[0].params["results"]
    assert [r["title"] for r in results] == [texts.gettext("en", q) for q, _ in texts.EXAMPLES]
    assert len(engine.queried) == 3


async def test_inline_answers_are_truncated_to_telegram_limits(bot, api):
    api.inline(ALICE, "a long answer")
    await api.wait_for(lambda: api.calls_to("answerInlineQuery"), what="inline answer")
    [result] = api.calls_to("answerInlineQuery")[0].params["results"]
    assert len(result["input_message_content"]["message_text"]) <= 4096
    assert result["input_message_content"]["message_text"].endswith("…")


async def test_edited_messages_and_channel_posts_are_ignored(bot, api, engine):
    message = api.message(ALICE, "How many in 2023?")["message"]
    api.push({"edited_message": {**message, "edit_date": message["date"]}})
    api.push({"channel_post": {**message, "chat": {"id": -100555, "type": "channel"}}})
    api.say(ALICE, "/privacy")
    await api.wait_messages(ALICE["id"], 1)
    await asyncio.sleep(0.05)
    assert engine.asked == []
