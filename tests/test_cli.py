"""The answer contract through the real `returnbot` command (DESIGN.md, "The answer contract")."""

from __future__ import annotations

import json
import subprocess
import sys

CONTRACT_KEYS = {"question", "language", "status", "query", "text", "facts", "topic",
                 "suggestions"}
FACT_KEYS = {"indicator", "series", "year", "country", "profile", "value", "unit", "precision",
             "derived", "source"}


def _run(store_path, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "RETURNBOT_DB_PATH": str(store_path)}, timeout=120)


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
