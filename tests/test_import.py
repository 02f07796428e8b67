"""`returnbot db import`: refused imports leave the store byte for byte; accepted ones answer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from bot.build import write
from bot.datafiles import IMPORT_COLUMNS
from bot.engine import Engine
from bot.errors import DataError
from bot.imports import import_csv

HEADER = ",".join(IMPORT_COLUMNS)
SOURCE = ("https://example.org/fedasil-annual-report-2023.pdf,Fedasil,Annual report 2023 "
          "(test),2024-06-30,en,Table 4")
GEORGIA = f"returns_by_country,2023,GE,,812,persons,exact,{SOURCE}"


@pytest.fixture
def store_copy(tmp_path, store_path):
    target = tmp_path / "store.db"
    shutil.copyfile(store_path, target)
    return target


def _csv(tmp_path, *rows, name="report.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _returnbot(*args, env_db=None):
    env = {"PATH": "/usr/bin:/bin"}
    if env_db:
        env["RETURNBOT_DB_PATH"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_a_csv_with_a_bad_value_is_refused_naming_its_line_and_the_store_is_unchanged(
        tmp_path, store_copy):
    bad = _csv(tmp_path, GEORGIA, f"returns_by_country,2023,MD,,lots,persons,exact,{SOURCE}",
               f"returns_by_country,2023,XX,,10,persons,exact,{SOURCE}")
    before = store_copy.read_bytes()
    done = _returnbot("db", "import", str(bad), "--db", str(store_copy),
                      "--keep", str(tmp_path / "kept"))
    assert done.returncode != 0
    assert "report.csv:3: value:" in done.stderr
    assert "report.csv:4: country_iso2:" in done.stderr
    assert "Traceback" not in done.stderr
    assert store_copy.read_bytes() == before
    assert not (tmp_path / "kept").exists()


def test_a_csv_with_the_wrong_columns_is_refused(tmp_path, store_copy):
    path = tmp_path / "wrong.csv"
    path.write_text("country,value\nGE,812\n", encoding="utf-8")
    with pytest.raises(DataError, match="wrong.csv:1: header: expected the columns"):
        import_csv(path, store_copy, tmp_path / "kept")


def test_an_accepted_import_is_answered_at_once_with_its_source(tmp_path, store_copy):
    good = _csv(tmp_path, GEORGIA)
    done = _returnbot("db", "import", str(good), "--db", str(store_copy),
                      "--keep", str(tmp_path / "kept"))
    assert done.returncode == 0, done.stderr
    asked = _returnbot("ask", "--json", "How many returned to Georgia in 2023?",
                       env_db=store_copy)
    answer = json.loads(asked.stdout)
    assert answer["status"] == "answered"
    assert answer["facts"][0]["value"] == 812
    assert answer["facts"][0]["source"]["url"] == "https://example.org/fedasil-annual-report-2023.pdf"
    assert (tmp_path / "kept" / "report.csv").exists()


def test_imported_figures_survive_a_rebuild_from_the_imports_folder(tmp_path):
    data = tmp_path / "data"
    from bot.datafiles import DATA_DIR

    shutil.copytree(DATA_DIR, data)
    _csv(data / "imports", GEORGIA) if (data / "imports").exists() else None
    (data / "imports").mkdir(exist_ok=True)
    _csv(data / "imports", GEORGIA)
    write(tmp_path / "rebuilt.db", data)
    answer = Engine(tmp_path / "rebuilt.db").ask("How many returned to Georgia in 2023?")
    assert answer.facts[0].value == 812


def test_an_import_killed_midway_leaves_the_store_unchanged_and_usable(tmp_path, store_copy):
    import os
    import signal
    import time

    rows = [f"returns_by_country,{2000 + i % 26},GE,,{i},persons,exact,"
            f"https://example.org/big.pdf,Fedasil,Big report,2024-06-30,en,row {i}"
            for i in range(10_000)]
    big = _csv(tmp_path, *rows, name="big.csv")
    before = store_copy.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "db", "import", str(big), "--db",
                             str(store_copy), "--keep", str(tmp_path / "kept")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={"PATH": "/usr/bin:/bin"})
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".returnbot-*.db")) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # killed while writing the new store
    proc.wait()
    assert store_copy.read_bytes() == before
    answer = Engine(store_copy).ask("How many returned to Georgia in 2023?")
    assert answer.status == "partial"
    # The next build clears what the killed one left behind.
    write(tmp_path / "other.db")
    import_csv(_csv(tmp_path, GEORGIA), store_copy, tmp_path / "kept")
    assert not list(tmp_path.glob(".returnbot-*.db"))


def test_a_running_engine_answers_an_import_without_a_restart(tmp_path, store_copy):
    engine = Engine(store_copy)
    engine.reload_check_seconds = 0  # look at the file on every question
    assert engine.ask("How many returned to Georgia in 2023?").status == "partial"
    import_csv(_csv(tmp_path, GEORGIA), store_copy, tmp_path / "kept")
    answer = engine.ask("How many returned to Georgia in 2023?")
    assert answer.status == "answered" and answer.facts[0].value == 812
