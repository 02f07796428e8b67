"""Score the engine on question tables (tests/golden/, tests/heldout/): the same checks for
the accuracy test and for `scripts/evaluate.py`.

A question is right when the status, the query fields and the first stated figure all match
its `expect`. A *wrong number* is worse than a miss: a figure stated where the table expects
a different one, or any figure where it expects none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.answer import Answer
from bot.engine import Engine

__all__ = ["Outcome", "Score", "check", "load_table", "score_table"]

DEFAULT_TODAY = date(2026, 11, 28)
_QUERY_FIELDS = ("kind", "year", "base_year", "country", "profile", "topic", "series", "period",
                 "quantity")


@dataclass
class Outcome:
    """How one question went."""

    question: str
    right: bool
    wrong_number: bool
    problems: list[str]
    answer: Answer
    wrong_verdict: bool = False


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

    @property
    def wrong_verdicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong_verdict]


def load_table(path: Path) -> list[dict[str, Any]]:
    """Read a YAML question table."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [r for r in rows if isinstance(r, dict) and "q" in r]


def ask(engine: Engine, row: dict[str, Any]) -> Answer:
    """Ask a table row's question (after its `after` question, for follow-ups)."""
    today = row.get("today") or DEFAULT_TODAY
    if isinstance(today, str):
        today = date.fromisoformat(today)
    context, previous_lang = None, None
    if row.get("after"):
        before = engine.ask(str(row["after"]), today=today, lang=row.get("lang"))
        context, previous_lang = before.query, before.language
    return engine.ask(str(row["q"]), today=today, context=context, lang=row.get("lang"),
                      previous_lang=previous_lang)


def _own_rules_answer(name: str, got: Any, expected: Any, query: dict[str, Any],
                      own_rules: frozenset[str]) -> bool:
    """Reintegration support for a country with its own rules (Georgia: none since 2018) is
    answered by that country's rule, first, on the country-rules page: the general
    reintegration page would promise support that country's returnees do not get."""
    return (name == "topic" and expected == "reintegration" and got == "country_exceptions"
            and query.get("country") in own_rules)


def check(answer: Answer, expect: dict[str, Any],
          own_rules: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
    """Return the differences from `expect`, and whether a wrong number was stated."""
    problems = []
    if "verdict" in expect and answer.verdict != expect["verdict"]:
        problems.append(f"verdict {answer.verdict!r} != {expect['verdict']!r}")
    if answer.status != expect.get("status"):
        problems.append(f"status {answer.status} != {expect.get('status')}")
    query = answer.query or {}
    for name in _QUERY_FIELDS:
        if name in expect:
            got = answer.topic if name == "topic" else query.get(name)
            if got != expect[name] and not _own_rules_answer(name, got, expect[name], query,
                                                             own_rules):
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
    """Run every question of a table and check it. Asking back is right only for a row
    marked `ambiguous: true` (a human could not tell either); a wrong verdict is a defect
    like a wrong number (a verdict was given, and it is not the expected one)."""
    score = Score(path.stem)
    for row in load_table(path):
        answer = ask(engine, row)
        expect = row.get("expect") or {}
        problems, wrong = check(answer, expect, engine.store.own_rules)
        if row.get("ambiguous") and answer.status == "clarify" and not answer.facts:
            problems, wrong = [], False
        wrong_verdict = bool("verdict" in expect and answer.verdict is not None
                             and answer.verdict != expect["verdict"])
        score.outcomes.append(Outcome(str(row["q"]), not problems, wrong, problems, answer,
                                      wrong_verdict))
    return score


@dataclass
class CrossValidation:
    """Held-out accuracy of the router's choices, fold by fold over the example bank."""

    # (language, kind, topic, predicted kind, predicted topic, predicted language) per example
    rows: list[tuple[str, str, str | None, str, str | None, str]] = field(default_factory=list)

    def accuracy(self, head: str, by: str | None = None) -> dict[str, tuple[int, int]]:
        """Right and total per language ("lang") or per kind ("kind"), for one head."""
        out: dict[str, tuple[int, int]] = {}
        for lang, kind, topic, p_kind, p_topic, p_lang in self.rows:
            if head == "topic" and topic is None:
                continue
            right = {"kind": p_kind == kind, "topic": p_topic == topic,
                     "language": p_lang == lang}[head]
            key = {"lang": lang, "kind": kind, None: "all"}[by]
            if head == "topic" and by == "kind":
                key = topic or ""
            r, n = out.get(key, (0, 0))
            out[key] = (r + right, n + 1)
        return out


def _folds(examples: Sequence[Any], folds: int) -> list[int]:
    """The bank's files share a skeleton (row n of one language often translates row n of
    another), so the fold is the row's position in its file: a question and its translations
    are held out together, and the figure is not flattered by them."""
    position: dict[str, int] = {}
    fold_of = []
    for e in examples:
        fold_of.append(position.get(e.lang, 0) % folds)
        position[e.lang] = position.get(e.lang, 0) + 1
    return fold_of


def cross_validate(data_dir: Path, lexicon: Any, folds: int = 5,
                   only_fold: int | None = None) -> CrossValidation:
    """Train on all folds but one and test on that one, for every fold (or one)."""
    from bot.choose import train_router
    from bot.examples import load_examples
    from bot.parse import read_signals

    examples = load_examples(data_dir)
    fold_of = _folds(examples, folds)
    cv = CrossValidation()
    for k in range(folds) if only_fold is None else [only_fold]:
        test = {i for i, f in enumerate(fold_of) if f == k}
        router = train_router([e for i, e in enumerate(examples) if i not in test], lexicon)
        for i in sorted(test):
            e = examples[i]
            choice = router.choose(read_signals(e.text, lexicon))
            cv.rows.append((e.lang, e.kind, e.topic, choice.kind.best,
                            choice.topic.best if e.topic else None, choice.language.best))
    return cv


def margin_accuracy(data_dir: Path, lexicon: Any, folds: Sequence[int] = (0, 1),
                    step: float = 0.025) -> dict[str, dict[float, tuple[int, int]]]:
    """How often the router's best kind (topic) is right, by its margin over the second, on
    held-out folds: the margins below which the bot asks back are read off this table."""
    from bot.choose import train_router
    from bot.examples import load_examples
    from bot.parse import read_signals

    examples = load_examples(data_dir)
    fold_of = _folds(examples, 5)
    table: dict[str, dict[float, tuple[int, int]]] = {"kind": {}, "topic": {}}
    for k in folds:
        router = train_router([e for e, f in zip(examples, fold_of, strict=True) if f != k],
                              lexicon)
        for e, f in zip(examples, fold_of, strict=True):
            if f != k:
                continue
            s = read_signals(e.text, lexicon)
            readings = [("kind", router.kind(s), e.kind)]
            if e.topic:
                readings.append(("topic", router.topic(s), e.topic))
            for head, p, truth in readings:
                upper = round(min(int(p.margin / step) + 1, 8) * step, 3)
                right, n = table[head].get(upper, (0, 0))
                table[head][upper] = (right + (p.best == truth), n + 1)
    return table
