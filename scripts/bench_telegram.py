"""Telegram throughput: answered updates per second through the real PTB stack.

Both contenders poll the same fake Bot API server (tests/telegram/fakeapi.py), run in its
own process so that it does not compete with the bot for the interpreter:

- bare: a plain python-telegram-bot Application that echoes every text message
  (default builder settings: sequential processing, no rate limiter);
- returnbot: `bot.telegram.app.build_application` with the real engine and store, the
  state store, buttons, retries and per-chat ordering. Telegram's outgoing limits
  (30 msg/s) are lifted by default, because the fake server does not impose them and the
  bare bot has none; `--telegram-limits` keeps them.

Each run pushes N updates (questions from U users) into the server at once and measures
from the push until the server has received an answer to every one of them. The questions
are text questions (totals, countries, profiles, follow-ups, support information); charts
are measured separately with `--charts`.

Two measurements of ReturnBot alone, with Telegram's limits on (30 msg/s), as deployed:

- `--stop`: 1,500 questions (300 users × 5) queued, `returnbot run` as a real process,
  SIGTERM after a few seconds and SIGKILL 10 s later (what `docker stop` does); reports the
  updates confirmed to the server but never answered (lost for good), and what stays with
  the server for the next process;
- `--flood`: one chat sends 1,000 messages, then another user asks one question; reports
  how long that user waits for the answer.

    .venv/bin/python scripts/bench_telegram.py [--updates 2000] [--users 300] [--repeat 3]
    .venv/bin/python scripts/bench_telegram.py --stop --flood
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "telegram"))

from conftest import running  # noqa: E402
from fakeapi import TOKEN, FakeBotAPI  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.settings import Settings  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402

QUESTIONS = [
    "How many people returned in 2023?",
    "and in 2022?",
    "How many returned to Georgia in 2018?",
    "Hoeveel mensen keerden terug in 2024?",
    "Combien de retours volontaires en 2021 ?",
    "share of rejected applicants in 2023",
    "is it true that 3000 people returned in 2023?",
    "how do I apply?",
    "weather in Brussels",
]
CHART_QUESTIONS = ["top 5 countries in 2024", "evolution since 2017"]


def _start_server() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "telegram" / "fakeapi.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def _updates(count: int, users: int, questions: list[str], first_id: int) -> list[dict[str, Any]]:
    api = FakeBotAPI()
    return [
        api.message(FakeBotAPI.user(first_id + i % users, "en"), questions[i % len(questions)])
        for i in range(count)
    ]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def _bare(base_url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    app = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


async def _run_once(
    name: str, base_url: str, settings: Settings | None, count: int, users: int,
    questions: list[str], rounds: int = 1,
) -> tuple[float, float]:
    """Return answered updates per second and the bot process's CPU ms per update."""
    app = _bare(base_url) if settings is None else build_application(settings)
    client = httpx.AsyncClient(base_url=base_url.removesuffix("/bot"))
    cpu = [0.0, 0.0]
    rss = RSS

    async def sent() -> int:
        return int((await client.get("/_control/stats")).json()["sent"])

    async def push_and_wait(updates: list[dict[str, Any]], timeout: float) -> float:
        before = await sent()
        cpu[0] = time.process_time()
        started = time.perf_counter()
        await client.post("/_control/push", json=updates)
        deadline = started + timeout
        while await sent() < before + len(updates):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{name}: answers missing after {timeout} s")
            await asyncio.sleep(0.02)
        cpu[1] = time.process_time()
        return time.perf_counter() - started

    # The same start and stop as the tests' `running` (post_init, polling, shutdown).
    try:
        async with running(app):
            await push_and_wait(_updates(50, 50, questions, 10_000), 60)  # warm-up
            elapsed = 0.0
            per_round = count // rounds
            for i in range(rounds):
                elapsed += await push_and_wait(
                    _updates(per_round, users, questions, 100_000 + i * per_round), 1800)
                if i == 0:
                    # After one full burst: the interpreter has grown its heap to a burst's size.
                    rss[0] = _rss_mb()
            rss[1] = _rss_mb()
            count = per_round * rounds
    finally:
        await client.aclose()
    return count / elapsed, (cpu[1] - cpu[0]) / count * 1000


RSS = [0.0, 0.0]  # the bot process's resident memory after warm-up and after the run, MB


def _rss_mb() -> float:
    import gc

    gc.collect()
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def soak(count: int, users: int) -> None:
    """Answer `count` updates in bursts of 1,000 in one run of ReturnBot; print its memory
    after the first burst and after the last (a leak grows with every burst)."""
    with tempfile.TemporaryDirectory() as tmp:
        from bot.build import write

        store = Path(tmp) / "returnbot.db"
        write(store)
        server, base_url = _start_server()
        try:
            settings = _settings(base_url, Path(tmp), store, False)
            rate, _cpu = asyncio.run(_run_once("returnbot", base_url, settings, count, users,
                                               QUESTIONS + CHART_QUESTIONS[1:],
                                               rounds=max(1, count // 1000)))
        finally:
            server.terminate()
            server.wait()
    growth = (RSS[1] - RSS[0]) / RSS[0] * 100
    print(f"soak: {count:,} updates from {users} users in bursts of 1,000 at {rate:.0f}/s; "
          f"bot RSS after the first burst → after the last: {RSS[0]:.0f} → {RSS[1]:.0f} MB "
          f"({growth:+.1f}%)")


def _settings(base_url: str, workdir: Path, store: Path, limits: bool) -> Settings:
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
        "db_path": store, "state_path": workdir / f"state-{time.monotonic_ns()}.db",
    }
    if not limits:
        values.update(rate_limit_per_second=0, rate_limit_group_per_minute=0)
    return Settings(**values)


STOP_YEARS = (2019, 2020, 2021, 2022, 2023)


def _get(base_url: str, path: str) -> dict[str, Any]:
    return dict(httpx.get(base_url.removesuffix("/bot") + path, timeout=10).json())


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop_under_backlog(workdir: Path, store: Path, after: float = 5.0,
                       grace: float = 10.0) -> None:
    """SIGTERM `returnbot run` with 1,500 questions queued; print what was lost."""
    server, base_url = _start_server()
    try:
        users = [FakeBotAPI.user(300_000 + i, "en") for i in range(300)]
        api = FakeBotAPI()
        backlog = [api.message(u, f"How many people returned in {y}?")
                   for y in STOP_YEARS for u in users]
        httpx.post(base_url.removesuffix("/bot") + "/_control/push", json=backlog, timeout=30)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("RETURNBOT_", "TELEGRAM_"))}
        env.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
                    "RETURNBOT_DB_PATH": str(store), "RETURNBOT_LOG_LEVEL": "WARNING",
                    "RETURNBOT_STATE_PATH": str(workdir / "stop-state.db")})
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _get(base_url, "/_control/stats")["sent"] > 0, 60, "the first answer")
        time.sleep(after)
        bot.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        try:
            bot.wait(grace)
            how = f"exited {bot.returncode} after {time.monotonic() - stopped:.1f} s"
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait()
            how = f"killed after the {grace:.0f} s grace"
        stats = _get(base_url, "/_control/stats")
    finally:
        server.terminate()
        server.wait()
    answered, confirmed = stats["sent"], stats["confirmed"]
    print(f"stop: 1,500 questions queued, SIGTERM {after:.0f} s after the first answer, {how}: "
          f"{answered} answered, {confirmed} confirmed, lost {confirmed - answered} of 1,500; "
          f"{stats['pending_updates']} left with the server for the next process")


def _state_language(path: Path, user_id: int) -> str | None:
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = db.execute("SELECT language FROM user_language WHERE user_id = ?",
                         (user_id,)).fetchone()
    except sqlite3.Error:
        row = None
    finally:
        db.close()
    return str(row[0]) if row else None


async def _flood_wait(base_url: str, settings: Settings, flood: int) -> tuple[float, int, float]:
    """Return the other user's wait, the flooding chat's messages, and the delay between a
    language choice's acknowledgement and its row in the state file (during the flood)."""
    from bot.telegram.callbacks import encode_language

    app = build_application(settings)
    flooder, other = FakeBotAPI.user(400_001, "en"), FakeBotAPI.user(400_002, "en")
    chooser = FakeBotAPI.user(400_003, "en")
    api = FakeBotAPI()
    client = httpx.AsyncClient(base_url=base_url.removesuffix("/bot"))

    async def messages(user: dict[str, Any]) -> int:
        return int((await client.get(f"/_control/chat/{user['id']}")).json()["messages"])

    async def acknowledged() -> int:
        stats = (await client.get("/_control/stats")).json()
        return int(stats["by_method"].get("answercallbackquery", 0))

    menu = {"message_id": 1, "date": 0, "chat": FakeBotAPI.private_chat(chooser),
            "text": "Choose", "from": {"id": 1, "is_bot": True, "first_name": "Bot"}}
    try:
        async with running(app):
            await client.post("/_control/push", json=[
                api.message(flooder, f"How many people returned in {2000 + i % 25}?")
                for i in range(flood)])
            started = time.perf_counter()
            await client.post("/_control/push", json=[
                api.message(other, "How many people returned in 2023?"),
                {"callback_query": {"id": "1", "from": chooser, "chat_instance": "c",
                                    "message": menu, "data": encode_language("de")}}])
            while not await acknowledged():
                await asyncio.sleep(0.005)
            acked = time.perf_counter()
            while _state_language(settings.state_path, chooser["id"]) != "de":
                await asyncio.sleep(0.005)
            written = time.perf_counter() - acked
            while not await messages(other):
                await asyncio.sleep(0.01)
            wait = time.perf_counter() - started
            await asyncio.sleep(1.0)  # the flooding chat's answers still in flight
            return wait, await messages(flooder), written
    finally:
        await client.aclose()


def flood(workdir: Path, store: Path, count: int = 1000, repeat: int = 3) -> None:
    """One chat sends `count` messages, then another user asks: print that user's wait."""
    runs = []
    for _ in range(repeat):
        server, base_url = _start_server()
        try:
            settings = _settings(base_url, workdir, store, limits=True)
            runs.append(asyncio.run(_flood_wait(base_url, settings, count)))
        finally:
            server.terminate()
            server.wait()
    waits = sorted(r[0] for r in runs)
    writes = sorted(r[2] for r in runs)
    print(f"flood: one chat sent {count:,} messages, then another user asked: answered after "
          f"{statistics.median(waits):.2f} s (median of {repeat}; max {waits[-1]:.2f} s; "
          f"Telegram limits on); the flooding chat got {runs[0][1]} messages "
          f"({settings.chat_backlog} questions at most at a time, and a notice)")
    print(f"state: during the flood, a language choice was in the state file at most "
          f"{writes[-1]:.3f} s after the bot answered its button press ({repeat} runs; "
          f"0 = already there)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--telegram-limits", action="store_true",
                        help="keep Telegram's outgoing limits (30 msg/s) in ReturnBot")
    parser.add_argument("--charts", action="store_true",
                        help="ask questions whose answers are charts (PNG photos)")
    parser.add_argument("--soak", type=int, default=0, metavar="N",
                        help="instead: answer N updates in one run and report memory growth")
    parser.add_argument("--stop", action="store_true",
                        help="instead: SIGTERM under a backlog of 1,500; count the lost")
    parser.add_argument("--flood", action="store_true",
                        help="instead: another user's wait while one chat sends 1,000")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if args.soak:
        return soak(args.soak, args.users)
    if args.stop or args.flood:
        with tempfile.TemporaryDirectory() as tmp:
            from bot.build import write

            store = Path(tmp) / "returnbot.db"
            write(store)
            if args.stop:
                stop_under_backlog(Path(tmp), store)
            if args.flood:
                flood(Path(tmp), store)
        return None
    questions = CHART_QUESTIONS if args.charts else QUESTIONS
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        from bot.build import write

        store = workdir / "returnbot.db"
        write(store)
        rates: dict[str, list[float]] = {"bare": [], "returnbot": []}
        cpus: dict[str, list[float]] = {"bare": [], "returnbot": []}
        for _ in range(args.repeat):
            for name in rates:  # alternate, so that drifts hit both alike
                server, base_url = _start_server()
                try:
                    settings = (None if name == "bare" else
                                _settings(base_url, workdir, store, args.telegram_limits))
                    rate, cpu = asyncio.run(_run_once(name, base_url, settings, args.updates,
                                                      args.users, questions))
                finally:
                    server.terminate()
                    server.wait()
                rates[name].append(rate)
                cpus[name].append(cpu)
                print(f"  {name:9s} {rate:8.1f} answered updates/s, {cpu:5.2f} CPU ms/update",
                      flush=True)
    bare, ours = (statistics.median(rates[n]) for n in ("bare", "returnbot"))
    bare_cpu, ours_cpu = (statistics.median(cpus[n]) for n in ("bare", "returnbot"))
    print(f"updates: {args.updates} from {args.users} users, median of {args.repeat} runs"
          + (" (charts)" if args.charts else ""))
    print(f"bare PTB echo bot: {bare:8.1f} answered updates/s ({bare_cpu:.2f} CPU ms/update)")
    print(f"ReturnBot:         {ours:8.1f} answered updates/s ({ours_cpu:.2f} CPU ms/update)"
          + (" (Telegram limits on)" if args.telegram_limits else ""))
    # Runs alternate, so each pair saw the same machine: the median of the pairs' ratios is
    # steadier than the ratio of the medians when other work shares the machine.
    pairs = statistics.median(o / b for o, b in zip(rates["returnbot"], rates["bare"], strict=True))
    print(f"ratio:             {ours / bare:8.2f} of the medians, {pairs:.2f} median of the "
          f"{args.repeat} paired runs (CPU per update: {bare_cpu / ours_cpu:.2f})")


if __name__ == "__main__":
    main()
