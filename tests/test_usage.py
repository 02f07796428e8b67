"""Anonymous usage counts: what is counted, write-behind, suppression, retention, `returnbot stats`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import stats
from bot.answer import Answer
from bot.cli import main
from bot.usage import TABLES, Recorder, asked_figure, cell_of

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 28)


def answer(status="answered", query=None, language="en", topic=None) -> Answer:
    return Answer(question="secret words", language=language, status=status, query=query,
                  text="some text", topic=topic)


GEORGIA_2023 = answer("partial", {"kind": "by_country", "year": 2023, "country": "GE",
                                  "series": "fedasil"})


def rows(path: Path, table: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3, 4, 5").fetchall()
    finally:
        db.close()


def test_a_cell_carries_whatever_kind_and_status_the_answer_has():
    # A question kind added later (premiums) and an ask-back are counted as they come.
    assert cell_of(answer("clarify", {"kind": "premiums", "year": 2024}), "web", "2026-11-28") == (
        "2026-11-28", "web", "en", "premiums", "", "clarify")
    assert cell_of(answer("not_understood"), "cli", "d")[3:] == ("", "", "not_understood")
    assert cell_of(answer("info", {"kind": "info", "topic": "how_to_apply"}, "ka",
                          "how_to_apply"), "telegram", "d")[2:5] == ("ka", "info", "how_to_apply")


@pytest.mark.parametrize(("query", "expected"), [
    ({"kind": "by_country", "year": 2023, "country": "GE"}, ("returns_by_country", "GE", 2023)),
    ({"kind": "total", "year": 2009}, ("returns_total", "", 2009)),
    ({"kind": "reintegration", "year": 2015, "measure": "count"}, ("reintegration_count", "", 2015)),
    ({"kind": "trend", "start": 2005, "end": 2008, "country": "MD"},
     ("returns_by_country", "MD", 2008)),
    ({"kind": "not_held", "year": 2024, "country": "SY"}, ("not_held", "SY", 2024)),
])
def test_the_figure_asked_for_is_named_by_store_indicator_country_and_year(query, expected):
    wanted = asked_figure(answer("no_data", query), "2026-11-28")
    assert wanted is not None and wanted[1:4] == expected


def test_only_partial_and_no_data_answers_name_a_missing_figure():
    query = {"kind": "total", "year": 2023}
    assert asked_figure(answer("answered", query), "d") is None
    assert asked_figure(answer("no_data", None), "d") is None


def test_counting_writes_nothing_until_the_sums_are_written_behind(tmp_path):
    path = tmp_path / "state.db"
    recorder = Recorder(path, flush_seconds=3600, today=lambda: TODAY)
    for _ in range(3):
        recorder.count(GEORGIA_2023, "telegram")
    recorder.count(answer("answered", {"kind": "total", "year": 2023}, "nl"), "cli")
    assert not path.exists()  # the answer path did no I/O
    recorder.flush()
    assert rows(path, "usage_count") == [
        ("2026-11-28", "cli", "nl", "total", "", "answered", 1),
        ("2026-11-28", "telegram", "en", "by_country", "", "partial", 3),
    ]
    assert rows(path, "usage_unpublished") == [
        ("2026-11-28", "returns_by_country", "GE", 2023, "partial", 3)]
    db = sqlite3.connect(path)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert tables == set(TABLES)  # nothing else is written
    recorder.count(GEORGIA_2023, "telegram")
    recorder.close()  # adds to the same cell
    assert rows(path, "usage_unpublished")[0][-1] == 4


def test_a_killed_process_keeps_the_counts_written_before_the_kill(tmp_path):
    path = tmp_path / "state.db"
    script = (
        "import sys, time\n"
        "from bot.answer import Answer\nfrom bot.usage import Recorder\n"
        f"r = Recorder({str(path)!r}, flush_seconds=0.2)\n"
        "a = Answer(question='q', language='en', status='no_data', text='t',"
        " query={'kind': 'families', 'year': 2015})\n"
        "for _ in range(7): r.count(a, 'cli')\n"
        "print('counted', flush=True)\ntime.sleep(60)\n")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "counted\n"
        deadline = time.monotonic() + 20
        while not (path.exists() and _total(path) == 7):
            assert time.monotonic() < deadline, "the counts were never written behind"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert rows(path, "usage_unpublished")[0][1:] == ("families_share", "", 2015, "no_data", 7)


def _total(path: Path) -> int:
    try:
        return sum(r[-1] for r in rows(path, "usage_count"))
    except sqlite3.OperationalError:
        return 0


def test_a_disk_that_fails_keeps_the_counts_for_later_and_never_raises(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    recorder = Recorder(blocker / "state.db", flush_seconds=3600)
    recorder.count(GEORGIA_2023, "telegram")
    recorder.flush()
    assert "usage counts not written yet" in caplog.text
    blocker.unlink()
    recorder.close()  # the folder can be made now: the kept count arrives
    assert rows(blocker / "state.db", "usage_count")[0][-1] == 1


def test_counting_switched_off_stores_nothing(tmp_path):
    recorder = Recorder(tmp_path / "state.db", enabled=False)
    recorder.count(GEORGIA_2023, "telegram")
    recorder.close()
    assert not (tmp_path / "state.db").exists()


def test_days_past_the_retention_period_are_deleted(tmp_path):
    path = tmp_path / "state.db"
    day = [TODAY - timedelta(days=401)]
    recorder = Recorder(path, retention_days=400, flush_seconds=3600, today=lambda: day[0])
    recorder.count(GEORGIA_2023, "telegram")
    recorder.flush()
    day[0] = TODAY - timedelta(days=400)  # exactly at the limit: kept
    recorder.count(GEORGIA_2023, "cli")
    recorder.flush()
    assert len(rows(path, "usage_count")) == 2
    day[0] = TODAY  # a new day: the oldest day falls out of both tables
    recorder.count(answer("answered", {"kind": "total", "year": 2023}), "cli")
    recorder.close()
    kept_days = {r[0] for table in TABLES for r in rows(path, table)}
    assert kept_days == {"2025-10-24", "2026-11-28"}


@pytest.mark.parametrize(("n", "expected"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (41, 41)])
def test_counts_under_five_are_suppressed(n, expected):
    assert stats.shown(n) == expected


def _recorded(tmp_path: Path, answers: list[tuple[Answer, str]], day: date = TODAY) -> Path:
    path = tmp_path / "state.db"
    recorder = Recorder(path, today=lambda: day)
    for a, channel in answers:
        recorder.count(a, channel)
    recorder.close()
    return path


def test_every_count_shown_is_suppressed_in_json_csv_and_table(tmp_path):
    path = _recorded(tmp_path, [(GEORGIA_2023, "telegram")] * 6 + [
        (answer("partial", GEORGIA_2023.query, "ka"), "telegram"),
        (answer("not_understood", None, "ar"), "cli"),
    ])
    summary = stats.summarize(path, 30, TODAY)
    data = stats.as_json(summary)
    assert data["questions"] == 8
    assert data["language"] == {"en": 6, "ar": "<5", "ka": "<5"}
    assert data["channel"] == {"telegram": 7, "cli": "<5"}
    assert data["unanswered"] == {"by_country": 7, "not_understood": "<5"}
    assert data["unpublished"] == [
        {"indicator": "returns_by_country", "country": "GE", "year": 2023, "count": 7}]
    numbers = [c["count"] for c in data["cells"]]
    assert numbers == [6, "<5", "<5"]
    csv_text = stats.as_csv(summary)
    assert "telegram,ka,by_country,,partial,<5" in csv_text and ",1\n" not in csv_text
    table = stats.as_table(summary)
    assert "ka" in table and " 1\n" not in table and "<5" in table


def test_the_period_covers_the_last_n_days_only(tmp_path):
    path = _recorded(tmp_path, [(GEORGIA_2023, "cli")] * 5, day=TODAY - timedelta(days=30))
    assert stats.summarize(path, 31, TODAY).questions == 5
    assert stats.summarize(path, 30, TODAY).questions == 0


def test_a_figure_imported_since_is_no_longer_listed_as_unpublished(tmp_path, store_path):
    published = answer("no_data", {"kind": "total", "year": 2023})  # 2,952 is in the store
    path = _recorded(tmp_path, [(GEORGIA_2023, "cli"), (published, "cli")])
    labels = [stats.figure_label(f) for f in stats.summarize(path, 30, TODAY, store_path).unpublished]
    assert labels == ["returns_by_country GE 2023"]


def test_stats_of_a_bot_that_never_counted_is_empty(tmp_path, capsys):
    assert main(["stats", "--format", "json", "--state", str(tmp_path / "none.db")]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 0


def test_returnbot_ask_and_chat_are_counted_as_the_cli_channel(tmp_path, store_path):
    env = {"PATH": os.environ["PATH"], "RETURNBOT_DB_PATH": str(store_path),
           "RETURNBOT_STATE_PATH": str(tmp_path / "state.db")}

    def returnbot(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    returnbot("ask", "How many people returned to Georgia in 2023?")
    returnbot("ask", "--json", "-", stdin="Hoeveel mensen keerden terug naar Georgië in 2023?\n" * 3)
    returnbot("chat", stdin="Combien de personnes sont retournées en Géorgie en 2023 ?\nasdf\n")
    data = json.loads(returnbot("stats", "--format", "json"))
    assert data["channel"] == {"cli": 6}
    assert data["kind"] == {"by_country": 5}
    assert data["status"] == {"partial": 5, "not_understood": "<5"}
    assert returnbot("stats", "--unpublished").strip() == "returns_by_country GE 2023: 5 questions"
    assert json.loads(returnbot("stats", "--unpublished", "--format", "json")) == [
        {"indicator": "returns_by_country", "country": "GE", "year": 2023, "count": 5}]
    assert b"Georgi" not in (tmp_path / "state.db").read_bytes()


def test_a_failing_count_is_logged_and_never_reaches_the_asker(tmp_path, caplog):
    def broken_clock() -> date:
        raise RuntimeError("clock")

    Recorder(tmp_path / "state.db", today=broken_clock).count(GEORGIA_2023, "web")
    assert "could not count an answer" in caplog.text


def test_invalid_settings_switch_counting_off_instead_of_failing_the_answer(
    tmp_path, monkeypatch, caplog
):
    # The CLI refuses malformed settings up front; a channel that counts through
    # `usage.count` without reading them (the web page) must still answer.
    from bot import usage

    monkeypatch.setenv("RETURNBOT_STATE_PATH", str(tmp_path / "state.db"))
    monkeypatch.setenv("RETURNBOT_USAGE_RETENTION_DAYS", "0")
    recorder = usage._recorder_from_environment()
    recorder.count(GEORGIA_2023, "web")
    recorder.close()
    assert not recorder.enabled and "usage counting is off" in caplog.text
    assert not (tmp_path / "state.db").exists()


def test_the_web_page_counts_its_answers_as_the_web_channel(tmp_path, monkeypatch, engine):
    from bot import usage
    from bot.web.pages import Pages

    recorder = Recorder(tmp_path / "state.db", flush_seconds=3600, today=lambda: TODAY)
    monkeypatch.setattr(usage, "_process_recorder", recorder)
    pages = Pages(engine, "returnbot")
    assert pages.ask_json({"q": "How many people returned to Georgia in 2023?"}).status == 200
    recorder.close()
    assert rows(tmp_path / "state.db", "usage_count") == [
        ("2026-11-28", "web", "en", "by_country", "", "partial", 1)]
