"""Score the engine on question tables (tests/golden/, tests/heldout/): the same checks for
the accuracy test and for `scripts/evaluate.py`.

A question is right when the status, the query fields and the first stated figure all match
its `expect`. A *wrong number* is worse than a miss: a figure stated where the table expects
a different one, or any figure where it expects none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.answer import Answer
from bot.engine import Engine

__all__ = ["Outcome", "Score", "check", "load_table", "score_table"]

DEFAULT_TODAY = date(2026, 11, 28)
_QUERY_FIELDS = ("kind", "year", "base_year", "country", "profile", "topic", "series")


@dataclass
class Outcome:
    """How one question went."""

    question: str
    right: bool
    wrong_number: bool
    problems: list[str]
    answer: Answer


@dataclass
class Score:
    """The outcomes of one table."""

    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(o.right for o in self.outcomes) / max(1, len(self.outcomes))

    @property
    def wrong_numbers(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong_number]


def load_table(path: Path) -> list[dict[str, Any]]:
    """Read a YAML question table."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [r for r in rows if isinstance(r, dict) and "q" in r]


def ask(engine: Engine, row: dict[str, Any]) -> Answer:
    """Ask a table row's question (after its `after` question, for follow-ups)."""
    today = row.get("today") or DEFAULT_TODAY
    if isinstance(today, str):
        today = date.fromisoformat(today)
    context = None
    if row.get("after"):
        context = engine.ask(str(row["after"]), today=today, lang=row.get("lang")).query
    return engine.ask(str(row["q"]), today=today, context=context, lang=row.get("lang"))


def check(answer: Answer, expect: dict[str, Any]) -> tuple[list[str], bool]:
    """Return the differences from `expect`, and whether a wrong number was stated."""
    problems = []
    if answer.status != expect.get("status"):
        problems.append(f"status {answer.status} != {expect.get('status')}")
    query = answer.query or {}
    for name in _QUERY_FIELDS:
        if name in expect:
            got = answer.topic if name == "topic" else query.get(name)
            if got != expect[name]:
                problems.append(f"{name} {got!r} != {expect[name]!r}")
    stated = [f for f in answer.facts if not f.derived]
    wrong = False
    if "values" in expect and expect["values"]:
        if not stated:
            problems.append(f"no figure; expected {expect['values']}")
        elif not any(abs(stated[0].value - v) < 1e-9 for v in expect["values"]):
            problems.append(f"figure {stated[0].value} not in {expect['values']}")
            wrong = True
    no_facts = expect.get("no_facts") or expect.get("status") in ("not_understood", "clarify")
    if no_facts and answer.facts:
        problems.append(f"stated {len(answer.facts)} figures where none is expected")
        wrong = True
    if expect.get("status") == "partial" and query.get("kind") == "by_country":
        asked = [f for f in stated if f.indicator == "returns_by_country"
                 and f.year == expect.get("year", query.get("year"))]
        if asked:
            problems.append(f"stated an unpublished count {asked[0].value}")
            wrong = True
    return problems, wrong


def score_table(engine: Engine, path: Path) -> Score:
    """Run every question of a table and check it."""
    score = Score(path.stem)
    for row in load_table(path):
        answer = ask(engine, row)
        problems, wrong = check(answer, row.get("expect") or {})
        score.outcomes.append(Outcome(str(row["q"]), not problems, wrong, problems, answer))
    return score
