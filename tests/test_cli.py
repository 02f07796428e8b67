"""The answer contract through the real `returnbot` command (DESIGN.md, "The answer contract")."""

from __future__ import annotations

import http.server
import importlib.metadata
import json
import os
import pty
import signal
import subprocess
import sys
import threading

import pytest

from bot.settings import env_names

CONTRACT_KEYS = {"question", "language", "status", "query", "text", "facts", "topic",
                 "suggestions"}
FACT_KEYS = {"indicator", "series", "year", "country", "profile", "value", "unit", "precision",
             "derived", "source"}


def _run(store_path, *args, stdin=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "RETURNBOT_DB_PATH": str(store_path), **(env or {})},
        timeout=300)


def test_each_year_from_2011_to_2025_gives_the_fedasil_total_with_its_source(store_path):
    years = range(2011, 2026)
    questions = "".join(f"How many people returned voluntarily in {y}?\n" for y in years)
    done = _run(store_path, "ask", "--json", "-", "--today", "2026-11-28", stdin=questions)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(years)
    expected = {2011: 3358, 2012: 4694, 2013: 4585, 2014: 3587, 2015: 4053, 2016: 4267,
                2017: 3827, 2018: 2994, 2019: 2426, 2020: 1847, 2021: 1965, 2022: 2673,
                2023: 2952, 2024: 3267, 2025: 3122}
    for year, answer in zip(years, answers, strict=True):
        assert set(answer) >= CONTRACT_KEYS
        assert answer["status"] == "answered"
        first = answer["facts"][0]
        assert set(first) >= FACT_KEYS
        assert (first["indicator"], first["series"], first["year"]) == (
            "returns_total", "fedasil", year)
        assert first["value"] == expected[year]
        assert first["source"]["url"].startswith("http")
        assert first["source"]["url"] in answer["text"]


def test_an_unpublished_country_count_is_partial_and_states_no_count_for_that_year(store_path):
    done = _run(store_path, "ask", "--json", "How many returned to Georgia in 2023?")
    answer = json.loads(done.stdout)
    assert answer["status"] == "partial"
    assert answer["query"] == {"kind": "by_country", "year": 2023, "country": "GE",
                               "series": "fedasil"}
    assert not [f for f in answer["facts"]
                if f["indicator"] == "returns_by_country" and f["year"] == 2023]
    assert {"indicator": "rank_by_country", "year": 2023, "value": 5} .items() <= \
        answer["facts"][0].items()


def test_plain_text_answer_names_the_figure_and_its_source(store_path):
    done = _run(store_path, "ask", "How many people returned voluntarily in 2023?")
    assert "2,952" in done.stdout
    assert "Source: Fedasil" in done.stdout


def test_console_chat_keeps_follow_ups_and_ends_cleanly_at_end_of_input(store_path):
    done = _run(store_path, "chat", "--today", "2026-11-28",
                stdin="How many returned to Brazil in 2021?\nand Moldova?\n")
    assert done.returncode == 0
    assert "239" in done.stdout and "120" in done.stdout


def test_json_lines_mode_answers_every_line_even_garbage(store_path):
    lines = ["", "'; DROP TABLE figures; --", "%s %d {0}", "\x00\x1b[31m", "x" * 10_000]
    done = _run(store_path, "ask", "--json", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert all(a["facts"] == [] for a in answers)
    assert "Traceback" not in done.stderr


# --- errors: one `returnbot:` line, a non-zero exit, never a traceback ----------------------


def _one_line_error(done, status=1):
    assert done.returncode == status, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("returnbot: ")
    return line


@pytest.mark.parametrize(("args", "says"), [
    pytest.param(["ask", "--today", "2023-13-01", "x"], "'2023-13-01' is not a date",
                 id="bad-today"),
    pytest.param(["ask", "--lang", "xx", "hello"], "nl, fr, en, de, es, pt, ro, ru, uk, tr, ar, ka",
                 id="unknown-lang"),
    pytest.param(["nonsense"], "invalid choice", id="unknown-command"),
])
def test_a_usage_error_is_one_line_with_a_pointer_to_help(store_path, args, says):
    line = _one_line_error(_run(store_path, *args), status=2)
    assert says in line and "--help" in line


def test_a_missing_file_to_import_is_one_line_naming_it(store_path, tmp_path):
    # Import problems keep the import's own `FILE:LINE: field: what` form (tests/test_import.py).
    done = _run(tmp_path / "store.db", "db", "import", str(tmp_path / "no.csv"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == ["no.csv: file: no such file"]


def test_a_chart_into_a_missing_folder_is_one_line_and_no_answer(store_path, tmp_path):
    target = tmp_path / "missing" / "trend.png"
    line = _one_line_error(_run(store_path, "ask", "--chart", str(target), "evolution since 2017"))
    assert "--chart" in line and str(target.parent) in line


def test_a_folder_as_the_store_path_is_one_line(tmp_path):
    line = _one_line_error(_run(tmp_path, "ask", "How many returned in 2023?"))
    assert f"{tmp_path} is a folder" in line


def test_db_check_on_a_corrupt_store_is_one_line_and_the_file_is_left_alone(tmp_path):
    corrupt = tmp_path / "store.db"
    corrupt.write_bytes(b"not a database" * 100)
    line = _one_line_error(_run(corrupt, "db", "check"))
    assert "not a readable ReturnBot store" in line and "db build" in line
    assert corrupt.read_bytes() == b"not a database" * 100


@pytest.mark.parametrize("value", ["abc", '["x"]', "1,2"])
def test_malformed_admin_ids_are_one_line_naming_the_variable(store_path, value):
    line = _one_line_error(_run(store_path, "ask", "hello", env={"RETURNBOT_ADMIN_IDS": value}))
    assert "RETURNBOT_ADMIN_IDS" in line


class _RefusingBotAPI(http.server.BaseHTTPRequestHandler):
    """A Bot API that answers every call as Telegram does for a revoked token."""

    def do_POST(self):
        body = json.dumps({"ok": False, "error_code": 401,
                           "description": "Unauthorized"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_rejected_token_is_one_line_that_never_shows_the_token(store_path, tmp_path):
    token = "987654:SECRET-never-printed"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RefusingBotAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = _run(store_path, "run", env={
            "TELEGRAM_BOT_TOKEN": token, "RETURNBOT_STATE_PATH": str(tmp_path / "state.db"),
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{server.server_port}/bot"})
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "SECRET" not in done.stdout + done.stderr
    assert done.stderr.splitlines()[-1].startswith("returnbot: Telegram refused the bot token")


# --- help, version, first use ---------------------------------------------------------------


def test_help_shows_examples_and_every_environment_variable(store_path):
    done = _run(store_path, "--help")
    assert done.returncode == 0
    assert "examples:" in done.stdout and 'returnbot ask "' in done.stdout
    for name in env_names().values():
        assert f"\n  {name}\n" in done.stdout, name
    assert "thin argparse" not in done.stdout


def test_version_is_the_package_version(store_path):
    done = _run(store_path, "--version")
    assert done.stdout == f"returnbot {importlib.metadata.version('returnbot')}\n"


def test_ask_without_a_store_builds_it_once_with_one_line_on_stderr(tmp_path):
    store = tmp_path / "new" / "returnbot.db"
    first = _run(store, "ask", "How many people returned voluntarily in 2023?")
    assert first.returncode == 0 and "2,952" in first.stdout
    assert first.stderr.splitlines() == [f"returnbot: building the store at {store}"]
    second = _run(store, "ask", "How many people returned voluntarily in 2023?")
    assert (second.stderr, second.stdout) == ("", first.stdout)


def test_run_without_a_store_or_token_builds_it_and_answers_stdin(tmp_path):
    store = tmp_path / "returnbot.db"
    done = _run(store, "run", stdin="How many people returned voluntarily in 2023?\n")
    assert done.returncode == 0 and "2,952" in done.stdout
    assert "Traceback" not in done.stderr and store.exists()


def test_lang_accepts_a_regional_code_and_answers_in_that_language(store_path):
    done = _run(store_path, "ask", "--lang", "nl-BE", "How many people returned in 2023?")
    assert "2.952" in done.stdout


# --- the console chat at a terminal --------------------------------------------------------


def test_ctrl_c_in_chat_ends_it_without_a_traceback(store_path, tmp_path):
    # Its own state file: the checkout's var/state.db is shared with every other process.
    chat = subprocess.Popen([sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={"PATH": "/usr/bin:/bin", "RETURNBOT_DB_PATH": str(store_path),
                                 "RETURNBOT_STATE_PATH": str(tmp_path / "state.db")})
    chat.stdin.write("How many people returned voluntarily in 2023?\n")
    chat.stdin.flush()
    assert "2,952" in chat.stdout.readline()  # it is now waiting for the next line
    chat.send_signal(signal.SIGINT)
    assert chat.wait(timeout=60) == 130
    assert "Traceback" not in chat.stderr.read()
    chat.stdin.close()
    chat.stdout.close()
    chat.stderr.close()


class _Terminal:
    """The chat on a pseudo-terminal, as a person at a keyboard sees it."""

    def __init__(self, store_path, state_path):
        self.master, follower = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"], stdin=follower, stdout=follower,
            stderr=follower, env={"PATH": "/usr/bin:/bin", "TERM": "xterm",
                                  "RETURNBOT_DB_PATH": str(store_path),
                                  "RETURNBOT_STATE_PATH": str(state_path)})
        os.close(follower)
        self.screen = b""

    def read_until(self, count: int, text: bytes) -> None:
        """Read output until `text` has appeared `count` times (or the chat ended)."""
        while self.screen.count(text) < count:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the chat closed the terminal
                return
            if not chunk:
                return
            self.screen += chunk

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> int:
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=60)
        os.close(self.master)
        return status


def test_chat_at_a_terminal_has_line_editing_and_history(store_path, tmp_path):
    terminal = _Terminal(store_path, tmp_path / "state.db")
    try:
        terminal.read_until(1, b"> ")
        terminal.type(b"How many people returned voluntarily in 2023?\r")
        terminal.read_until(2, b"> ")
        terminal.type(b"\x1b[A\r")  # arrow up: the previous question again
        terminal.read_until(3, b"> ")
    finally:
        status = terminal.close()
    assert terminal.screen.count(b"2,952") == 2
    assert b"^[[A" not in terminal.screen
    assert status == 130
