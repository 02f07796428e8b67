"""Any text gets a well-formed answer, never an exception, and never a figure it does not
support (the naughty-strings corpus, generated text, and the CLI's JSON Lines mode)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import Answer

CORPUS = Path(__file__).parent / "naughty_strings.txt"
NAUGHTY = [line.rstrip("\n") for line in CORPUS.read_text(encoding="utf-8").splitlines(True)
           if not line.startswith("#")]
# Lines of the corpus that are, in fact, a fine question (a bare year asks for its total).
ANSWERABLE = {"2023"}
GENERATED = ["x" * 10_000, "2023 " * 2_000, "\x00" * 500, "‏" * 1_000 + "2023",
             "how many " * 1_000, "🇧🇪" * 2_000]


def _published(store_path: Path) -> set[tuple[object, ...]]:
    conn = sqlite3.connect(store_path)
    rows = conn.execute("select indicator, series, year, country, value from figures "
                        "where preferred = 1").fetchall()
    return {(i, s, y, c, float(v)) for i, s, y, c, v in rows}


def assert_valid(answer: Answer, published: set[tuple[object, ...]]) -> None:
    data = answer.contract()
    Answer.model_validate(data)
    assert data["status"] in ("answered", "partial", "no_data", "clarify", "not_understood",
                              "info")
    assert isinstance(data["text"], str) and data["text"]
    for f in answer.facts:
        if f.derived:
            assert f.source is None
            continue
        assert f.source is not None and f.source.url.startswith("http")
        assert (f.indicator, f.series, f.year, f.country, float(f.value)) in published


@pytest.mark.parametrize("text", NAUGHTY + GENERATED,
                         ids=[f"line{i}" for i in range(len(NAUGHTY) + len(GENERATED))])
def test_naughty_strings_get_a_well_formed_answer_without_a_figure(engine, store_path, text):
    answer = engine.ask(text)
    assert_valid(answer, _published(store_path))
    if text.strip() not in ANSWERABLE and "2023" not in text:
        assert answer.facts == [], (text, answer.text)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gives_a_valid_answer_whose_facts_are_in_the_store(engine, store_path, text):
    assert_valid(engine.ask(text), _published(store_path))


_WORDS = st.sampled_from([
    "how many", "returned", "2023", "1999", "2031", "Brazil", "Georgië", "Грузию", "top",
    "share", "since", "between", "and", "vs", "is it true", "3000", "why", "minister", "%",
    "reintegration", "Dublin", "families", "Congo", "last year", "chart", "hoeveel",
    "combien", "wie viele", "-5", "0", "999999", "the", "?", "‏", "🇧🇪"])


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, max_size=12), st.one_of(st.none(), st.sampled_from(
    [{"kind": "by_country", "country": "BR", "year": 2021, "series": "fedasil"},
     {"kind": "total", "year": 2023, "series": "fedasil"}, {"kind": "bogus"}, {}])))
def test_question_like_word_salad_never_states_an_unpublished_figure(engine, store_path, words,
                                                                      context):
    assert_valid(engine.ask(" ".join(words), context=context), _published(store_path))


def _random_lines(n: int) -> list[str]:
    """Seeded random garbage: printable noise, random code points, shuffled real words."""
    import random

    rng = random.Random(42)
    words = ["how", "many", "returned", "Brazil", "2023", "top", "share", "'", "%s", "DROP",
             "\u202e", "\u200b", "🇧🇪", "٢٠٢٣", "Грузию", "საქართველო", "{0}", "NULL", "--"]
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append("".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(80))))
        elif i % 3 == 1:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randrange(12))))
        else:
            out.append("".join(rng.choice("!@#$%^&*()_+=-[]{};:,.<>/?|~ab12") for _ in
                               range(rng.randrange(200))))
    return out


def test_1500_hostile_lines_through_json_lines_give_one_answer_each(store_path):
    lines = [line.replace("\r", " ") for line in NAUGHTY + GENERATED]
    lines += _random_lines(1500 - len(lines))
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"], input="\n".join(lines) + "\n",
        capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "RETURNBOT_DB_PATH": str(store_path)})
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(lines) == 1500
    for line, answer in zip(lines, answers, strict=True):
        assert answer["question"] == line.rstrip("\r\n") or "\ufffd" in answer["question"]
        if answer["facts"]:  # a figure only for lines that really ask for one
            assert any(w in line for w in ("2023", "returned", "Brazil", "٢٠٢٣", "Грузию",
                                           "top", "share", "how many")), line
