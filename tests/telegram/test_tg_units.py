"""Units of the channel: callback data, message splitting, charts, the state store, texts."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.answer import Answer, ChartData
from bot.chart import render_png
from bot.i18n import LANGUAGES
from bot.queries import QUERY_ADAPTER
from bot.telegram import callbacks, texts
from bot.telegram.sending import chart_caption, split_text, truncate, utf16_len
from bot.telegram.state import FOLLOW_UP_WINDOW, RETENTION, StateStore

ROOT = Path(__file__).resolve().parents[2]

QUERIES = [
    {"kind": "total"},
    {"kind": "total", "year": 2023, "series": "government"},
    {"kind": "by_country", "year": 2018, "country": "GE"},
    {"kind": "by_country", "country": "XK"},
    {"kind": "by_profile", "year": 2023, "profile": "rejected_applicant", "measure": "count"},
    {"kind": "ranking", "year": 2024, "top": 20},
    {"kind": "change", "year": 2024, "base_year": 2017, "country": "BR", "series": "government"},
    {"kind": "trend", "start": 2017, "end": 2025, "country": "MD", "series": "government",
     "chart": True},
    {"kind": "reintegration", "year": 2022, "measure": "count"},
    {"kind": "dublin", "year": 2023},
    {"kind": "unaccompanied_minors", "year": 2021},
    {"kind": "families"},
    {"kind": "destination_countries", "year": 2019},
    {"kind": "fact_check", "claimed": 3000, "year": 2023, "country": "GE"},
    {"kind": "fact_check", "claimed": 73.5, "year": 2022},
    {"kind": "definition", "topic": "dublin", "year": 2023, "value": 3107},
    {"kind": "info", "topic": "how_to_apply", "country": "MD"},
    {"kind": "help"},
]


def normal(query: dict) -> dict:
    return QUERY_ADAPTER.validate_python(query).model_dump(mode="json")


@pytest.mark.parametrize("query", QUERIES, ids=[q["kind"] for q in QUERIES])
@pytest.mark.parametrize("action", ["previous_year", "country", "question"])
def test_every_query_kind_round_trips_through_callback_data(query, action):
    data = callbacks.encode_action(action, "uk", query)
    assert data is not None and len(data.encode()) <= 64
    assert callbacks.decode(data) == callbacks.ActionPress(action, "uk", query=normal(query))


@given(year=st.integers(1990, 2100), top=st.integers(1, 20),
       country=st.from_regex(r"[A-Z]{2}", fullmatch=True),
       claimed=st.floats(0, 1e7, allow_nan=False).map(lambda v: round(v, 2)),
       lang=st.sampled_from(LANGUAGES))
def test_callback_data_round_trips_for_any_values(year, top, country, claimed, lang):
    for query in ({"kind": "ranking", "year": year, "top": top},
                  {"kind": "fact_check", "year": year, "claimed": claimed, "country": country}):
        data = callbacks.encode_action("question", lang, query)
        assert data is not None and len(data.encode()) <= 64
        assert callbacks.decode(data).query == normal(query)


def test_queries_that_do_not_fit_or_do_not_validate_are_not_encoded():
    assert callbacks.encode_action("question", "en", {"kind": "total", "bogus": 1}) is None
    assert callbacks.encode_action("question", "en", {"kind": "nope"}) is None
    long_topic = {"kind": "info", "topic": "a" * 55, "country": "MD"}
    assert callbacks.encode_action("question", "en", long_topic) is None
    assert callbacks.encode_action("question", "en", {"kind": "info", "topic": "a|b"}) is None


@pytest.mark.parametrize("data", [
    None, "", "x", "L|", "L|xx", "L|nl|", "q1pen", "q1pen|", "q1pen|?", "q1zen|T", "q1pEN|T",
    "q2pen|T", "q1pen|T|y", "q1pen|T|yabc", "q1pen|T|y2023|y2024", "q1pen|T|q1", "q1pen|C",
    "q1pen|R|t99", "b1pen|", "b1pen|a b", "b1pen|" + "x" * 60, "é" * 40,
    "q1pen|T|y2023\x00", "q1pen|O|o" + "x" * 60,
])
def test_forged_callback_data_is_rejected(data):
    assert callbacks.decode(data) is None


def test_language_and_token_callback_data():
    assert callbacks.decode(callbacks.encode_language("ka")) == callbacks.LanguagePick("ka")
    data = callbacks.encode_token("chart", "ar", "AbC_d-123")
    assert callbacks.decode(data) == callbacks.ActionPress("chart", "ar", token="AbC_d-123")


@given(st.text(min_size=1, max_size=12_000))
def test_split_text_respects_the_limit_and_loses_nothing_but_spacing(text):
    parts = split_text(text, limit=500)
    assert all(0 < utf16_len(p) <= 500 for p in parts)
    squash = lambda s: "".join(s.split()).replace("…", "")  # noqa: E731
    assert squash("".join(parts)) == squash(text)


def test_split_text_prefers_paragraph_breaks():
    text = "\n\n".join(["a" * 300, "b" * 300, "c" * 300])
    assert split_text(text, limit=700) == ["a" * 300 + "\n\n" + "b" * 300, "c" * 300]


def test_limits_count_utf16_code_units_like_telegram():
    assert utf16_len("😀") == 2
    assert utf16_len(truncate("😀" * 3000, 4096)) <= 4096
    assert truncate("short", 10) == "short"


def test_chart_caption_falls_back_to_numbers_and_source_in_1024_units():
    chart = ChartData(kind="bar", title="T", labels=[f"Country {i}" for i in range(200)],
                      values=[float(i) for i in range(200)], source="Fedasil 2025")
    answer = Answer(question="", language="fr", status="answered", query=None,
                    text="x" * 3000, chart=chart)
    caption = chart_caption(answer)
    assert utf16_len(caption) <= 1024
    assert caption.endswith("Fedasil 2025") and "Source" in caption and "Country 1: 1" in caption


@pytest.mark.parametrize("kind", ["line", "bar"])
def test_chart_renders_a_png_in_any_script(kind):
    chart = ChartData(kind=kind, title="العودة الطوعية ქართული $x$",
                      labels=["Грузія", "Brasil", "Türkiye"], values=[1.0, 2952.0, 73.5],
                      source="Fedasil")
    png = render_png(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_state_store_forgets_prunes_and_ignores_old_context(tmp_path):
    store = StateStore(tmp_path / "s" / "state.db")
    store.set_language(1, "ka")
    store.set_last_query(1, {"kind": "total", "year": 2023})
    token = store.put_button(1, {"kind": "help"})
    store.set_language(2, "ar")
    assert store.button(token) == {"kind": "help"} and store.button("nope") is None
    import time

    later = time.time() + FOLLOW_UP_WINDOW + 1
    assert store.last_query(1, now=later) is None  # not a follow-up any more
    assert store.forget(1, 1) == 3
    assert store.counts() == {"user_language": 1, "chat_query": 0, "button": 0}
    store.prune(now=time.time() + RETENTION + 1)
    assert store.counts() == {"user_language": 0, "chat_query": 0, "button": 0}
    store.close()


def _gettext_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text())
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name) and n.func.id in ("_", "N_")]


def test_every_user_facing_string_is_a_literal_gettext_msgid():
    for path in sorted((ROOT / "bot" / "telegram").glob("*.py")):
        for call in _gettext_calls(path):
            assert len(call.args) == 1 and isinstance(call.args[0], ast.Constant), \
                f"{path.name}:{call.lineno}: msgid must be a literal for pybabel extract"
            msgid = call.args[0].value
            # Placeholders are named (%(name)s), never positional.
            assert not re.search(r"%[sd]", msgid), f"{path.name}:{call.lineno}"


def test_texts_fit_telegram_limits_in_english():
    assert utf16_len(texts.description("en")) <= 512
    assert utf16_len(texts.short_description("en")) <= 120
    for command, description in texts.COMMANDS:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command) and len(description) <= 256
    assert len(texts.EXAMPLES) == 3


def test_state_written_behind_survives_a_restart(tmp_path):
    queued = []
    store = StateStore(tmp_path / "state.db", writer=queued.append)
    store.set_language(7, "tr")
    store.set_last_query(7, {"kind": "total", "year": 2020})
    assert store.language(7) == "tr"  # memory first…
    assert store.counts()["user_language"] == 0  # …the file once the writer runs
    store.batch(queued)
    store.close()
    reopened = StateStore(tmp_path / "state.db")
    assert reopened.language(7) == "tr"
    assert reopened.last_query(7) == {"kind": "total", "year": 2020}
    reopened.close()
