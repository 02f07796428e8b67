"""The operators' commands of `returnbot`: `stats` (anonymous usage counts) and `health`.

A thin argparse layer over bot/stats.py and bot/health.py; bot/cli.py adds these parsers
and dispatches to `COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `stats` and `health` to the `returnbot` subcommands."""
    stats = sub.add_parser("stats", help="anonymous usage counts (counts under 5 show as <5)")
    stats.add_argument("--days", type=_positive, default=30, help="the last N days (default 30)")
    stats.add_argument("--format", choices=("table", "csv", "json"), default="table")
    stats.add_argument("--unpublished", action="store_true",
                       help="only the most-asked figures that were never published")
    stats.add_argument("--state", type=Path, default=None,
                       help="state database (RETURNBOT_STATE_PATH)")
    stats.add_argument("--db", type=Path, default=None,
                       help="store, to leave out figures published since (RETURNBOT_DB_PATH)")
    health = sub.add_parser("health", help="exit 0 if the running bot polls and has its store")
    health.add_argument("--state", type=Path, default=None,
                        help="state database of the bot to check (RETURNBOT_STATE_PATH)")


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _state_path(args: argparse.Namespace) -> Path:
    from bot.settings import Settings

    return args.state or Settings().state_path


def stats_command(args: argparse.Namespace, db_path: Path, stdout: TextIO) -> int:
    """Print the usage summary (or only the unpublished figures) as a table, CSV or JSON."""
    from bot import stats

    summary = stats.summarize(_state_path(args), args.days, store_path=db_path)
    if args.format == "json":
        data = stats.as_json(summary)
        print(json.dumps(data["unpublished"] if args.unpublished else data,
                         ensure_ascii=False, indent=2), file=stdout)
    elif args.format == "csv":
        print(stats.as_csv(summary, args.unpublished), end="", file=stdout)
    else:
        print(stats.as_table(summary, args.unpublished), file=stdout)
    return 0


def health_command(args: argparse.Namespace, db_path: Path, stdout: TextIO) -> int:
    """Print one line on the running bot's health; 0 when healthy, else 1."""
    from bot.health import check

    verdict = check(_state_path(args))
    print(verdict.reason, file=stdout)
    return 0 if verdict.healthy else 1


COMMANDS: dict[str, Callable[[argparse.Namespace, Path, TextIO], int]] = {
    "stats": stats_command, "health": health_command,
}
