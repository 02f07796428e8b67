"""The `returnbot` command: argument parsing and one error handler over the library."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import textwrap
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from bot import cli_ops, usage
from bot.answer import Answer
from bot.errors import ConfigError, DataError, ReturnBotError, StoreError
from bot.i18n import LANGUAGES, normalize_language

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.settings import Settings

__all__ = ["json_line", "main"]

log = logging.getLogger(__name__)

_DESCRIPTION = """\
ReturnBot answers questions about Belgium's assisted voluntary return programme (Fedasil,
with IOM and Caritas International) from the figures that were actually published, with
the source of every number, in nl fr en de es pt ro ru uk tr ar ka. It never guesses a
number: when a figure was never published it says so, and what was published instead."""

_EXAMPLES = """\
examples:
  returnbot ask "How many people returned in 2023?"
  returnbot ask "Combien de personnes sont rentrées en 2023 ?"
  returnbot ask --lang nl "top 5 countries in 2024"
  returnbot ask --chart trend.png "evolution since 2017"
  returnbot ask --json "is it true that 3000 returned in 2023?"
  printf 'returns 2022\\nreturns 2023\\n' | returnbot ask --json -
  returnbot chat                        (a conversation; Ctrl-D or Ctrl-C ends it)
  TELEGRAM_BOT_TOKEN=123:abc returnbot run
  returnbot db import annual-report-2023.csv

The store is built from the shipped data on first use (one line on stderr).
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one `returnbot: …` line like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"returnbot: {message} (see `{self.prog} --help`)\n")


class _Version(argparse.Action):
    """`--version`, looked up only when asked (package metadata costs a scan of sys.path)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("returnbot")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "(not installed)"
        print(f"returnbot {number}")
        parser.exit(0)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _language(text: str) -> str:
    lang = normalize_language(text)
    if lang is None:
        raise argparse.ArgumentTypeError(
            f"no language {text!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def _environment_help() -> str:
    from bot.settings import Settings, env_names

    names = env_names()
    lines = []
    for name, field in Settings.model_fields.items():
        lines.append(f"  {names[name]}")
        lines += textwrap.wrap(field.description or "", 88, initial_indent=" " * 6,
                               subsequent_indent=" " * 6)
    return "environment variables:\n" + "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="returnbot", description=_DESCRIPTION,
                epilog=_EXAMPLES + "\n" + _environment_help(),
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer one question (or one per stdin line with -)",
                         description="Answer one question, or JSON Lines from stdin with -.")
    ask.add_argument("question", help="the question, or - to read one per line from stdin")
    ask.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    ask.add_argument("--chart", type=Path, default=None, metavar="PNG",
                     help="also draw the answer's chart (trends, rankings) into this PNG file")
    _answer_options(ask)

    chat = sub.add_parser("chat", help="a conversation in the terminal that keeps follow-ups",
                          description="Ask question after question; 'and in 2022?' follows up.")
    _answer_options(chat)

    sub.add_parser("run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN), else the chat",
                   description="Run the Telegram bot when TELEGRAM_BOT_TOKEN is set, else chat.")
    _db_parser(sub.add_parser("db", help="build, check and import into the store",
                              description="Build the store, import staff figures, report gaps."))
    cli_ops.add_parsers(sub)  # stats, health
    _serve_parser(sub)
    _reach_parsers(sub)
    return p


def _serve_parser(sub: argparse._SubParsersAction[Any]) -> None:
    serve = sub.add_parser("serve", help="serve the store and questions on a web page (Datasette)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8001, help="port to listen on")
    serve.add_argument("--sql", action="store_true",
                       help="allow arbitrary read-only SQL (with a time limit)")
    _db_option(serve)


def _db_parser(db: argparse.ArgumentParser) -> None:
    sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    build = sub.add_parser("build", help="build the SQLite store from the data files")
    ensure = sub.add_parser("ensure", help="build the store only if missing or stale")
    imp = sub.add_parser("import", help="add figures from a CSV (the research columns)")
    imp.add_argument("file", type=Path, help="the CSV file (see README, 'Importing')")
    imp.add_argument("--keep", type=Path, default=None, metavar="DIR",
                     help="folder that keeps imported CSVs for rebuilds (RETURNBOT_IMPORTS_DIR)")
    check = sub.add_parser("check", help="report conflicting sources, missing totals and gaps")
    for p in (build, ensure, imp, check):
        _db_option(p)


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None, metavar="PATH",
                   help="the store file (default RETURNBOT_DB_PATH)")


def _reach_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    from bot.deeplink import TOPICS
    from bot.i18n import LANGUAGES

    link = sub.add_parser("link", help="print the deep link that opens a topic in a language")
    poster = sub.add_parser("poster", help="make an A4 poster (PDF or PNG) with the link's QR code")
    for p in (link, poster):
        p.add_argument("--lang", choices=LANGUAGES, required=p is link)
        p.add_argument("--topic", choices=TOPICS, required=p is link)
        p.add_argument("--bot", default=None, metavar="USERNAME",
                       help="the bot's username (else RETURNBOT_BOT_USERNAME, else getMe)")
    target = poster.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="the poster file: FILE.pdf or FILE.png")
    target.add_argument("--all", type=Path, metavar="DIR",
                        help="every language and topic into DIR (returnbot-<lang>-<topic>.pdf)")
    poster.add_argument("--format", choices=("pdf", "png"), default="pdf",
                        help="file type for --all (default pdf)")
    poster.add_argument("--scale", type=float, default=2.0,
                        help="PNG size: A4 at 96 dpi times this (default 2: 1588 × 2246 pixels)")


def _answer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", type=_language, default=None, metavar="LANG",
                   help=f"answer in this language ({' '.join(LANGUAGES)})")
    p.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD",
                   help="today's date, for 'last year' and 'since 2017'")
    _db_option(p)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status. Every failure is one `returnbot:` line."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C: the user asked to stop; nothing went wrong
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `returnbot ask … | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except DataError as e:  # one `FILE:LINE: field: what is wrong` per bad row
        for problem in e.problems:
            print(problem, file=sys.stderr)
        return 1
    except Exception as e:  # the one handler: a line, never a traceback (it may hold the token)
        log.debug("returnbot failed", exc_info=True)
        print(f"returnbot: {' '.join(_redact(_explain(e)).split())}", file=sys.stderr)
        return 1


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    settings = _settings()
    _configure_logging(settings, service=args.command in ("run", "serve"))
    db_path: Path = getattr(args, "db", None) or settings.db_path
    if args.command == "db":
        return _db(args, db_path, settings)
    if args.command == "run":
        return _run(settings)
    if args.command in cli_ops.COMMANDS:
        return cli_ops.COMMANDS[args.command](args, db_path, sys.stdout)
    if args.command == "serve":
        return _serve(args, db_path, settings)
    if args.command == "link":
        return _link(args)
    if args.command == "poster":
        return _poster(args)
    _ready_store(db_path, settings)
    if args.command == "ask":
        return _ask(args, db_path, sys.stdin, sys.stdout)
    return _chat(args, db_path, sys.stdin, sys.stdout)


def _settings() -> Settings:
    """Read the settings; a malformed one is a ConfigError naming its variable."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from bot.settings import Settings

    try:
        return Settings()
    except (ValidationError, SettingsError) as e:
        raise ConfigError(_explain_settings(e)) from None


def _configure_logging(settings: Settings, service: bool) -> None:
    """Log to stderr with the token removed. The services (bot, web page) log at
    RETURNBOT_LOG_LEVEL; the other commands only warnings, unless RETURNBOT_LOG_LEVEL is set."""
    handler = logging.StreamHandler()
    handler.setFormatter(_RedactingFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s" if service
        else "returnbot: %(levelname)s: %(name)s: %(message)s"))
    handler.addFilter(_without_rejected_token)
    explicit = service or "RETURNBOT_LOG_LEVEL" in os.environ
    # The root handler is in place first, so bot.telegram's basicConfig() adds no other.
    logging.basicConfig(level=settings.log_level.upper() if explicit else logging.WARNING,
                        handlers=[handler])


class _RedactingFormatter(logging.Formatter):
    """Formats records, tracebacks included, without the bot token."""

    def format(self, record: logging.LogRecord) -> str:
        return _redact(super().format(record))


def _without_rejected_token(record: logging.LogRecord) -> bool:
    """Drop PTB's traceback for a rejected token: main() reports it in one line."""
    return not (record.exc_info and _is_rejected_token(record.exc_info[1]))


def _explain(e: Exception) -> str:
    """One line that says what went wrong, in the user's terms."""
    if isinstance(e, ReturnBotError):
        return str(e)
    if _is_rejected_token(e):
        return "Telegram refused the bot token (TELEGRAM_BOT_TOKEN); check it with @BotFather"
    if isinstance(e, sqlite3.Error):
        return f"the store cannot be read ({e}); rebuild it with `returnbot db build`"
    if isinstance(e, OSError) and e.filename is not None:
        return f"{e.strerror or e}: {e.filename}"
    return f"unexpected {type(e).__name__}: {e} (RETURNBOT_LOG_LEVEL=DEBUG shows details)"


def _explain_settings(e: Exception) -> str:
    from pydantic import ValidationError

    from bot.settings import env_names

    names = env_names()
    if isinstance(e, ValidationError):
        first = e.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        return f"{names.get(field, field)}: {first['msg']}"
    # SettingsError: a value that is not the JSON the setting needs (a list, e.g. [1, 2])
    field = next((f for f in names if f'"{f}"' in str(e)), "")
    return f"{names.get(field, 'a setting')}: not valid JSON (e.g. [1, 2] for a list)"


def _is_rejected_token(e: BaseException | None) -> bool:
    if "telegram" not in sys.modules:
        return False
    from telegram.error import InvalidToken

    return isinstance(e, InvalidToken)


def _redact(text: str) -> str:
    """Remove the bot token: PTB and httpx put it in messages (it is part of every URL)."""
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    return text.replace(token, "***") if token else text


def _ready_store(db_path: Path, settings: Settings) -> None:
    """Build the store when it is missing or was built from older data; say so on stderr."""
    from bot.fingerprint import store_status

    status = store_status(db_path)
    if status == "current":
        return
    if status == "unreadable":
        raise StoreError(f"{db_path} is not a readable ReturnBot store; "
                         "rebuild it with `returnbot db build`")
    doing = "building" if status == "missing" else "rebuilding (the data changed)"
    print(f"returnbot: {doing} the store at {db_path}", file=sys.stderr, flush=True)
    _build(db_path, settings)


def _build(db_path: Path, settings: Settings) -> None:
    from bot import build

    build.build(db_path, settings.imports_dir)


def _db(args: argparse.Namespace, db_path: Path, settings: Settings) -> int:
    from bot import build, imports

    if args.db_command == "build":
        _refuse_folder(db_path)
        _build(db_path, settings)
        print(f"built {db_path}: {build.describe_json(db_path)}")
    elif args.db_command == "ensure":
        from bot.fingerprint import store_status

        if store_status(db_path) != "current":
            _build(db_path, settings)
            print(f"built {db_path}: {build.describe_json(db_path)}", file=sys.stderr)
    elif args.db_command == "import":
        _refuse_folder(db_path)
        keep = args.keep or settings.imports_dir
        n = imports.import_csv(args.file, db_path, keep)
        print(f"imported {n} figures from {args.file} into {db_path}; kept in {keep}")
    else:
        from bot.check import report

        _ready_store(db_path, settings)
        print(report(db_path))
    return 0


def _refuse_folder(db_path: Path) -> None:
    if db_path.is_dir():
        raise StoreError(f"the store path {db_path} is a folder; give a file path")


def _engine(db_path: Path) -> Engine:
    from bot.engine import Engine

    return Engine(db_path)


def _ask(args: argparse.Namespace, db_path: Path, stdin: TextIO, stdout: TextIO) -> int:
    if args.chart is not None and not args.chart.parent.is_dir():
        raise FileNotFoundError(2, "--chart: no such folder", str(args.chart.parent))
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
    context, previous_lang = None, None
    for line in _typed_lines(stdin, stdout):
        answer = engine.ask(line, lang=args.lang, context=context, today=args.today,
                            previous_lang=previous_lang)
        usage.count(answer, "cli")
        context, previous_lang = answer.query or context, answer.language
        print(answer.text + "\n", file=stdout, flush=True)
    return 0


def _typed_lines(stdin: TextIO, stdout: TextIO) -> Iterator[str]:
    """The non-empty lines of the conversation; at a terminal with line editing and history."""
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")
    if not stdin.isatty():
        yield from (line.rstrip("\r\n") for line in stdin if line.strip())
        return
    import readline  # noqa: F401  (input() gains arrow keys, history and Ctrl-R)

    print("ReturnBot — ask about Belgium's voluntary return figures (Ctrl-D to quit).",
          file=stdout)
    while True:
        try:
            line = input("> ")
        except EOFError:
            print(file=stdout)
            return
        if line.strip():
            yield line


def _bot_username(given: str | None) -> str:
    """Return the bot's username: --bot, else the setting, else Telegram's getMe."""
    import asyncio

    from bot.settings import Settings

    settings = Settings()
    if given or settings.bot_username:
        return str(given or settings.bot_username)
    if settings.telegram_bot_token is None:
        raise ReturnBotError("give --bot USERNAME, or set RETURNBOT_BOT_USERNAME or "
                             "TELEGRAM_BOT_TOKEN (to ask Telegram)")
    from telegram import Bot

    async def get_me() -> str:
        token = settings.telegram_bot_token.get_secret_value()  # type: ignore[union-attr]
        async with Bot(token, base_url=settings.telegram_api_base_url) as bot:
            return str(bot.username)

    return asyncio.run(get_me())


def _link(args: argparse.Namespace) -> int:
    from bot.deeplink import link

    print(link(_bot_username(args.bot), args.lang, args.topic))
    return 0


def _poster(args: argparse.Namespace) -> int:
    from bot.poster import every_poster, make_posters, poster_name

    username = _bot_username(args.bot)
    if args.out is not None:
        if not (args.lang and args.topic) or args.out.suffix.lower() not in (".pdf", ".png"):
            raise ReturnBotError("--out needs --lang, --topic and a .pdf or .png file name")
        jobs = [(args.lang, args.topic, args.out)]
    else:
        jobs = [(lang, topic, args.all / poster_name(lang, topic, args.format))
                for lang, topic in every_poster()
                if args.lang in (None, lang) and args.topic in (None, topic)]
    for path in make_posters(jobs, username, scale=args.scale):
        print(path)
    return 0


def _serve(args: argparse.Namespace, db_path: Path, settings: Settings) -> int:
    from bot.web.serve import serve

    _ready_store(db_path, settings)
    serve(db_path, host=args.host, port=args.port, sql=args.sql, state_path=settings.state_path)
    return 0


def _run(settings: Settings) -> int:
    _ready_store(settings.db_path, settings)
    if settings.telegram_bot_token is None:
        if not sys.stdin.isatty():  # e.g. a container started without the token
            print("returnbot: TELEGRAM_BOT_TOKEN is not set; answering the questions on stdin",
                  file=sys.stderr)
        return _chat(argparse.Namespace(lang=None, today=None), settings.db_path,
                     sys.stdin, sys.stdout)
    from bot.telegram.app import run

    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
