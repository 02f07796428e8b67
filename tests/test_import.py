"""`returnbot db import`: refused imports leave the store and the keep folder as they were, with
every problem at FILE:LINE; accepted ones are kept, then answered."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from itertools import product

import pytest
from babel import Locale

from bot import imports
from bot.build import write
from bot.countries import COUNTRY_CODES
from bot.datafiles import (
    DATA_DIR,
    IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    MAX_PRINTED_PROBLEMS,
    read_import_csv,
)
from bot.engine import Engine
from bot.errors import DataError
from bot.imports import import_csv

HEADER = ",".join(IMPORT_COLUMNS)
SOURCE = ("https://example.org/fedasil-annual-report-2023.pdf,Fedasil,Annual report 2023 "
          "(test),2024-06-30,en,Table 4")
GEORGIA = f"returns_by_country,2023,GE,,812,persons,exact,{SOURCE}"
MOLDOVA = f"returns_by_country,2023,MD,,345,persons,exact,{SOURCE}"
GEORGIA_2023 = "How many returned to Georgia in 2023?"
MOLDOVA_2023 = "How many returned to Moldova in 2023?"


@pytest.fixture
def store_copy(tmp_path, store_path):
    target = tmp_path / "store.db"
    shutil.copyfile(store_path, target)
    return target


def _csv(folder, *rows, name="report.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _row(indicator="returns_by_country", country="GE", value="812", unit="persons", profile=""):
    return f"{indicator},2023,{country},{profile},{value},{unit},exact,{SOURCE}"


def _returnbot(*args, env_db=None):
    env = {"PATH": "/usr/bin:/bin"}
    if env_db:
        env["RETURNBOT_DB_PATH"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def _import(csv_path, store, keep):
    return _returnbot("db", "import", str(csv_path), "--db", str(store), "--keep", str(keep))


def _problems(path):
    with pytest.raises(DataError) as refused:
        read_import_csv(path, {})
    return [str(p) for p in refused.value.problems]


def _folder(path):
    """Every file under a folder with its bytes (None when the folder does not exist)."""
    if not path.exists():
        return None
    return {p.relative_to(path): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# --- refused rows, each at FILE:LINE ------------------------------------------------------

def test_a_csv_with_a_bad_value_is_refused_naming_its_line_and_the_store_is_unchanged(
        tmp_path, store_copy):
    bad = _csv(tmp_path, GEORGIA, f"returns_by_country,2023,MD,,lots,persons,exact,{SOURCE}",
               f"returns_by_country,2023,XX,,10,persons,exact,{SOURCE}")
    before = store_copy.read_bytes()
    done = _import(bad, store_copy, tmp_path / "kept")
    assert done.returncode != 0
    assert "report.csv:3: value:" in done.stderr
    assert "report.csv:4: country_iso2:" in done.stderr
    assert "Traceback" not in done.stderr
    assert store_copy.read_bytes() == before
    assert not (tmp_path / "kept").exists()


@pytest.mark.parametrize(("row", "says"), [
    (_row(value="1e300"), "1e+300 is implausible: a number of persons is a whole number from 0 to 100,000"),
    (_row(value="100001"), "a number of persons is a whole number from 0 to 100,000"),
    (_row(value="-3"), "a number of persons is a whole number"),
    (_row(value="12.5"), "a number of persons is a whole number"),
    (_row(value="inf"), "finite number"),
    (_row(value="-inf"), "finite number"),
    (_row(value="nan"), "finite number"),
    (_row("share_by_profile", "", "101", "percent", "asylum_applicant"), "between 0 and 100"),
    (_row("share_by_profile", "", "-1", "percent", "asylum_applicant"), "between 0 and 100"),
    (_row("rank_by_country", value="0", unit="rank"), "a rank is a whole number from 1 to"),
    (_row("rank_by_country", value="300", unit="rank"), "a rank is a whole number from 1 to"),
    (_row("destination_countries_count", "", "0", "countries"), "a number of countries is"),
    (_row("destination_countries_count", "", "1000", "countries"), "a number of countries is"),
], ids=lambda v: v if len(v) < 40 else None)
def test_implausible_values_are_refused_at_their_line_per_unit(tmp_path, row, says):
    problems = _problems(_csv(tmp_path, GEORGIA, row))
    assert len(problems) == 1
    assert problems[0].startswith("report.csv:3: value: ")
    assert says in problems[0]


def test_the_plausible_extremes_of_each_unit_are_accepted(tmp_path):
    last = len(COUNTRY_CODES)
    path = _csv(tmp_path, _row(value="0"), _row(country="MD", value="100000"),
                _row("share_by_profile", "", "0", "percent", "asylum_applicant"),
                _row("share_by_profile", "", "100", "percent", "irregular_stay"),
                _row("rank_by_country", "AM", "1", "rank"),
                _row("rank_by_country", "AL", str(last), "rank"),
                _row("destination_countries_count", "", str(last), "countries"))
    _pubs, figures = read_import_csv(path, {})
    assert [f.value for f in figures] == [0, 100_000, 0, 100, 1, last, last]


def test_imports_accept_exactly_the_countries_that_answers_know(tmp_path):
    territories = sorted({c for c in Locale("en").territories if len(c) == 2 and c.isalpha()}
                         | {"XK"})
    rows = [_row(country=code, value=str(i)) for i, code in enumerate(territories)]
    refused = {territories[int(p.split(":")[1]) - 2] for p in _problems(_csv(tmp_path, *rows))}
    assert {"ZZ", "EU", "UN", "BE"} <= refused
    assert refused == set(territories) - set(COUNTRY_CODES)
    assert "XK" not in refused


def test_two_values_for_one_figure_from_one_source_are_refused_at_the_second_line(tmp_path):
    problems = _problems(_csv(tmp_path, GEORGIA, MOLDOVA, _row(value="813"), GEORGIA))
    assert problems == [
        "report.csv:4: value: 813 contradicts line 2, which gives 812 for the same figure "
        "from the same source",
        "report.csv:5: row: repeats line 2 (same figure, value and source)",
    ]


def test_a_figure_already_in_data_from_the_same_publication_is_refused_not_a_crash(
        tmp_path, store_copy):
    # The 2023 total of Fedasil's French press release, as data/figures.csv has it.
    url = "http://fedasil.be/fr/actualites/retour-volontaire/3000-retours-volontaires-en-2023"
    same = f"returns_total,2023,,,2952,persons,exact,{url},Fedasil,Rapport,2024-02-06,fr,p. 1"
    other = same.replace("2952", "2953")
    before = store_copy.read_bytes()
    done = _import(_csv(tmp_path, same, other), store_copy, tmp_path / "kept")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith("report.csv:2: row: repeats figures.csv:")
    assert lines[1].startswith("report.csv:3: value: 2953 contradicts figures.csv:")
    assert len(lines) == 2, done.stderr
    assert store_copy.read_bytes() == before


def test_a_committed_import_that_repeats_data_fails_the_build_at_its_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("imports"))
    _csv(data / "imports", GEORGIA, name="a.csv")
    _csv(data / "imports", MOLDOVA, GEORGIA, name="b.csv")
    with pytest.raises(DataError, match=r"^b.csv:3: row: repeats a.csv:2 "):
        write(tmp_path / "store.db", data)


# --- files as staff have them ---------------------------------------------------------------

def test_an_excel_csv_utf8_file_with_a_bom_is_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\r\n{GEORGIA}\r\n".encode())
    _pubs, figures = read_import_csv(path, {})
    assert [(f.country, f.value) for f in figures] == [("GE", 812)]


def test_empty_rows_below_the_table_are_skipped_and_lines_still_counted(tmp_path):
    empty = "," * (len(IMPORT_COLUMNS) - 1)
    problems = _problems(_csv(tmp_path, GEORGIA, empty, empty, _row(country="MD", value="x")))
    assert [p.split(": ")[0] for p in problems] == ["report.csv:5"]


def test_a_semicolon_separated_file_gets_a_hint(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(f"{HEADER}\n{GEORGIA}\n".replace(",", ";"), encoding="utf-8")
    [problem] = _problems(path)
    assert problem.startswith("excel.csv:1: header: the columns are separated by “;”, not “,”")


def test_wrong_columns_are_named(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text(HEADER.replace("country_iso2", "country") + "\n" + GEORGIA + "\n",
                    encoding="utf-8")
    [problem] = _problems(path)
    assert problem.startswith("wrong.csv:1: header: expected the columns indicator,year,")
    assert problem.endswith("; missing country_iso2; unexpected 'country'")


def test_latin1_text_is_reported_at_its_real_line_and_column(tmp_path):
    path = tmp_path / "latin1.csv"
    rows = [GEORGIA, MOLDOVA.replace("Annual report 2023", "Rapport année 2023")]
    path.write_bytes("\n".join([HEADER, *rows, ""]).encode("latin-1"))
    [problem] = _problems(path)
    assert problem.startswith("latin1.csv:3: source_title: not UTF-8 text: "
                              "'Rapport année 2023 (test)'; save it as “CSV UTF-8")


@pytest.mark.parametrize("content", [b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
                                     HEADER.encode("utf-16")], ids=["xlsx", "utf-16"])
def test_a_spreadsheet_or_utf16_file_is_refused_with_a_hint(tmp_path, content):
    path = tmp_path / "report.csv"
    path.write_bytes(content)
    [problem] = _problems(path)
    assert problem.startswith("report.csv:1: ")
    assert "save it as “CSV UTF-8" in problem


def test_a_file_over_the_row_limit_is_refused_at_the_first_row_too_many(tmp_path):
    rows = [_row(value=str(i % 1000)) for i in range(MAX_IMPORT_ROWS + 1)]
    assert _problems(_csv(tmp_path, *rows)) == [
        f"report.csv:{MAX_IMPORT_ROWS + 2}: file: more than 50,000 rows; split it into files "
        "of at most 50,000 rows"]


def test_a_file_full_of_errors_prints_the_first_ones_and_how_many_more(tmp_path, store_copy):
    path = _csv(tmp_path, *[_row(value="lots") for _ in range(1000)])
    done = _import(path, store_copy, tmp_path / "kept")
    lines = done.stderr.splitlines()
    assert done.returncode == 1
    assert len(lines) == MAX_PRINTED_PROBLEMS + 1
    assert lines[0].startswith("report.csv:2: value:")
    assert lines[-1] == f"report.csv: … and {1000 - MAX_PRINTED_PROBLEMS:,} more problems"


@pytest.mark.parametrize(("name", "says"), [
    ("missing.csv", "missing.csv: file: no such file"),
    ("folder.csv", "folder.csv: file: is a folder, not a CSV file"),
    ("report.txt", "report.txt: file: the name must end in .csv"),
])
def test_a_file_that_cannot_be_an_import_gets_one_line_and_no_traceback(
        tmp_path, store_copy, name, says):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "report.txt").write_text(f"{HEADER}\n{GEORGIA}\n", encoding="utf-8")
    done = _import(tmp_path / name, store_copy, tmp_path / "kept")
    assert done.returncode == 1
    assert done.stderr.startswith(says) and len(done.stderr.splitlines()) == 1, done.stderr


def test_a_store_path_that_cannot_exist_gets_one_line_and_no_traceback(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    done = _import(_csv(tmp_path, GEORGIA), tmp_path / "a-file" / "store.db", tmp_path / "kept")
    assert done.returncode == 1
    assert done.stderr.startswith("report.csv: store: cannot lock ")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert not (tmp_path / "kept").exists()


# --- the store changes only when the CSV is kept --------------------------------------------

def test_an_accepted_import_is_answered_at_once_with_its_source(tmp_path, store_copy):
    good = _csv(tmp_path, GEORGIA)
    done = _import(good, store_copy, tmp_path / "kept")
    assert done.returncode == 0, done.stderr
    asked = _returnbot("ask", "--json", GEORGIA_2023, env_db=store_copy)
    answer = json.loads(asked.stdout)
    assert answer["status"] == "answered"
    assert answer["facts"][0]["value"] == 812
    assert answer["facts"][0]["source"]["url"] == "https://example.org/fedasil-annual-report-2023.pdf"
    assert (tmp_path / "kept" / "report.csv").read_bytes() == good.read_bytes()


@pytest.mark.parametrize("earlier", [False, True], ids=["no-keep-folder", "keep-folder"])
def test_a_failing_copy_leaves_the_store_and_the_keep_folder_as_they_were(
        tmp_path, store_copy, monkeypatch, earlier):
    keep = tmp_path / "kept"
    if earlier:
        _csv(keep, MOLDOVA, name="earlier.csv")
    folder, store = _folder(keep), store_copy.read_bytes()

    def disk_full(source, target):
        target.write_bytes(source.read_bytes()[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(imports, "_copy", disk_full)
    with pytest.raises(DataError) as refused:
        import_csv(_csv(tmp_path, GEORGIA), store_copy, keep)
    assert str(refused.value) == (f"report.csv: keep: could not be copied into {keep} "
                                  "(No space left on device); nothing was imported")
    assert _folder(keep) == folder
    assert store_copy.read_bytes() == store
    assert not list(tmp_path.glob(".returnbot-*"))


def test_when_the_store_cannot_be_replaced_the_kept_copy_is_taken_back(tmp_path):
    keep, not_a_store = tmp_path / "kept", tmp_path / "store.db"
    _csv(keep, MOLDOVA, name="earlier.csv")
    not_a_store.mkdir()  # e.g. a wrong RETURNBOT_DB_PATH
    folder = _folder(keep)
    with pytest.raises(DataError, match=r"^report.csv: store: could not replace .*nothing was"):
        import_csv(_csv(tmp_path, GEORGIA), not_a_store, keep)
    assert _folder(keep) == folder
    assert not list(tmp_path.glob(".returnbot-*"))


def test_a_second_file_with_the_same_name_is_refused_and_the_first_stays(tmp_path, store_copy):
    keep = tmp_path / "kept"
    import_csv(_csv(tmp_path / "monday", GEORGIA), store_copy, keep)
    store, folder = store_copy.read_bytes(), _folder(keep)
    with pytest.raises(DataError, match="is an earlier import with the same name and other "
                                        "content; give this file a new name"):
        import_csv(_csv(tmp_path / "tuesday", MOLDOVA), store_copy, keep)
    assert store_copy.read_bytes() == store
    assert _folder(keep) == folder


def test_importing_the_same_file_again_changes_nothing_and_keeps_one_copy(tmp_path, store_copy):
    keep = tmp_path / "kept"
    report = _csv(tmp_path, GEORGIA)
    assert import_csv(report, store_copy, keep) == 1
    assert import_csv(report, store_copy, keep) == 1
    assert import_csv(keep / "report.csv", store_copy, keep) == 1
    assert sorted(_folder(keep)) == [keep.joinpath("report.csv").relative_to(keep)]
    answer = Engine(store_copy).ask(GEORGIA_2023)
    assert [f.value for f in answer.facts[:1]] == [812]


def test_earlier_imports_in_the_keep_folder_stay_answered_after_a_new_one(tmp_path, store_copy):
    keep = tmp_path / "kept"
    import_csv(_csv(tmp_path, GEORGIA, name="georgia.csv"), store_copy, keep)
    import_csv(_csv(tmp_path, MOLDOVA, name="moldova.csv"), store_copy, keep)
    engine = Engine(store_copy)
    assert engine.ask(GEORGIA_2023).facts[0].value == 812
    assert engine.ask(MOLDOVA_2023).facts[0].value == 345


def test_imported_figures_survive_a_rebuild_from_the_imports_folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("imports"))
    _csv(data / "imports", GEORGIA)
    write(tmp_path / "rebuilt.db", data)
    answer = Engine(tmp_path / "rebuilt.db").ask(GEORGIA_2023)
    assert answer.facts[0].value == 812


def test_an_import_killed_midway_leaves_the_store_unchanged_and_usable(tmp_path, store_copy):
    rows = [f"returns_by_country,{year},{country},,{i},persons,exact,"
            f"https://example.org/big.pdf,Fedasil,Big report,2024-06-30,en,row {i}"
            for i, (year, country) in enumerate(product(range(2000, 2026), COUNTRY_CODES))]
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
    answer = Engine(store_copy).ask(GEORGIA_2023)
    assert answer.status == "partial"
    # The next build clears what the killed one left behind.
    write(tmp_path / "other.db")
    import_csv(_csv(tmp_path, GEORGIA), store_copy, tmp_path / "kept")
    assert not list(tmp_path.glob(".returnbot-*.db"))


def test_a_running_engine_answers_an_import_without_a_restart(tmp_path, store_copy):
    engine = Engine(store_copy)
    engine.reload_check_seconds = 0  # look at the file on every question
    assert engine.ask(GEORGIA_2023).status == "partial"
    import_csv(_csv(tmp_path, GEORGIA), store_copy, tmp_path / "kept")
    answer = engine.ask(GEORGIA_2023)
    assert answer.status == "answered" and answer.facts[0].value == 812


# --- one import at a time -------------------------------------------------------------------

def _hold_import_lock(store):
    handle = (store.parent / f"{store.name}.import-lock").open("a")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def _read_stderr_line(proc, deadline):
    while time.monotonic() < deadline:  # guards against a hang; not a timing assertion
        if select.select([proc.stderr], [], [], 1)[0]:
            return proc.stderr.readline()
    raise AssertionError("the import never said it was waiting")


def test_two_imports_at_once_both_land_one_after_the_other(tmp_path, store_copy):
    keep = tmp_path / "kept"
    files = [_csv(tmp_path, GEORGIA, name="georgia.csv"),
             _csv(tmp_path, MOLDOVA, name="moldova.csv")]
    lock = _hold_import_lock(store_copy)  # both start while a third import holds the store
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "db", "import", str(f), "--db",
                               str(store_copy), "--keep", str(keep)], text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={"PATH": "/usr/bin:/bin"}) for f in files]
    deadline = time.monotonic() + 120
    for proc in procs:
        assert "another import into" in _read_stderr_line(proc, deadline)
    lock.close()  # now they run, one at a time
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    assert all(out.startswith("imported 1 figures") for out, _err in outputs)
    engine = Engine(store_copy)
    assert engine.ask(GEORGIA_2023).facts[0].value == 812
    assert engine.ask(MOLDOVA_2023).facts[0].value == 345
    assert sorted(p.name for p in keep.iterdir()) == ["georgia.csv", "moldova.csv"]


def test_an_import_that_waits_too_long_is_refused_and_changes_nothing(tmp_path, store_copy):
    before = store_copy.read_bytes()
    lock = _hold_import_lock(store_copy)
    try:
        with pytest.raises(DataError, match="another import into .* is still running; nothing"):
            import_csv(_csv(tmp_path, GEORGIA), store_copy, tmp_path / "kept", lock_timeout=0)
    finally:
        lock.close()
    assert store_copy.read_bytes() == before
    assert not (tmp_path / "kept").exists()


# --- golden tests do not depend on what staff imported --------------------------------------

def test_the_test_store_leaves_out_imports_committed_to_data_imports(
        tmp_path, committed_store_builder):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("imports"))
    _csv(data / "imports", GEORGIA)  # as if staff had committed an import
    write(tmp_path / "with-imports.db", data)
    assert Engine(tmp_path / "with-imports.db").ask(GEORGIA_2023).facts[0].value == 812
    (tmp_path / "tests").mkdir()
    test_store = committed_store_builder(tmp_path / "tests" / "store.db", data)
    assert Engine(test_store).ask(GEORGIA_2023).status == "partial"
