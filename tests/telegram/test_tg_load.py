"""Under load: what is fetched, what a stop or crash loses, and one chat's flood.

"Confirmed" is what the fake server has forgotten because a getUpdates offset passed it:
an update confirmed and not answered is lost for good.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
from collections import Counter

from conftest import make_settings, running
from fakeapi import FakeBotAPI, Fault
from fakeengine import FakeEngine
from test_tg_process import start_bot

from bot.telegram import texts
from bot.telegram.app import build_application

YEARS = (2019, 2020, 2021, 2022, 2023)
USERS = [FakeBotAPI.user(200_000 + i, "en") for i in range(300)]
BOB = FakeBotAPI.user(9002, "en")
FLOODER = FakeBotAPI.user(9001, "en")


def push_backlog(api: FakeBotAPI) -> None:
    """1,500 questions: each of 300 users asks about five years, all queued before the bot."""
    api.push(*(api.message(user, f"How many people returned in {year}?")
               for year in YEARS for user in USERS))


def answered_years(api: FakeBotAPI) -> Counter[tuple[int, int]]:
    """How often each (user, year) question was answered."""
    found: Counter[tuple[int, int]] = Counter()
    for user in USERS:
        for text in api.texts(user["id"]):
            match = re.search(r"\b(20\d\d)\b", text)
            assert match, text
            found[(user["id"], int(match.group(1)))] += 1
    return found


def answer_count(api: FakeBotAPI) -> int:
    return sum(len(api.chat_messages(user["id"])) for user in USERS)


def run_bot(api, tmp_path, store_path):
    # No rate limit (the fake server imposes none) and few logs (nobody reads the pipe).
    return start_bot(api, tmp_path, store_path, RETURNBOT_RATE_LIMIT_PER_SECOND="0",
                     RETURNBOT_LOG_LEVEL="WARNING")


def docker_stop(process: subprocess.Popen, grace: float = 10.0) -> str:
    """SIGTERM, then SIGKILL after `grace` seconds, like `docker stop`."""
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


async def test_sigterm_under_a_backlog_of_1500_loses_nothing_and_the_next_process_answers_the_rest(
    api, tmp_path, store_path
):
    push_backlog(api)
    process = run_bot(api, tmp_path, store_path)
    try:
        await api.wait_for(lambda: answer_count(api) >= 200, timeout=60, what="200 answers")
        assert api.pending_updates > 1000  # the backlog stays with Telegram
    finally:
        output = docker_stop(process)
    assert process.returncode == 0, output  # stopped within the grace, not killed
    first = answer_count(api)
    assert first < 1500, "the bot answered everything before the stop: nothing was tested"
    # Every update Telegram has forgotten was answered, and only those.
    assert api.confirmed == first
    process = run_bot(api, tmp_path, store_path)
    try:
        await api.wait_for(lambda: answer_count(api) >= 1500, timeout=120, what="1500 answers")
        await asyncio.sleep(0.3)  # no late duplicate either
    finally:
        docker_stop(process)
    assert answered_years(api) == Counter({(u["id"], y): 1 for u in USERS for y in YEARS})


async def test_kill_9_under_a_backlog_loses_at_most_the_window_being_answered(
    api, tmp_path, store_path
):
    push_backlog(api)
    process = run_bot(api, tmp_path, store_path)
    try:
        await api.wait_for(lambda: answer_count(api) >= 200, timeout=60, what="200 answers")
    finally:
        process.kill()
        process.communicate()
    lost = api.confirmed - len(answered_years(api))
    assert 0 <= lost <= 100  # RETURNBOT_FETCH_WINDOW's default
    process = run_bot(api, tmp_path, store_path)
    try:
        await api.wait_for(lambda: api.pending_updates == 0 and api.confirmed == 1500,
                           timeout=120, what="the backlog fetched")
        await api.wait_for(lambda: len(answered_years(api)) >= 1500 - lost, timeout=60,
                           what="the rest answered")
    finally:
        docker_stop(process)
    assert len(answered_years(api)) == 1500 - lost


async def test_updates_beyond_the_window_are_neither_fetched_nor_confirmed(api, tmp_path):
    engine = FakeEngine()
    engine.gate.clear()  # every answer waits
    settings = make_settings(api, tmp_path, fetch_window=10)
    async with running(build_application(settings, engine)):
        api.push(*(api.message(user, "How many people returned in 2023?") for user in USERS[:50]))
        await api.wait_for(lambda: engine.asked, what="the first question")
        await asyncio.sleep(0.3)  # room for a wrong extra fetch to happen
        fetched = [c for c in api.calls_to("getUpdates") if c.params.get("limit")]
        assert api.confirmed == 0 and api.pending_updates == 50
        assert max(int(c.params["limit"]) for c in fetched) <= 10
        engine.gate.set()
        await api.wait_for(lambda: all(api.chat_messages(u["id"]) for u in USERS[:50]),
                           what="50 answers")


async def test_a_chat_waiting_for_its_turn_holds_no_worker(api, tmp_path):
    # Two workers; one chat has 40 questions queued, another user asks one after them.
    settings = make_settings(api, tmp_path, concurrent_updates=2, chat_backlog=100)
    async with running(build_application(settings, FakeEngine())):
        api.push(*(api.message(FLOODER, f"How many people returned in {2000 + i % 25}?")
                   for i in range(40)))
        api.say(BOB, "How many people returned in 2023?")
        await api.wait_messages(FLOODER["id"], 40, timeout=30)
        await api.wait_messages(BOB["id"], 1)
    sends = [c.params["chat_id"] for c in api.calls_to("sendMessage")]
    # Bob is answered while the other chat's queue is still being worked through.
    assert sends.index(BOB["id"]) < len(sends) - 1 - sends[::-1].index(FLOODER["id"])
    assert sends.index(BOB["id"]) < 10


async def test_one_chat_sending_1000_messages_cannot_keep_another_user_waiting(api, tmp_path):
    # The flooding chat's first answer is held by the server until the test releases it, so
    # the chat keeps its ten questions in the window meanwhile (as with Telegram's limits).
    held = Fault("sendMessage", "hold", text="[en] In 2000,")
    api.inject(held)
    settings = make_settings(api, tmp_path, chat_backlog=10, telegram_timeout=60)
    engine = FakeEngine()
    async with running(build_application(settings, engine)):
        api.push(*(api.message(FLOODER, f"How many people returned in {2000 + i % 25}?")
                   for i in range(1000)))
        api.say(BOB, "How many people returned in 2023?")
        [answer] = await api.wait_messages(BOB["id"], 1, timeout=30)
        await api.wait_for(lambda: api.confirmed == 1001, what="the flood fetched")
        # Bob has his answer, and the flooding chat has not had its first one yet.
        assert [t for t in api.texts(FLOODER["id"]) if t.startswith("[en] In")] == []
        held.release.set()
        await api.wait_messages(FLOODER["id"], 11)
        await asyncio.sleep(0.3)  # nothing more is coming
    flood = api.texts(FLOODER["id"])
    assert answer.startswith("[en] In 2023")
    # The flooding chat used eleven messages of the rate budget: ten answers and one notice.
    assert flood.count(texts.flood("en")) == 1
    assert [t for t in flood if t.startswith("[en] In")] == [
        f"[en] In {2000 + i}, {3000 + i:,} people returned. Source: Fedasil (test)."
        for i in range(10)
    ]
    assert len(flood) == 11
    assert len(engine.asked) == 11


async def test_a_chat_is_answered_in_full_again_once_its_flood_is_over(api, tmp_path):
    settings = make_settings(api, tmp_path, chat_backlog=3)
    async with running(build_application(settings, FakeEngine())):
        api.push(*(api.message(FLOODER, "How many people returned in 2020?") for _ in range(6)))
        await api.wait_for(lambda: api.confirmed == 6 and len(api.texts(FLOODER["id"])) == 4,
                           what="three answers and a notice")
        for year in (2021, 2022):
            api.say(FLOODER, f"How many people returned in {year}?")
        texts_now = await api.wait_messages(FLOODER["id"], 6)
    assert texts_now.count(texts.flood("en")) == 1
    assert texts_now[-2:] == [
        "[en] In 2021, 3,021 people returned. Source: Fedasil (test).",
        "[en] In 2022, 3,022 people returned. Source: Fedasil (test).",
    ]


async def test_the_flood_notice_is_in_the_chats_language(api, tmp_path):
    amelie = FakeBotAPI.user(9003, "fr")
    settings = make_settings(api, tmp_path, chat_backlog=1)
    async with running(build_application(settings, FakeEngine())):
        api.push(*(api.message(amelie, "Combien de retours en 2020 ?") for _ in range(3)))
        sent = await api.wait_messages(amelie["id"], 2)
    assert texts.flood("fr") in sent and texts.flood("fr") != texts.flood("en")
