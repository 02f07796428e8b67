"""Golden question tables, one per language: accuracy thresholds and no wrong number."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import score_table

GOLDEN = Path(__file__).parent / "golden"
THRESHOLD = {"nl": 0.95, "fr": 0.95, "en": 0.95, "de": 0.95}
TABLES = sorted(GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("path", TABLES, ids=[p.stem for p in TABLES])
def test_golden_table_is_answered_right_and_never_with_a_wrong_number(engine, path):
    score = score_table(engine, path)
    misses = [f"{o.question!r}: {'; '.join(o.problems)}" for o in score.outcomes if not o.right]
    assert not score.wrong_numbers, "wrong numbers:\n" + "\n".join(
        f"{o.question!r}: {o.problems}" for o in score.wrong_numbers)
    assert len(score.outcomes) >= (60 if path.stem in ("nl", "fr", "en", "de") else 40)
    threshold = THRESHOLD.get(path.stem, 0.90)
    assert score.accuracy >= threshold, (
        f"{path.stem}: {score.accuracy:.1%} < {threshold:.0%}\n" + "\n".join(misses))
