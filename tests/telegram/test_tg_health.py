"""`returnbot health` against a real bot: running, store missing, stopped, killed; GET /healthz."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import make_settings, running
from test_tg_process import ROOT, free_port, start_bot, stop

from bot.cli import main
from bot.health import heartbeat_path, read_beat
from bot.telegram.app import build_application


def health(capsys, state_path) -> tuple[int, str]:
    code = main(["health", "--state", str(state_path)])
    return code, capsys.readouterr().out.strip()


def health_process(state_path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETURNBOT_", "TELEGRAM_"))}
    env["RETURNBOT_STATE_PATH"] = str(state_path)
    done = subprocess.run([sys.executable, "-m", "bot", "health"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout.strip()


def polled(state_path) -> bool:
    beat = read_beat(heartbeat_path(state_path))
    return beat is not None and beat.last_contact > 0


async def test_health_is_ok_while_polling_then_store_missing_then_stopped(
    api, tmp_path, store_path, capsys
):
    store = tmp_path / "store.db"
    shutil.copy(store_path, store)
    settings = make_settings(api, tmp_path, db_path=store)
    async with running(build_application(settings)):
        await api.wait_for(lambda: polled(settings.state_path), what="a heartbeat after a poll")
        code, line = health(capsys, settings.state_path)
        assert code == 0 and line.startswith("ok: polled"), line
        store.unlink()  # the volume lost the store: a restart would fail
        assert health(capsys, settings.state_path) == (1, f"store missing: {store}")
    code, line = health(capsys, settings.state_path)
    assert code == 1 and line.startswith("not running: the bot stopped")


async def test_a_killed_bot_process_is_reported_as_gone(api, tmp_path, store_path):
    process = start_bot(api, tmp_path, store_path)
    state = tmp_path / "st.db"
    try:
        await api.wait_for(lambda: polled(state), timeout=30, what="a heartbeat after a poll")
        code, line = health_process(state)
        assert code == 0, line
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    code, line = health_process(state)
    assert code == 1 and line == f"not running: process {process.pid} is gone"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


async def test_webhook_mode_answers_get_healthz_and_health_asks_it(api, tmp_path, store_path):
    port = free_port()
    process = start_bot(
        api, tmp_path, store_path, RETURNBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        RETURNBOT_WEBHOOK_PORT=str(port), RETURNBOT_WEBHOOK_LISTEN="127.0.0.1",
        RETURNBOT_WEBHOOK_SECRET="s3cret-token")
    state = tmp_path / "st.db"
    try:
        deadline = time.monotonic() + 30
        while True:  # the route is added once the webhook server runs
            try:
                answer = get(f"http://127.0.0.1:{port}/healthz")
                if answer[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, "GET /healthz never answered"
            time.sleep(0.1)
        assert answer == (200, "ok\n")
        code, line = health_process(state)
        assert (code, line) == (0, f"ok: webhook server answers /healthz on port {port}")
    finally:
        output = stop(process)
    assert "webhook mode" in output
    code, line = health_process(state)
    assert code == 1 and line.startswith("not running: the bot stopped")
