"""The web page in a real headless Chromium (Debian's, installed by `make setup`), driven by
Playwright against a real `returnbot serve` process."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without these Chromium reaches for the network (updates, sync, field trials).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "no Chromium: run `make setup` (installs Debian's chromium)"
    with sync_playwright() as p:
        # Playwright gives each launch a fresh, temporary profile (--user-data-dir).
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _ask(page: Page, question: str) -> None:
    page.get_by_role("searchbox").fill(question)
    page.get_by_role("button").and_(page.locator("[type=submit]")).click()
    page.wait_for_url("**/ask?**")


def test_a_question_asked_through_the_form_shows_the_figure_with_a_source_link(page):
    page.goto("/?lang=en")
    _ask(page, "How many people returned in 2023?")
    expect(page.locator(".rb-answer")).to_contain_text("2,952")
    source = page.locator("a.rb-source").first
    expect(source).to_have_attribute("href", "https://www.fedasil.be/en/news/volontary-return/"
                                             "3000-voluntary-returns-2023")


def test_switching_to_arabic_gives_a_right_to_left_page_and_answer(page):
    page.goto("/?lang=en")
    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("button", name="اسأل")).to_be_visible()
    _ask(page, "كم عدد العائدين في 2023؟")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".rb-answer")).to_contain_text("2,952")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"


def test_the_figures_table_opens_and_downloads_as_csv(page, tmp_path):
    page.goto("/?lang=en")
    page.get_by_role("link", name="Browse the data").click()
    page.get_by_role("link", name="figures", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("Published figures")
    page.locator("input[name=_dl]").check()
    with page.expect_download() as download_info:
        page.locator("input[type=submit][value='Export CSV']").click()
    saved = tmp_path / "figures.csv"
    download_info.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {"indicator", "year", "value", "best_source"} <= set(rows[0])
    assert any(r["indicator"] == "returns_total" and r["year"] == "2023"
               and float(r["value"]) == 2952 for r in rows)


def test_a_fact_check_shows_its_verdict_beside_the_published_figure(page):
    page.goto("/?lang=en")
    _ask(page, "Is it true that 3,500 people returned in 2023?")
    verdict = page.locator(".rb-verdict")
    expect(verdict).to_have_text("Inaccurate")
    expect(verdict).to_have_attribute("data-verdict", "inaccurate")
    check = page.locator(".rb-check")
    expect(check).to_contain_text("3,500")
    expect(check).to_contain_text("2,952")
    expect(check.locator("a.rb-source")).to_have_count(1)


def test_no_cookie_is_set_while_asking_and_browsing(page):
    page.goto("/?lang=en")
    _ask(page, "How many returned to Georgia in 2018?")
    page.goto("/returnbot/conflicts")
    assert page.context.cookies() == []


