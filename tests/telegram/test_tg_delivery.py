"""Reliability: injected 429s, 5xx, dropped connections and stalls; nothing is lost.

"Delivered" is what the fake server shows in the chat, whatever the bot was told.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest
from conftest import make_settings, running
from fakeapi import FakeBotAPI, Fault
from fakeengine import FakeEngine

from bot.telegram.app import build_application
from bot.telegram.delivery import DeliveryRateLimiter
from bot.telegram.intake import FairProcessor, PacedBot

ALICE = FakeBotAPI.user(4001, "en")


@pytest.mark.parametrize("fault", [
    Fault("sendMessage", "retry_after", times=2, retry_after=0.1),
    Fault("sendMessage", "status", times=2, status=502),
    Fault("sendMessage", "status", times=1, status=500),
    Fault("sendMessage", "status", times=1, status=503),
    Fault("sendMessage", "drop", times=2),
], ids=["429", "502", "500", "503", "dropped-before-taking-effect"])
async def test_a_failed_reply_is_retried_and_delivered_exactly_once(bot, api, fault):
    api.inject(dataclasses.replace(fault))  # injecting consumes the fault's `times`
    api.say(ALICE, "How many people returned in 2023?")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert text.startswith("[en] In 2023")
    attempts = api.calls_to("sendMessage", ALICE["id"], ok=False)
    assert len(attempts) == fault.times + 1
    await asyncio.sleep(0.2)  # no late duplicate either
    assert len(api.chat_messages(ALICE["id"])) == 1


@pytest.mark.parametrize("method,action", [
    ("editMessageText", "2022"), ("sendPhoto", "Chart"), ("answerCallbackQuery", "Georgia"),
])
async def test_button_replies_survive_faults_too(bot, api, method, action):
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_messages(ALICE["id"], 1)
    api.inject(Fault(method, "status", status=502), Fault(method, "retry_after", retry_after=0.1))
    api.press(ALICE, api.chat_messages(ALICE["id"])[0], action)
    await api.wait_for(lambda: api.calls_to(method), what=f"a successful {method}")
    assert len(api.calls_to(method, ok=False)) == 3


async def test_a_reply_that_timed_out_after_delivery_is_resent_at_least_once(api, tmp_path, caplog):
    # The Bot API has no idempotency key: after a read timeout the bot cannot know whether
    # Telegram delivered the message. It resends (a duplicate) rather than risk a lost answer.
    settings = make_settings(api, tmp_path, telegram_timeout=0.3)
    async with running(build_application(settings, FakeEngine())):
        api.inject(Fault("sendMessage", "stall", delay=1.0))
        api.say(ALICE, "How many people returned in 2023?")
        texts = await api.wait_messages(ALICE["id"], 2)
    assert texts[0] == texts[1]
    assert "may have been delivered" in caplog.text


async def test_a_reply_whose_response_was_lost_is_resent_at_least_once(bot, api):
    api.inject(Fault("sendMessage", "drop_after"))
    api.say(ALICE, "How many people returned in 2023?")
    texts = await api.wait_messages(ALICE["id"], 2)
    assert texts[0] == texts[1]


async def test_a_chats_replies_keep_their_order_while_one_is_retried(bot, api):
    api.inject(Fault("sendMessage", "retry_after", retry_after=0.3, chat_id=ALICE["id"]))
    for year in (2019, 2020, 2021):
        api.say(ALICE, f"How many people returned in {year}?")
    texts = await api.wait_messages(ALICE["id"], 3)
    assert [t[:12] for t in texts] == ["[en] In 2019", "[en] In 2020", "[en] In 2021"]


async def test_burst_of_300_users_with_502_429_and_drops_loses_no_answer(api, tmp_path):
    settings = make_settings(api, tmp_path, concurrent_updates=64)
    engine = FakeEngine()
    async with running(build_application(settings, engine)):
        api.chaos(0.15, kinds=("status", "status", "drop", "retry_after"), retry_after=0.05)
        users = [FakeBotAPI.user(100_000 + i, "en") for i in range(300)]
        api.push(*(api.message(u, f"How many people returned in {2000 + i % 25}?")
                   for i, u in enumerate(users)))
        await api.wait_for(
            lambda: len(api.calls_to("sendMessage")) >= 300, timeout=40, what="300 answers")
        await asyncio.sleep(0.2)
        api.chaos(0)
    failures = [c for c in api.calls if c.method == "sendmessage" and c.fault]
    assert failures, "the chaos injected no fault"
    for i, user in enumerate(users):
        # Exactly one answer per user, to their own question.
        assert api.texts(user["id"]) == [
            f"[en] In {2000 + i % 25}, {3000 + i % 25:,} people returned. Source: Fedasil (test)."
        ]


async def test_non_reply_calls_give_up_after_a_few_attempts_so_start_up_cannot_hang(
    api, tmp_path, caplog
):
    caplog.set_level(logging.WARNING)
    api.inject(Fault("setMyCommands", "status", times=100, status=502))
    settings = make_settings(api, tmp_path)
    async with running(build_application(settings, FakeEngine())):
        api.say(ALICE, "/start")
        await api.wait_messages(ALICE["id"], 1)
    assert "menu calls failed" in caplog.text


async def test_unknown_methods_on_a_minimal_server_do_not_stop_the_bot(api, tmp_path, caplog):
    # A self-hosted or test server without these methods answers 404.
    api.unsupported |= {"setmydescription", "setmyshortdescription"}
    settings = make_settings(api, tmp_path)
    async with running(build_application(settings, FakeEngine())):
        api.say(ALICE, "/start")
        await api.wait_messages(ALICE["id"], 1)
    assert "26 of 39 menu calls failed" in caplog.text


def test_application_uses_the_rate_limiter_and_per_chat_order(api, tmp_path):
    settings = make_settings(api, tmp_path, rate_limit_per_second=30,
                             rate_limit_group_per_minute=20)
    app = build_application(settings, FakeEngine())
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, DeliveryRateLimiter)
    assert limiter._base_limiter.max_rate == 30
    assert limiter._group_max_rate == 20
    assert isinstance(app.update_processor, FairProcessor)
    assert isinstance(app.bot, PacedBot)


async def test_a_user_who_blocked_the_bot_is_neither_retried_nor_apologised_to(bot, api, caplog):
    api.inject(Fault("sendMessage", "status", status=403, chat_id=ALICE["id"]))
    api.say(ALICE, "How many people returned in 2023?")
    await api.wait_for(lambda: api.calls_to("sendMessage", ok=False), what="the attempt")
    await asyncio.sleep(0.2)
    assert len(api.calls_to("sendMessage", ok=False)) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
