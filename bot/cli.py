"""The `returnbot` command: a thin argparse layer over the library (build, import, ask, run)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot import cli_ops, usage
from bot.answer import Answer
from bot.errors import DataError, ReturnBotError

if TYPE_CHECKING:
    from bot.engine import Engine

__all__ = ["main"]

log = logging.getLogger(__name__)


def _default_db() -> Path:
    return Path(os.environ.get("RETURNBOT_DB_PATH", "var/returnbot.db"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="returnbot", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="build, import into and check the store").add_subparsers(
        dest="db_command", required=True)
    build = db.add_parser("build", help="build the SQLite store from data/")
    build.add_argument("--db", type=Path, default=None, help="store path (RETURNBOT_DB_PATH)")
    ensure = db.add_parser("ensure", help="build the store only if missing or stale")
    ensure.add_argument("--db", type=Path, default=None)
    imp = db.add_parser("import", help="add figures from a CSV (research columns)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--db", type=Path, default=None)
    imp.add_argument("--keep", type=Path, default=None,
                     help="folder that keeps imported CSVs for rebuilds (default data/imports)")
    check = db.add_parser("check", help="report conflicting sources and gaps")
    check.add_argument("--db", type=Path, default=None)

    ask = sub.add_parser("ask", help="answer one question (or JSON Lines from stdin with -)")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    ask.add_argument("--chart", type=Path, default=None, metavar="PNG",
                     help="also draw the answer's chart (trends, rankings) into this PNG file")
    _answer_options(ask)

    chat = sub.add_parser("chat", help="console chat: a question per line, keeps follow-ups")
    _answer_options(chat)

    sub.add_parser("run", help="run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else chat")
    cli_ops.add_parsers(sub)  # stats, health
    return p


def _answer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", default=None, help="answer in this language (nl, fr, en, …)")
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="today's date, for 'last year' (YYYY-MM-DD)")
    p.add_argument("--db", type=Path, default=None)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    db_path: Path = getattr(args, "db", None) or _default_db()
    try:
        if args.command == "db":
            return _db(args, db_path)
        if args.command == "ask":
            return _ask(args, db_path, sys.stdin, sys.stdout)
        if args.command == "chat":
            return _chat(args, db_path, sys.stdin, sys.stdout)
        if args.command in cli_ops.COMMANDS:
            return cli_ops.COMMANDS[args.command](args, db_path, sys.stdout)
        return _run(db_path)
    except BrokenPipeError:  # `returnbot ask … | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except DataError as e:
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 1
    except ReturnBotError as e:
        print(f"returnbot: {e}", file=sys.stderr)
        return 1


def _db(args: argparse.Namespace, db_path: Path) -> int:
    from bot import build
    from bot.datafiles import DATA_DIR

    if args.db_command == "build":
        build.write(db_path)
        print(f"built {db_path}: {build.describe_json(db_path)}")
    elif args.db_command == "ensure":
        if build.store_fingerprint(db_path) != build.data_fingerprint():
            build.write(db_path)
            print(f"built {db_path}: {build.describe_json(db_path)}", file=sys.stderr)
    elif args.db_command == "import":
        keep = args.keep or DATA_DIR / "imports"
        n = build.import_csv(args.file, db_path, keep)
        print(f"imported {n} figures from {args.file} into {db_path}; kept in {keep}")
    else:
        from bot.check import report

        _require_store(db_path)
        print(report(db_path))
    return 0


def _require_store(db_path: Path) -> None:
    from bot.errors import StoreError

    if not db_path.exists():
        raise StoreError(f"no store at {db_path}; run `returnbot db build` first")


def _engine(db_path: Path) -> Engine:
    from bot.engine import Engine

    _require_store(db_path)
    return Engine(db_path)


def _ask(args: argparse.Namespace, db_path: Path, stdin: TextIO, stdout: TextIO) -> int:
    engine = _engine(db_path)
    if args.question != "-":
        answer = engine.ask(args.question, lang=args.lang, today=args.today)
        usage.count(answer, "cli")
        print(json_line(answer) if args.json else answer.text, file=stdout)
        if args.chart and answer.chart is not None:
            from bot.chart import render_png

            args.chart.write_bytes(render_png(answer.chart,
                                              number=engine.renderer(answer.language).number))
        return 0
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 must not stop the stream
    for line in stdin:
        answer = _safe_ask(engine, line.rstrip("\r\n"), args)
        usage.count(answer, "cli")
        if args.json:
            print(json_line(answer), file=stdout, flush=True)
        else:
            print(answer.text + "\n", file=stdout, flush=True)
    return 0


# Characters that JSON allows raw but that line-splitting readers treat as line ends.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(answer: Answer) -> str:
    """The answer contract as one JSON line that every JSON Lines reader splits correctly."""
    return json.dumps(answer.contract(), ensure_ascii=False).translate(_LINE_BREAKS)


def _safe_ask(engine: Engine, text: str, args: argparse.Namespace) -> Answer:
    """Answer one line; a bug on one line is logged and answered, and the stream goes on."""
    try:
        return engine.ask(text, lang=args.lang, today=args.today)
    except Exception:
        log.exception("could not answer a line")
        return Answer(question=text, language="en", status="not_understood", query=None,
                      text="Sorry, something went wrong with this question.")


def _chat(args: argparse.Namespace, db_path: Path, stdin: TextIO, stdout: TextIO) -> int:
    engine = _engine(db_path)
    context = None
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")
    interactive = stdin.isatty()
    if interactive:
        print("ReturnBot — ask about Belgium's voluntary return figures (Ctrl-D to quit).",
              file=stdout)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        answer = engine.ask(line.rstrip("\r\n"), lang=args.lang, context=context,
                            today=args.today)
        usage.count(answer, "cli")
        context = answer.query or context
        print(answer.text + "\n", file=stdout, flush=True)


def _run(db_path: Path) -> int:
    from bot.settings import Settings

    settings = Settings()
    if settings.telegram_bot_token is None:
        ns = argparse.Namespace(lang=None, today=None)
        return _chat(ns, settings.db_path if "RETURNBOT_DB_PATH" in os.environ else db_path,
                     sys.stdin, sys.stdout)
    from bot.telegram.app import run

    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
