"""The web page over HTTP, against a real `returnbot serve` process (tests/web/conftest.py)."""

from __future__ import annotations

import io
import json
import re
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import yaml

from bot import cli
from bot.i18n import LANGUAGES

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
TODAY = "2026-11-28"


def _golden_sample(lang: str, every: int = 5) -> list[str]:
    """Every 5th golden question of a language that is asked on its own (no follow-up) with the
    tables' default today."""
    rows = yaml.safe_load((GOLDEN / f"{lang}.yaml").read_text(encoding="utf-8"))
    alone = [r["q"] for r in rows if "after" not in r and "today" not in r]
    return alone[::every]


def _cli_json_lines(store_path, questions: list[str], *options: str) -> list[dict]:
    """`returnbot ask --json -` (JSON Lines) run through the command's own `main`, in-process:
    the same code as the installed command, without paying an interpreter start per call."""
    stdin, stdout = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = io.StringIO("".join(q + "\n" for q in questions)), io.StringIO()
    try:
        status = cli.main(["ask", "--json", "-", "--db", str(store_path), *options])
        printed = sys.stdout.getvalue()
    finally:
        sys.stdin, sys.stdout = stdin, stdout
    assert status == 0
    return [json.loads(line) for line in printed.splitlines()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ask_json_equals_the_cli_json_for_golden_questions(lang, store_path, http):
    questions = _golden_sample(lang)
    assert len(questions) >= 10
    expected = _cli_json_lines(store_path, questions, "--lang", lang, "--today", TODAY)
    for question, printed in zip(questions, expected, strict=True):
        response = http.get("/ask.json", params={"q": question, "lang": lang, "today": TODAY})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == printed, question


def test_ask_json_without_a_language_detects_it_like_the_cli(store_path, http):
    questions = [q for lang in LANGUAGES for q in _golden_sample(lang, every=15)]
    expected = _cli_json_lines(store_path, questions, "--today", TODAY)
    got = [http.get("/ask.json", params={"q": q, "today": TODAY}).json() for q in questions]
    assert got == expected
    assert {a["language"] for a in got} == set(LANGUAGES)


def test_access_log_holds_paths_but_never_the_question_text(server, http):
    marker = "Zanzibar7731"
    http.get("/ask", params={"q": f"How many returned to {marker} in 2023?", "lang": "en"})
    http.get("/ask.json", params={"q": f"{marker} returns 2022"})
    http.get("/returnbot/figures", params={"_search": marker})
    http.get("/ask.json", params={"q": "x" * 2000})  # refused, and still not logged
    http.get("/-/versions.json", params={"done": "1"})
    log = _log_once(server, '"GET /-/versions.json" 200')
    assert '"GET /ask" 200' in log and '"GET /ask.json" 200' in log
    assert '"GET /ask.json" 400' in log and '"GET /returnbot/figures" 200' in log
    assert marker not in log and "xxxx" not in log and "?" not in log


def _log_once(server, line: str) -> str:
    """The server log once `line` is in it (the server writes it right after responding)."""
    for _ in range(200):
        text = server.log_text()
        if line in text:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{line!r} never logged:\n{server.log_text()}")


@pytest.mark.parametrize(("params", "words"), [
    pytest.param({"q": "How many returned in 2023? " * 4000, "lang": "en"}, "too long",
                 id="100-KB-question"),
    pytest.param({"q": "How many returned in 2023?", "lang": "xx"}, "Unknown language “xx”",
                 id="unknown-language"),
    pytest.param({"q": "   ", "lang": "en"}, "Please type a question", id="empty-question"),
    pytest.param({"q": "How many returned last year?", "today": "yesterday"},
                 "is not a date", id="bad-date"),
])
def test_bad_parameters_get_a_clear_400_page(params, words, server):
    status, headers, body = _raw_get(server.url, "/ask?" + urlencode(params))
    assert status == 400
    assert headers["content-type"].startswith("text/html")
    assert words in body and "<form" in body
    status, headers, body = _raw_get(server.url, "/ask.json?" + urlencode(params))
    assert status == 400 and words in json.loads(body)["message"]


def _raw_get(url: str, target: str) -> tuple[int, dict[str, str], str]:
    """GET over a plain socket: httpx refuses URLs above 64 KB, browsers and proxies may not."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"GET {target} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                  .encode())
        raw = b"".join(iter(lambda: s.recv(65536), b""))
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body.decode()


def test_a_bad_request_page_is_in_the_page_language(http):
    page = http.get("/ask", params={"q": "", "lang": "fr"})
    assert page.status_code == 400 and 'lang="fr"' in page.text
    assert "Please type a question" not in page.text


@pytest.mark.parametrize("path", [
    "/", "/?lang=ar", "/ask?q=How+many+returned+in+2023%3F", "/returnbot",
    "/returnbot/figures", "/returnbot/conflicts", "/returnbot/figures.csv", "/-/versions.json",
])
def test_pages_set_no_cookies(path, http):
    response = http.get(path)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_home_page_shows_the_latest_headline_figures_with_sources_and_12_languages(http):
    page = http.get("/", params={"lang": "en"}).text
    assert "3,122" in page and "2025" in page  # the latest Fedasil total in the store
    assert 'href="https://fedasil.be/fr/node/12902"' in page
    assert len(re.findall(r'<option value="(\w\w)"', page)) == 12
    assert 'name="q"' in page and 'action="/ask"' in page


def test_home_page_follows_the_browser_language_when_none_is_chosen(http):
    page = http.get("/", headers={"accept-language": "de-BE,de;q=0.9,en;q=0.5"}).text
    assert '<html lang="de" dir="ltr">' in page


def test_arabic_pages_are_right_to_left(http):
    page = http.get("/ask", params={"q": "كم عدد العائدين في 2023؟", "lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "2,952" in page or "٢٬٩٥٢" in page


def test_an_answer_page_links_its_sources_and_cites_them_in_the_page_language(http):
    page = http.get("/ask", params={"q": "Hoeveel mensen keerden terug in 2023?",
                                    "lang": "nl"}).text
    assert "2.952" in page
    assert '<a class="rb-source" href="https://' in page
    citation = re.search(r'<p class="rb-citation">([^<]+)</p>', page)
    assert citation and "Fedasil" in citation.group(1) and "https://" in citation.group(1)


def test_a_trend_answer_has_a_chart_and_suggestions_are_links(http):
    trend = http.get("/ask", params={"q": "evolution of returns since 2017", "lang": "en"}).text
    assert '<img src="data:image/png;base64,' in trend
    nonsense = http.get("/ask", params={"q": "weather in Brussels", "lang": "en"}).text
    assert re.search(r'<ul class="rb-suggestions"><li><a href="/ask\?q=', nonsense)


def _claim_review(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found, "no JSON-LD"
    return json.loads(found.group(1))


@pytest.mark.parametrize(("claim", "verdict", "rating"), [
    ("Is it true that 3,500 people returned in 2023?", "inaccurate", 1),
    ("Is it true that 2,952 people returned in 2023?", "accurate", 5),
    ("Is it true that 3,000 people returned in 2023?", "rounded", 4),
    ("Is it true that 3,107 people returned in 2023?", "other_definition", 3),
])
def test_a_fact_check_shows_verdict_published_figure_and_source_with_claim_review(
        claim, verdict, rating, http):
    page = http.get("/ask", params={"q": claim, "lang": "en"}).text
    assert f'data-verdict="{verdict}"' in page
    assert re.search(r'<h3>Published figure</h3><p><strong>2,952</strong>', page)
    review = _claim_review(page)
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == claim
    assert review["url"].startswith(str(http.base_url).rstrip("/") + "/ask?q=Is+it+true")
    assert review["reviewRating"]["ratingValue"] == rating
    assert review["isBasedOn"][0]["url"].startswith("https://www.fedasil.be/")


def test_an_ordinary_answer_has_no_verdict(http):
    page = http.get("/ask", params={"q": "How many returned in 2023?", "lang": "en"}).text
    assert "data-verdict" not in page and "ld+json" not in page


# --- Datasette ------------------------------------------------------------------------------


def test_tables_and_columns_have_titles_and_descriptions(http):
    meta = http.get("/-/metadata.json").json()
    assert meta["license"] and meta["source"]
    tables = meta["databases"]["returnbot"]["tables"]
    figures = http.get("/returnbot/figures").text
    assert tables["figures"]["title"] in figures and "The published value" in figures


def test_source_urls_are_clickable_in_the_publications_table(http):
    page = http.get("/returnbot/publications", params={"_size": "max"}).text
    assert re.search(r'<a href="https://www\.fedasil\.be/[^"]+">', page)


def test_the_conflicts_view_lists_both_published_2022_reintegration_shares(http):
    rows = http.get("/returnbot/conflicts.json", params={"_shape": "array"}).json()
    shares = {(r["value"], r["preferred"]) for r in rows
              if r["indicator"] == "reintegration_share" and r["year"] == 2022}
    # The 2023 release revised the 2022 release's 74% to 73%; answers use the newer one.
    assert shares == {(74.0, 0), (73.0, 1)}
    assert all(r["url"].startswith("http") for r in rows)


def test_canned_queries_give_totals_per_series_per_country_and_per_publication(http):
    totals = http.get("/returnbot/annual_totals.json", params={"_shape": "array"}).json()
    by_series = {(r["year"], r["series"]): r["value"] for r in totals}
    assert by_series[(2023, "fedasil")] == 2952 and by_series[(2023, "government")] == 3107
    georgia = http.get("/returnbot/figures_by_country.json",
                       params={"country": "ge", "_shape": "array"}).json()
    assert any(r["year"] == 2018 and r["value"] == 432 for r in georgia)
    publication = totals[0]["url"]
    pub_id = http.get("/returnbot/publications.json", params={
        "url": publication, "_shape": "array"}).json()[0]["id"]
    stated = http.get("/returnbot/figures_by_publication.json",
                      params={"publication": pub_id, "_shape": "array"}).json()
    assert stated and all(r["url"] == publication for r in stated)


@pytest.mark.parametrize("path", ["/returnbot/figures.csv", "/returnbot/annual_totals.csv"])
def test_tables_and_queries_export_as_csv(path, http):
    response = http.get(path, params={"_size": "max"})
    assert response.status_code == 200
    header = response.text.splitlines()[0]
    assert "year" in header.split(",") and "value" in header.split(",")


def test_arbitrary_sql_is_off_by_default(http):
    response = http.get("/returnbot.json", params={"sql": "select 1"})
    assert response.status_code == 403


def test_arbitrary_sql_with_sql_is_on_and_time_limited(sql_server):
    with httpx.Client(base_url=sql_server.url, timeout=60) as client:
        ok = client.get("/returnbot.json", params={"sql": "select count(*) as n from figures",
                                                   "_shape": "array"})
        assert ok.status_code == 200 and ok.json()[0]["n"] > 300
        endless = ("with recursive r(i) as (select 1 union all select i + 1 from r) "
                   "select count(*) from r")
        stopped = client.get("/returnbot.json", params={"sql": endless})
        assert stopped.status_code == 400
        assert "interrupted" in stopped.text.lower() or "time limit" in stopped.text.lower()


def test_the_store_is_served_immutable_and_read_only(http):
    databases = http.get("/-/databases.json").json()
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("returnbot", False)]


def test_a_question_with_markup_is_shown_as_text_everywhere_including_the_json_ld(http):
    claim = "Is it true that 3,500 people returned in 2023? </script><script>alert(1)</script>"
    page = http.get("/ask", params={"q": claim, "lang": "en"}).text
    assert "<script>alert(1)" not in page
    assert _claim_review(page)["claimReviewed"] == claim


@pytest.mark.parametrize("path", ["/", "/ask", "/ask.json"])
def test_the_question_pages_answer_only_get_and_head(path, http):
    refused = http.post(path, params={"q": "How many returned in 2023?"})
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
    assert http.head(path, params={"q": "How many returned in 2023?"}).status_code == 200
