"""Report accuracy per language on the golden and held-out question tables.

    python scripts/evaluate.py [--misses] [--db PATH]
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--misses", action="store_true", help="list every question answered wrong")
    p.add_argument("--db", type=Path,
                   default=Path(os.environ.get("RETURNBOT_DB_PATH", ROOT / "var/returnbot.db")))
    p.add_argument("--only", default=None, help="golden, heldout or unseen")
    p.add_argument("--lang", default=None)
    p.add_argument("--markdown", action="store_true", help="one table row per language")
    args = p.parse_args()
    if args.markdown:
        return markdown(Engine(args.db))
    engine = Engine(args.db)
    print(f"{'set':8} {'lang':4} {'questions':>9} {'right':>6} {'accuracy':>8} {'wrong numbers':>13}")
    for kind in ("golden", "heldout", "unseen"):
        if args.only and kind != args.only:
            continue
        for path in sorted((ROOT / "tests" / kind).glob("*.yaml")):
            if args.lang and path.stem != args.lang:
                continue
            s = score_table(engine, path)
            right = sum(o.right for o in s.outcomes)
            print(f"{kind:8} {path.stem:4} {len(s.outcomes):9} {right:6} {s.accuracy:8.1%} "
                  f"{len(s.wrong_numbers):13}")
            if args.misses:
                for o in s.outcomes:
                    if not o.right:
                        flag = "WRONG NUMBER " if o.wrong_number else ""
                        print(f"    {flag}{o.question!r}: {'; '.join(o.problems)}")


def markdown(engine: Engine) -> None:
    """Print the README's accuracy table: one row per language, one column per set."""
    from bot.i18n import LANGUAGE_NAMES, LANGUAGES

    print("| language | golden (tuned on) | held-out | unseen | wrong numbers |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for lang in LANGUAGES:
        cells, wrong = [], 0
        for kind in ("golden", "heldout", "unseen"):
            path = ROOT / "tests" / kind / f"{lang}.yaml"
            if not path.exists():
                cells.append("—")
                continue
            s = score_table(engine, path)
            right = sum(o.right for o in s.outcomes)
            wrong += len(s.wrong_numbers)
            cells.append(f"{s.accuracy:.1%} ({right}/{len(s.outcomes)})")
        print(f"| {lang} {LANGUAGE_NAMES[lang]} | {' | '.join(cells)} | {wrong} |")


if __name__ == "__main__":
    main()
