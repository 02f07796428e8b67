"""`returnbot health` reading a heartbeat: every verdict, one line each.

The same check against a real running bot (polling and webhook, running / stopped / store
missing) is in tests/telegram/test_tg_health.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace

import pytest

from bot.cli import main
from bot.health import MAX_SILENCE, Beat, check, heartbeat_path, read_beat, write_beat

NOW = 1_800_000_000.0


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "returnbot.db"
    path.write_bytes(b"store")
    return path


def beat(store, **changes) -> Beat:
    alive = Beat(pid=os.getpid(), host=socket.gethostname(), mode="polling", store=str(store),
                 store_loaded=True, last_contact=NOW - 3, written=NOW - 1)
    return replace(alive, **changes)


def verdict(tmp_path, the_beat: Beat | None, **kwargs):
    state = tmp_path / "state.db"
    if the_beat is not None:
        write_beat(heartbeat_path(state), the_beat)
    return check(state, now=NOW, **kwargs)


def test_a_bot_that_polled_recently_with_its_store_is_healthy(tmp_path, store):
    result = verdict(tmp_path, beat(store))
    assert result.healthy and result.reason.startswith("ok: polled 3 s ago")


@pytest.mark.parametrize(("changes", "reason"), [
    ({"stopped": True}, "not running: the bot stopped"),
    ({"store_loaded": False}, "store not loaded"),
    ({"last_contact": 0.0}, "no poll answered yet"),
    ({"last_contact": NOW - MAX_SILENCE - 30}, "no poll answered for 120 s"),
])
def test_an_unhealthy_bot_is_named_in_one_line(tmp_path, store, changes, reason):
    result = verdict(tmp_path, beat(store, **changes))
    assert not result.healthy and result.reason.startswith(reason)
    assert "\n" not in result.reason


def test_no_heartbeat_means_not_running(tmp_path):
    result = verdict(tmp_path, None)
    assert not result.healthy and result.reason.startswith("not running: no heartbeat")


def test_a_killed_bot_is_noticed_before_its_silence_runs_out(tmp_path, store):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    result = verdict(tmp_path, beat(store, pid=int(gone.stdout)))
    assert not result.healthy and "is gone" in result.reason


def test_a_bot_on_another_host_is_judged_by_its_heartbeat_alone(tmp_path, store):
    # Another container sharing the volume: its process ids mean nothing here.
    assert verdict(tmp_path, beat(store, pid=999_999_999, host="elsewhere")).healthy


def test_a_deleted_store_is_reported(tmp_path, store):
    the_beat = beat(store)
    store.unlink()
    result = verdict(tmp_path, the_beat)
    assert not result.healthy and result.reason == f"store missing: {store}"


def test_webhook_mode_asks_the_webhook_server_instead_of_counting_silence(tmp_path, store):
    quiet = beat(store, mode="webhook", webhook_port=8443, last_contact=0.0)
    asked = []

    def answering(host, port):
        asked.append((host, port))
        return True

    assert verdict(tmp_path, quiet, webhook_probe=answering).healthy
    assert verdict(tmp_path, replace(quiet, webhook_listen="10.0.0.7"),
                   webhook_probe=answering).healthy
    assert asked == [("127.0.0.1", 8443), ("10.0.0.7", 8443)]
    result = verdict(tmp_path, quiet, webhook_probe=lambda host, port: False)
    assert not result.healthy and "does not answer /healthz" in result.reason


def test_a_half_written_heartbeat_reads_as_none(tmp_path):
    path = tmp_path / "returnbot-health.json"
    path.write_text('{"pid": 1, "mo')
    assert read_beat(path) is None


def test_returnbot_health_prints_the_reason_and_exits_1(tmp_path, capsys):
    assert main(["health", "--state", str(tmp_path / "state.db")]) == 1
    assert capsys.readouterr().out.startswith("not running: no heartbeat")
