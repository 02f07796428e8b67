"""Bad files and bad responses do not stop the bot: state, store, JSON, HTML, webhook secret."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import make_settings, running
from fakeapi import FakeBotAPI, Fault
from fakeengine import FakeEngine
from test_tg_process import ROOT

from bot.errors import ConfigError
from bot.telegram.app import build_application, run
from bot.telegram.services import services_of
from bot.telegram.state import StateStore

ALICE = FakeBotAPI.user(6001, "en")
DAN = FakeBotAPI.user(6002, "fr")
USERS = [FakeBotAPI.user(6100 + i, "en") for i in range(3)]


def file_language(path, user_id: int) -> str | None:
    """Read a language choice from the state file itself, as the next process would."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT language FROM user_language WHERE user_id = ?",
                         (user_id,)).fetchone()
    finally:
        db.close()
    return row[0] if row else None


def a_state_file_with_a_choice(path) -> None:
    state = StateStore(path)
    state.set_language(ALICE["id"], "nl")
    state.close()


# -- state ---------------------------------------------------------------------------------


async def test_a_language_choice_reaches_the_file_while_questions_wait_for_the_engine(
    api, tmp_path
):
    engine = FakeEngine()
    engine.gate.clear()  # questions pile up on the engine's thread
    settings = make_settings(api, tmp_path)
    async with running(build_application(settings, engine)):
        for user in USERS:
            api.say(user, "How many people returned in 2023?")
        await api.wait_for(lambda: engine.asked, what="a question at the engine")
        api.say(DAN, "/language")
        [menu] = await api.wait_for(lambda: api.chat_messages(DAN["id"]), what="the menu")
        api.press(DAN, menu, "Deutsch")
        await api.wait_for(lambda: file_language(settings.state_path, DAN["id"]) == "de",
                           what="the choice in the file")
        assert not any(api.chat_messages(u["id"]) for u in USERS)  # still waiting
        engine.gate.set()
        for user in USERS:
            await api.wait_messages(user["id"], 1)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty-but-for-a-header"])
def test_an_unreadable_state_file_is_moved_aside_and_a_new_one_started(tmp_path, damage, caplog):
    path = tmp_path / "state.db"
    a_state_file_with_a_choice(path)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 3], "garbage": os.urandom(9000),
                      "empty-but-for-a-header": data[:100]}[damage])
    state = StateStore(path)
    state.set_language(DAN["id"], "fr")
    state.close()
    [aside] = tmp_path.glob("state.db.corrupt-*[0-9]")
    assert aside.read_bytes()[:100] == path.read_bytes()[:100] or damage != "truncated"
    assert file_language(path, DAN["id"]) == "fr"
    assert "cannot be read" in caplog.text and str(aside) in caplog.text


async def test_the_bot_starts_and_answers_with_a_garbage_state_file(api, tmp_path, caplog):
    settings = make_settings(api, tmp_path)
    settings.state_path.write_bytes(b"this is not a database" * 100)
    async with running(build_application(settings, FakeEngine())):
        api.say(ALICE, "How many people returned in 2023?")
        [text] = await api.wait_messages(ALICE["id"], 1)
    assert text.startswith("[en] In 2023")
    assert list(tmp_path.glob("state.db.corrupt-*"))
    assert "moved it to" in caplog.text


async def test_a_state_file_deleted_while_running_is_written_again(api, tmp_path, caplog):
    settings = make_settings(api, tmp_path)
    async with running(build_application(settings, FakeEngine())) as app:
        services = services_of(app.bot_data)
        services.state.set_language(ALICE["id"], "nl")
        await services.flush()
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"state.db{suffix}").unlink(missing_ok=True)
        services.state.set_language(DAN["id"], "fr")
        await services.flush()
        assert file_language(settings.state_path, ALICE["id"]) == "nl"  # from memory
        assert file_language(settings.state_path, DAN["id"]) == "fr"
    assert "was deleted or replaced" in caplog.text


# -- store ---------------------------------------------------------------------------------


def replace_atomically(source, target) -> None:
    temporary = target.with_suffix(".new")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def wrong_schema_store(path) -> None:
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE publications (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE figures (id INTEGER PRIMARY KEY, what TEXT);
        CREATE TABLE figure_sources (figure_id INTEGER, publication_id INTEGER);
        CREATE TABLE aliases (alias TEXT, country TEXT, language TEXT);
        CREATE TABLE cues (phrase TEXT, category TEXT, value TEXT, language TEXT);
        CREATE TABLE content (topic TEXT);
        INSERT INTO publications VALUES (1, 'x');
    """)
    db.commit()
    db.close()


@pytest.fixture
def live_store(tmp_path, store_path):
    from bot.engine import Engine

    store = tmp_path / "store.db"
    shutil.copyfile(store_path, store)
    Engine.reload_check_seconds = 0  # look at the file on every question
    yield store
    Engine.reload_check_seconds = 2.0


@pytest.mark.parametrize("bad", ["garbage", "wrong-schema", "empty-database"])
async def test_a_bad_store_replacing_the_good_one_is_logged_and_the_good_one_kept(
    api, tmp_path, live_store, bad, caplog
):
    bad_file = tmp_path / "bad.db"
    if bad == "garbage":
        bad_file.write_bytes(os.urandom(50_000))
    elif bad == "wrong-schema":
        wrong_schema_store(bad_file)
    else:
        sqlite3.connect(bad_file).close()
    settings = make_settings(api, tmp_path, db_path=live_store)
    async with running(build_application(settings)):
        replace_atomically(bad_file, live_store)
        for year in (2023, 2022, 2021):
            api.say(ALICE, f"How many people returned in {year}?")
        texts = await api.wait_messages(ALICE["id"], 3)
    assert ["2,952" in texts[0], "2,673" in texts[1], "Fedasil" in texts[2]] == [True] * 3
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    [engine_error] = [r for r in errors if r.name == "bot.engine"]
    assert "keeping the loaded store" in engine_error.getMessage()
    assert not [r for r in errors if r.name == "bot.telegram.handlers"]  # no update failed


async def test_sources_lists_the_publications_of_a_reloaded_store(
    api, tmp_path, live_store, caplog
):
    caplog.set_level(logging.INFO, logger="bot.engine")
    settings = make_settings(api, tmp_path, db_path=live_store)
    async with running(build_application(settings)):
        api.say(ALICE, "/sources")
        [before] = await api.wait_messages(ALICE["id"], 1)
        renamed = tmp_path / "renamed.db"
        shutil.copyfile(live_store, renamed)
        db = sqlite3.connect(renamed)
        db.execute("UPDATE publications SET title = 'Renamed release ' || id")
        db.commit()
        db.close()
        replace_atomically(renamed, live_store)
        api.say(ALICE, "/sources")
        after = (await api.wait_messages(ALICE["id"], 2))[1]
    assert "Renamed release" not in before and "Renamed release" in after
    assert "store reloaded" in caplog.text


# -- responses and HTML --------------------------------------------------------------------


async def test_a_200_response_that_is_not_json_is_retried(bot, api, caplog):
    api.inject(Fault("sendMessage", "bad_json"))
    api.say(ALICE, "How many people returned in 2023?")
    texts = await api.wait_messages(ALICE["id"], 2)
    # The broken response came after the message took effect: sent again, at least once.
    assert texts[0] == texts[1] and texts[0].startswith("[en] In 2023")
    assert "may have been delivered" in caplog.text
    assert "returned in 2023" not in caplog.text  # PTB's log of the body is cut


def long_sources_store(path, count: int = 60) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE publications (publisher TEXT, title TEXT, url TEXT, "
                "published TEXT, reliability TEXT)")
    rows = [("Fedasil & IOM", f"Release {i} <annual> " + "figures & notes " * 12,
             f"https://example.org/{i}?a=1&b=2", f"2024-01-{1 + i % 28:02d}")
            for i in range(count)]
    # A parliamentary answer's title can be a whole paragraph: longer than a message.
    rows.append(("Chamber", "Written question " + "on voluntary return " * 300,
                 "https://example.org/q", "2024-02-01"))
    db.executemany("INSERT INTO publications VALUES (?, ?, ?, ?, 'official')", rows)
    db.commit()
    db.close()


async def test_a_long_sources_reply_is_split_between_links_only(api, tmp_path):
    store = tmp_path / "sources.db"
    long_sources_store(store)
    settings = make_settings(api, tmp_path, db_path=store)
    async with running(build_application(settings, FakeEngine())):
        api.say(ALICE, "/sources")
        await api.wait_for(lambda: len(api.chat_messages(ALICE["id"])) >= 2, what="2 parts")
        await api.wait_for(lambda: not [c for c in api.calls if c.status is None],
                           what="no request in flight")
    # The fake server refuses unbalanced HTML like Telegram: every part went through.
    parts = api.calls_to("sendMessage", ALICE["id"], ok=False)
    assert len(parts) >= 2 and all(c.status == 200 for c in parts)
    # Every part is HTML (else the user sees the tags), and the long title was shortened.
    assert all(c.params.get("parse_mode") == "HTML" for c in parts)
    assert all(c.params["text"].count("<a ") == c.params["text"].count("</a>") for c in parts)
    assert sum(c.params["text"].count("</a>") for c in parts) == 15  # the 15 newest


def test_split_lines_never_cuts_a_line_and_fills_each_part():
    from bot.telegram.sending import split_lines

    lines = [f"<b>{i}</b> " + "x" * (i % 50) for i in range(400)]
    parts = split_lines(lines, limit=500)
    assert "\n".join(parts).split("\n") == lines
    assert all(len(p) <= 500 for p in parts)
    # Greedy: the next part's first line would not have fitted in the part before it.
    pairs = zip(parts, parts[1:], strict=False)
    assert all(len(a) + 1 + len(b.split("\n")[0]) > 500 for a, b in pairs)


# -- webhook -------------------------------------------------------------------------------


def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path):
    from bot.settings import Settings

    settings = Settings(TELEGRAM_BOT_TOKEN="1:x", webhook_url="https://bot.example/telegram",
                        db_path=tmp_path / "x.db")
    with pytest.raises(ConfigError, match="RETURNBOT_WEBHOOK_SECRET"):
        run(settings)


def test_returnbot_run_in_webhook_mode_without_a_secret_says_so_in_one_line(tmp_path, store_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETURNBOT_", "TELEGRAM_"))}
    env.update({"TELEGRAM_BOT_TOKEN": "1:x", "RETURNBOT_DB_PATH": str(store_path),
                "RETURNBOT_STATE_PATH": str(tmp_path / "st.db"),
                "RETURNBOT_WEBHOOK_URL": "https://bot.example/telegram"})
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "RETURNBOT_WEBHOOK_SECRET" in done.stderr and "Traceback" not in done.stderr
