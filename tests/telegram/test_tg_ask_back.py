"""Asking back in Telegram: an unclear question gets 'Do you mean…?' with a button per
reading, and a press answers that reading (the real engine, store and PTB stack)."""

from __future__ import annotations

import pytest
from conftest import make_settings, running
from fakeapi import FakeBotAPI

from bot.telegram.app import build_application
from bot.telegram.services import services_of

ALICE = FakeBotAPI.user(5101, "en")


@pytest.fixture
async def real_bot(api, tmp_path, store_path):
    settings = make_settings(api, tmp_path, db_path=store_path)
    async with running(build_application(settings)) as app:
        yield app


def buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


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
