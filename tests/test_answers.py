"""Every number an answer's text states is one of its facts (years, dates and sources aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.evaluation import ask, load_table

GOLDEN = Path(__file__).parent / "golden"
_NUMBER = re.compile(r"(?<![\w.,])[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,])[+-]?\d+(?:\.\d+)?")
_YEAR = re.compile(r"^(19|20)\d\d$")


def _numbers_in(text: str) -> list[float]:
    body = "\n".join(line for line in text.splitlines()
                     if not line.startswith(("Source:", "Full per-country tables")))
    body = re.sub(r"https?://\S+", "", body)
    found = []
    for raw in _NUMBER.findall(body):
        if _YEAR.match(raw.lstrip("+-")):
            continue
        found.append(float(raw.replace(",", "")))
    return found


@pytest.mark.parametrize("row", load_table(GOLDEN / "en.yaml"), ids=lambda r: r["q"][:60])
def test_every_number_in_the_text_is_a_stated_fact(engine, row):
    answer = ask(engine, row)
    if answer.status == "info":
        return  # support information: its own sources, its wording from data/content/
    values = {abs(float(f.value)) for f in answer.facts}
    claimed = set()
    if answer.query and answer.query.get("kind") in ("fact_check", "definition"):
        claimed = {abs(float(answer.query.get("claimed") or answer.query.get("value") or 0))}
    for n in _numbers_in(answer.text):
        assert abs(n) in values | claimed, (n, answer.text)
