"""`returnbot run` as a real process: polling and webhook modes, SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fakeapi import TOKEN, FakeBotAPI, Fault

ROOT = Path(__file__).resolve().parents[2]
ALICE = FakeBotAPI.user(7001, "en")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_bot(api: FakeBotAPI, tmp_path: Path, store_path: Path, **extra: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETURNBOT_", "TELEGRAM_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
        "RETURNBOT_DB_PATH": str(store_path), "RETURNBOT_STATE_PATH": str(tmp_path / "st.db"),
        "RETURNBOT_RETRY_BASE_DELAY": "0.05", "RETURNBOT_LOG_LEVEL": "DEBUG", **extra,
    })
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError("the bot did not stop on SIGTERM:\n" + output) from None
    assert process.returncode == 0, output
    return output


async def test_polling_process_answers_and_finishes_in_flight_answers_on_sigterm(
    api, tmp_path, store_path
):
    process = start_bot(api, tmp_path, store_path)
    try:
        await api.wait_for(lambda: api.calls_to("getUpdates", ok=False), timeout=20, what="polling")
        api.say(ALICE, "How many people returned in 2023?")
        [text] = await api.wait_messages(ALICE["id"], 1)
        assert "2,952" in text
        # An answer still being retried when SIGTERM arrives is delivered before exit.
        api.inject(Fault("sendMessage", "retry_after", retry_after=1.0))
        api.say(ALICE, "and in 2022?")
        await api.wait_for(lambda: api.calls_to("sendMessage", ok=False)[1:], what="429")
    finally:
        output = stop(process)
    assert len(api.chat_messages(ALICE["id"])) == 2
    assert "polling mode" in output and "stopped" in output
    # DEBUG level, yet neither the question nor the user id reached the logs.
    assert "returned in 2023" not in output and str(ALICE["id"]) not in output
    assert TOKEN not in output


async def test_webhook_process_accepts_only_calls_with_the_secret(api, tmp_path, store_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    process = start_bot(
        api, tmp_path, store_path, RETURNBOT_WEBHOOK_URL=url, RETURNBOT_WEBHOOK_PORT=str(port),
        RETURNBOT_WEBHOOK_LISTEN="127.0.0.1", RETURNBOT_WEBHOOK_SECRET="s3cret-token",
    )
    try:
        await api.wait_for(lambda: api.webhook, timeout=20, what="setWebhook")
        assert api.webhook["url"] == url and api.webhook["secret_token"] == "s3cret-token"
        update = {"update_id": 1, **api.message(ALICE, "How many people returned in 2023?")}

        def post(secret: str) -> int:
            request = urllib.request.Request(
                url, data=json.dumps(update).encode(), method="POST",
                headers={"Content-Type": "application/json",
                         "X-Telegram-Bot-Api-Secret-Token": secret})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return error.code

        deadline = time.monotonic() + 10
        while True:  # the webhook server starts just after setWebhook
            try:
                assert post("wrong") == 403
                break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert post("s3cret-token") == 200
        [text] = await api.wait_messages(ALICE["id"], 1)
        assert "2,952" in text
    finally:
        output = stop(process)
    assert "webhook mode" in output


@pytest.mark.parametrize("missing", ["TELEGRAM_BOT_TOKEN"])
def test_build_application_requires_a_token(missing, tmp_path):
    from bot.errors import ConfigError
    from bot.settings import Settings
    from bot.telegram.app import build_application

    with pytest.raises(ConfigError):
        build_application(Settings(db_path=tmp_path / "x.db"))
