"""Reach: deep links, the first-time menu and alerts about new figures, through the real PTB
stack against the fake Bot API (the real engine and store where the words matter)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import make_settings, running, state_of
from fakeapi import FakeBotAPI

from bot.i18n import translations
from bot.imports import import_csv
from bot.telegram import texts
from bot.telegram.alerts import AlertStore, alerts_of
from bot.telegram.app import build_application
from bot.telegram.menu import LABELS

ALICE = FakeBotAPI.user(2001, "en")
LEILA = FakeBotAPI.user(2002, "fr")
NINO = FakeBotAPI.user(2003, "en")
JAN = FakeBotAPI.user(2004, "nl")
STAFF = FakeBotAPI.user(2099, "en")

IMPORT = (
    "indicator,year,country_iso2,profile,value,unit,precision,source_url,source_publisher,"
    "source_title,source_date,source_language,evidence\n"
    "returns_total,2026,,,3001,persons,exact,https://www.fedasil.be/en/annual-report-2026.pdf,"
    "Fedasil,Annual report 2026,2026-11-30,en,Table 1: voluntary returns\n"
)


def buttons(message: dict) -> list[dict]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def summary(topic: str, lang: str) -> str:
    """A support answer opens with its topic's one-line summary (data/content/)."""
    import yaml

    from bot.datafiles import DATA_DIR

    doc = yaml.safe_load((DATA_DIR / "content" / f"{topic}.yaml").read_text(encoding="utf-8"))
    return str(doc["summary"][lang])


@pytest.fixture
def store_copy(store_path: Path, tmp_path: Path) -> Path:
    """A store of our own: the alert tests import figures into it."""
    path = tmp_path / "store" / "returnbot.db"
    path.parent.mkdir()
    shutil.copy(store_path, path)
    return path


def real_bot(api: FakeBotAPI, tmp_path: Path, db_path: Path, **overrides):
    values = {"db_path": db_path, "admin_ids": [STAFF["id"]], "alert_check_seconds": 0.2}
    settings = make_settings(api, tmp_path, **(values | overrides))
    return build_application(settings)


async def import_figures(db_path: Path, tmp_path: Path, api: FakeBotAPI | None = None) -> None:
    """Import figures for 2026 (once the running bot has taken stock of the store)."""
    if api is not None:
        await api.wait_for(lambda: alerts_known(tmp_path / "state.db"), what="the first check",
                           timeout=30)
    csv = tmp_path / "report-2026.csv"
    csv.write_text(IMPORT, encoding="utf-8")
    import_csv(csv, db_path, tmp_path / "kept")


# -- deep links and the menu ----------------------------------------------------------------


@pytest.mark.parametrize(("user_id", "payload", "lang", "topic"), [
    pytest.param(2101, "fr-apply", "fr", "how_to_apply", id="latin"),
    pytest.param(2102, "ar-apply", "ar", "how_to_apply", id="arabic"),
    pytest.param(2103, "ka-reintegration", "ka", "reintegration", id="georgian"),
])
async def test_deep_link_opens_its_topic_in_its_language_and_remembers_the_language(
    api, tmp_path, store_path, user_id, payload, lang, topic
):
    user = FakeBotAPI.user(user_id, "en")
    async with running(real_bot(api, tmp_path, store_path)) as app:
        api.say(user, f"/start {payload}")
        [text] = await api.wait_messages(user_id, 1)
        assert text.startswith(summary(topic, lang))
        assert state_of(app).language(user_id) == lang
        # The other menu entries follow the answer, in the same language.
        labels = [b["text"] for b in buttons(api.chat_messages(user_id)[0])]
        assert translations(lang).gettext(LABELS["figures"]) in labels
        assert len(labels) == 4


async def test_deep_link_to_figures_answers_the_latest_total(api, tmp_path, store_path):
    async with running(real_bot(api, tmp_path, store_path)):
        api.say(JAN, "/start nl-figures")
        [text] = await api.wait_messages(JAN["id"], 1)
        assert "3.122" in text and "2025" in text and "fedasil.be" in text


@pytest.mark.parametrize("payload", [
    "xx-apply", "fr-weather", "fr", "fr-apply-now", "fr--apply", "ar-apply!", "a" * 65,
    "ka-%E1%83%90",
])
async def test_bad_payload_gets_the_normal_welcome(bot, api, payload):
    api.say(ALICE, f"/start {payload}")
    [text] = await api.wait_messages(ALICE["id"], 1)
    assert text == texts.welcome("en")
    assert state_of(bot).language(ALICE["id"]) is None


async def test_welcome_menu_has_the_five_entries_in_the_users_language(bot, api, engine):
    api.say(LEILA, "/start")
    await api.wait_messages(LEILA["id"], 1)
    welcome = api.chat_messages(LEILA["id"])[0]
    assert welcome["text"] == texts.welcome("fr")
    labels = [b["text"] for b in buttons(welcome)]
    assert labels == [translations("fr").gettext(LABELS[t]) for t in LABELS]
    assert all(label not in LABELS.values() for label in labels)  # translated, not English


@pytest.mark.parametrize(("index", "query"), [
    (0, {"kind": "total"}),
    (1, {"kind": "info", "topic": "how_to_apply"}),
    (2, {"kind": "info", "topic": "reintegration"}),
    (4, {"kind": "info", "topic": "confidentiality"}),
])
async def test_each_menu_button_asks_its_topic(bot, api, engine, index, query):
    api.say(ALICE, "/start")
    await api.wait_messages(ALICE["id"], 1)
    welcome = api.chat_messages(ALICE["id"])[0]
    api.press(ALICE, welcome, buttons(welcome)[index]["text"])
    await api.wait_messages(ALICE["id"], 2)
    asked = engine.queried[-1]
    assert asked["lang"] == "en"
    assert {k: v for k, v in asked["query"].items() if k in query} == query


# -- alerts ---------------------------------------------------------------------------------


async def test_subscribers_get_exactly_one_alert_each_in_their_language_after_an_import(
    api, tmp_path, store_copy
):
    async with running(real_bot(api, tmp_path, store_copy)) as app:
        for user in (ALICE, LEILA, JAN):
            api.say(user, "/subscribe")
        for user in (ALICE, LEILA, JAN):
            await api.wait_messages(user["id"], 1)
        await import_figures(store_copy, tmp_path, api)
        alerts_of(app.bot_data).wake()
        english = (await api.wait_messages(ALICE["id"], 2, timeout=30))[1]
        french = (await api.wait_messages(LEILA["id"], 2, timeout=30))[1]
        dutch = (await api.wait_messages(JAN["id"], 2, timeout=30))[1]
        assert english.startswith("New: 3,001 voluntary returns in 2026 (−3.9% on 2025)")
        assert "Annual report 2026" in english and "annual-report-2026.pdf" in english
        assert "3\u202f001" in french and "2026" in french and "−3,9" in french
        assert "3.001" in dutch and "2026" in dutch and "−3,9" in dutch
        # Later checks find nothing new.
        await alerts_of(app.bot_data).check()
        alerts_of(app.bot_data).wake()
        await api.wait_for(lambda: not alerts_pending(tmp_path), what="an empty outbox", timeout=30)
    for user in (ALICE, LEILA, JAN):
        assert len(api.chat_messages(user["id"])) == 2


def alerts_pending(tmp_path: Path) -> list:
    store = AlertStore(tmp_path / "state.db")
    try:
        return store.pending()
    finally:
        store.close()


async def test_restart_sends_no_duplicate(api, tmp_path, store_copy):
    async with running(real_bot(api, tmp_path, store_copy)) as app:
        api.say(ALICE, "/subscribe")
        await api.wait_messages(ALICE["id"], 1)
        await import_figures(store_copy, tmp_path, api)
        alerts_of(app.bot_data).wake()
        await api.wait_messages(ALICE["id"], 2, timeout=30)
    async with running(real_bot(api, tmp_path, store_copy)) as app:
        await alerts_of(app.bot_data).check()  # what a restart does first
        api.say(ALICE, "/help")  # a reply proves the bot has been running a while
        await api.wait_messages(ALICE["id"], 3)
    assert sum("3,001" in t for t in api.texts(ALICE["id"])) == 1


async def test_store_change_while_the_bot_was_down_is_alerted_after_start(
    api, tmp_path, store_copy
):
    async with running(real_bot(api, tmp_path, store_copy)):
        api.say(NINO, "/subscribe")
        await api.wait_messages(NINO["id"], 1)
        await api.wait_for(lambda: alerts_known(tmp_path / "state.db"), what="the first check", timeout=30)
    await import_figures(store_copy, tmp_path)  # nobody is running
    async with running(real_bot(api, tmp_path, store_copy)):
        texts_ = await api.wait_messages(NINO["id"], 2, timeout=30)
    assert texts_[1].startswith("New: 3,001 voluntary returns in 2026")


async def test_first_start_ever_announces_nothing(api, tmp_path, store_copy):
    state = tmp_path / "state.db"
    store = AlertStore(state)
    store.subscribe(NINO["id"], "en")  # subscribed, but the bot never looked at the store
    store.close()
    async with running(real_bot(api, tmp_path, store_copy)) as app:
        await api.wait_for(lambda: alerts_known(state), what="the first check", timeout=30)
        assert await alerts_of(app.bot_data).check() is None
    assert api.chat_messages(NINO["id"]) == []


def alerts_known(state: Path) -> bool:
    store = AlertStore(state)
    try:
        return store.known() is not None
    finally:
        store.close()


async def test_forget_and_unsubscribe_remove_the_subscription(api, tmp_path, store_copy):
    async with running(real_bot(api, tmp_path, store_copy)) as app:
        store = alerts_of(app.bot_data).store
        api.say(ALICE, "/subscribe")
        api.say(LEILA, "/subscribe")
        await api.wait_messages(LEILA["id"], 1)
        assert store.language(LEILA["id"]) == "fr"
        api.say(ALICE, "/forget")
        api.say(LEILA, "/unsubscribe")
        await api.wait_messages(ALICE["id"], 2, timeout=30)
        await api.wait_messages(LEILA["id"], 2, timeout=30)
        assert store.language(ALICE["id"]) is None and store.language(LEILA["id"]) is None
        await import_figures(store_copy, tmp_path, api)
        alerts_of(app.bot_data).wake()
        await api.wait_for(lambda: store.known() and "2026" in "".join(store.known()),
                           what="the import noticed")
    assert len(api.chat_messages(ALICE["id"])) == 2
    assert len(api.chat_messages(LEILA["id"])) == 2


async def test_groups_subscribe_through_staff_only(api, tmp_path, store_copy):
    group = FakeBotAPI.group_chat(-1009)
    async with running(real_bot(api, tmp_path, store_copy)) as app:
        api.say(ALICE, "/subscribe", chat=group)
        await api.wait_messages(group["id"], 1)
        api.say(STAFF, "/subscribe", chat=group)
        await api.wait_messages(group["id"], 2, timeout=30)
        store = alerts_of(app.bot_data).store
        assert store.language(group["id"]) == "en"
        assert store.subscriber_count() == 1


async def test_news_previews_the_next_alert_for_staff_only(api, tmp_path, store_copy):
    async with running(real_bot(api, tmp_path, store_copy, alert_check_seconds=3600)) as app:
        await api.wait_for(lambda: alerts_known(tmp_path / "state.db"), what="the first check", timeout=30)
        api.say(ALICE, "/news")  # not staff: an unknown command
        api.say(STAFF, "/news")
        [nothing] = await api.wait_messages(STAFF["id"], 1)
        assert nothing.startswith("No new figures since the last alert (0 subscribed chats)")
        await import_figures(store_copy, tmp_path, api)
        api.say(STAFF, "/news")
        preview = (await api.wait_messages(STAFF["id"], 2, timeout=30))[1]
        assert preview.startswith("Next alert, not sent yet (0 subscribed chats):")
        assert "New: 3,001 voluntary returns in 2026" in preview
        [unknown] = await api.wait_messages(ALICE["id"], 1)
        assert unknown == texts.unknown_command("en")
        assert alerts_of(app.bot_data).store.last_texts() is None  # a preview sends nothing


async def test_a_chat_that_blocked_the_bot_is_unsubscribed_and_the_others_still_alerted(
    api, tmp_path, store_copy
):
    from fakeapi import Fault

    async with running(real_bot(api, tmp_path, store_copy)) as app:
        api.say(ALICE, "/subscribe")
        api.say(JAN, "/subscribe")
        await api.wait_messages(ALICE["id"], 1)
        await api.wait_messages(JAN["id"], 1)
        api.inject(Fault("sendMessage", "status", status=403, chat_id=ALICE["id"]))
        await import_figures(store_copy, tmp_path, api)
        alerts_of(app.bot_data).wake()
        await api.wait_messages(JAN["id"], 2, timeout=30)
        store = alerts_of(app.bot_data).store
        await api.wait_for(lambda: store.language(ALICE["id"]) is None, what="unsubscribed")
        # Delivered rows leave the outbox in batches (every 0.5 s).
        await api.wait_for(lambda: store.pending() == [], what="an empty outbox", timeout=30)
        assert store.language(JAN["id"]) == "nl"
    assert len(api.chat_messages(ALICE["id"])) == 1


async def test_alerts_left_in_the_outbox_go_out_after_a_restart(api, tmp_path, store_copy):
    from bot.alerts import figure_keys

    # What a bot stopped in the middle of sending leaves behind: one alert still queued.
    store = AlertStore(tmp_path / "state.db")
    store.subscribe(NINO["id"], "en")
    store.record(set(figure_keys(store_copy)), {"en": "New: (left over)", "fr": "Nouveau"})
    store.close()
    async with running(real_bot(api, tmp_path, store_copy)):
        [text] = await api.wait_messages(NINO["id"], 1)
    assert text == "New: (left over)"
    assert alerts_pending(tmp_path) == []
