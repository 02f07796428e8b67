"""Report accuracy per language on the question tables, and the router's cross-validated
accuracy on the example bank.

    python scripts/evaluate.py [--misses] [--db PATH] [--only golden|heldout|unseen|fresh]
    python scripts/evaluate.py --markdown        # the README's accuracy table
    python scripts/evaluate.py --cv              # the README's cross-validation tables (make eval)
    python scripts/evaluate.py --margins         # where asking back beats guessing
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.evaluation import score_table  # noqa: E402

SETS = ("golden", "heldout", "unseen", "fresh", "dev", "final")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--misses", action="store_true", help="list every question answered wrong")
    p.add_argument("--db", type=Path,
                   default=Path(os.environ.get("RETURNBOT_DB_PATH", ROOT / "var/returnbot.db")))
    p.add_argument("--only", default=None, help="golden, heldout, unseen or fresh")
    p.add_argument("--cv", action="store_true",
                   help="5-fold cross-validation of the router on data/examples/")
    p.add_argument("--margins", action="store_true",
                   help="how often the best kind/topic is right, by margin (two held-out folds)")
    p.add_argument("--lang", default=None)
    p.add_argument("--markdown", action="store_true", help="one table row per language")
    args = p.parse_args()
    if args.markdown:
        return markdown(Engine(args.db))
    if args.cv:
        return cross_validation(Engine(args.db))
    if args.margins:
        return margins(Engine(args.db))
    engine = Engine(args.db)
    print(f"{'set':8} {'lang':4} {'questions':>9} {'right':>6} {'accuracy':>8} {'wrong numbers':>13}"
          f" {'wrong verdicts':>14}")
    for kind in SETS:
        if args.only and kind != args.only:
            continue
        for path in sorted((ROOT / "tests" / kind).glob("*.yaml")):
            if args.lang and path.stem != args.lang:
                continue
            s = score_table(engine, path)
            right = sum(o.right for o in s.outcomes)
            print(f"{kind:8} {path.stem:4} {len(s.outcomes):9} {right:6} {s.accuracy:8.1%} "
                  f"{len(s.wrong_numbers):13} {len(s.wrong_verdicts):14}")
            if args.misses:
                for o in s.outcomes:
                    if not o.right:
                        flag = "WRONG NUMBER " if o.wrong_number else ""
                        print(f"    {flag}{o.question!r}: {'; '.join(o.problems)}")


def markdown(engine: Engine) -> None:
    """Print the README's accuracy table: one row per language, one column per set."""
    from bot.i18n import LANGUAGE_NAMES, LANGUAGES

    print("| language | golden (trained on) | held-out (trained on) | unseen (trained on) "
          "| fresh (first run) | wrong numbers | wrong verdicts |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for lang in LANGUAGES:
        cells, wrong, verdicts = [], 0, 0
        for kind in SETS:
            path = ROOT / "tests" / kind / f"{lang}.yaml"
            if not path.exists():
                cells.append("—")
                continue
            s = score_table(engine, path)
            right = sum(o.right for o in s.outcomes)
            wrong += len(s.wrong_numbers)
            verdicts += len(s.wrong_verdicts)
            cells.append(f"{s.accuracy:.1%} ({right}/{len(s.outcomes)})")
        print(f"| {lang} {LANGUAGE_NAMES[lang]} | {' | '.join(cells)} | {wrong} | {verdicts} |")


def cross_validation(engine: Engine) -> None:
    """Print the router's 5-fold cross-validated accuracy per language and per kind/topic."""
    import time

    from bot.evaluation import cross_validate

    started = time.perf_counter()
    cv = cross_validate(ROOT / "data", engine.store.lexicon)
    print(f"5-fold cross-validation on data/examples/ ({len(cv.rows)} questions, "
          f"{time.perf_counter() - started:.0f} s)\n")
    heads = ("kind", "topic", "language")
    print("| language | " + " | ".join(heads) + " |")
    print("| --- |" + " ---: |" * len(heads))
    tables = {h: cv.accuracy(h, "lang") for h in heads}
    for key in sorted(tables["kind"]) + ["all"]:
        cells = []
        for h in heads:
            r, n = (cv.accuracy(h)["all"] if key == "all" else tables[h].get(key, (0, 0)))
            cells.append(f"{r / n:.1%}" if n else "—")
        print(f"| {key} | " + " | ".join(cells) + " |")
    for head, title in (("kind", "kind"), ("topic", "support topic")):
        print(f"\n| {title} | right | questions | accuracy |\n| --- | ---: | ---: | ---: |")
        for key, (r, n) in sorted(cv.accuracy(head, "kind").items()):
            print(f"| {key} | {r} | {n} | {r / n:.1%} |")


def margins(engine: Engine) -> None:
    """The table the ask-back margins in bot/choose.py are read from."""
    from bot.evaluation import margin_accuracy

    table = margin_accuracy(ROOT / "data", engine.store.lexicon)
    for head, rows in table.items():
        print(f"\n| {head} margin below | right | questions | accuracy |\n| ---: | ---: | ---: | ---: |")
        for upper, (right, n) in sorted(rows.items()):
            label = f"{upper:.3f}" if upper < 0.2 else "(any larger)"
            print(f"| {label} | {right} | {n} | {right / n:.0%} |")


if __name__ == "__main__":
    main()
