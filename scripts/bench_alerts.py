"""Alerts to many subscribers: time, memory, and how long users' questions wait meanwhile.

The real bot (build_application, real engine and store, Telegram's 30 messages per second
kept) runs against the fake Bot API (tests/telegram/fakeapi.py, in this process). N chats
are subscribed and the store has been seen; then figures for 2026 are imported, and the
bot alerts every subscriber. While the alerts go out, a user asks a question every
`--every` seconds; each question's delay is the time from its push to the server receiving
its answer (the server stamps every call on arrival).

    .venv/bin/python scripts/bench_alerts.py [--subscribers 10000] [--every 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "telegram"))

from conftest import running  # noqa: E402
from fakeapi import TOKEN, FakeBotAPI  # noqa: E402

from bot.alerts import figure_keys  # noqa: E402
from bot.build import write  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402
from bot.imports import import_csv  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram.alerts import AlertStore  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402

IMPORT = (
    "indicator,year,country_iso2,profile,value,unit,precision,source_url,source_publisher,"
    "source_title,source_date,source_language,evidence\n"
    "returns_total,2026,,,3001,persons,exact,https://www.fedasil.be/en/annual-report-2026.pdf,"
    "Fedasil,Annual report 2026,2026-11-30,en,Table 1\n"
)
ASKER_IDS = 5_000_000  # askers' chat ids start here; subscribers are 1…N


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field)) / 1024


def _seed(state: Path, store: Path, subscribers: int) -> None:
    """Subscribe N chats (languages in turn) and record the store as already announced."""
    alerts = AlertStore(state)
    rows = [(chat_id, LANGUAGES[chat_id % len(LANGUAGES)]) for chat_id in range(1, subscribers + 1)]
    alerts._transaction(lambda db: db.executemany(  # noqa: SLF001 - one transaction, not N
        "INSERT OR REPLACE INTO alert_subscriber VALUES (?, ?)", rows))
    alerts.record(set(figure_keys(store)), {})
    alerts.close()


def _delivered_alerts(api: FakeBotAPI, subscribers: int) -> int:
    with api._lock:  # noqa: SLF001 - a read of the server's counters, benchmark only
        return sum(1 for c in api.calls if c.method == "sendmessage" and c.status == 200
                   and 0 < int(c.params.get("chat_id", 0)) <= subscribers)


async def _run(subscribers: int, every: float, workdir: Path) -> dict[str, Any]:
    store, state = workdir / "returnbot.db", workdir / "state.db"
    write(store)
    _seed(state, store, subscribers)
    with FakeBotAPI() as api:
        settings = Settings(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, db_path=store,
            state_path=state, alert_check_seconds=1.0)
        app = build_application(settings)
        async with running(app):
            await asyncio.sleep(2)  # started, first check done: nothing new yet
            rss_before = _rss_mb()
            csv = workdir / "report-2026.csv"
            csv.write_text(IMPORT, encoding="utf-8")
            import_csv(csv, store, workdir / "kept")
            started = time.monotonic()
            pushed: dict[int, float] = {}
            done = 0
            while done < subscribers:
                asker = ASKER_IDS + len(pushed)
                pushed[asker] = time.monotonic()
                api.say(FakeBotAPI.user(asker, "en"), "How many people returned in 2023?")
                await asyncio.sleep(every)
                if len(pushed) % max(1, int(2 / every)) == 0:
                    done = _delivered_alerts(api, subscribers)
            elapsed = time.monotonic() - started
            rss_after = _rss_mb()
            await asyncio.sleep(3)  # the last questions' answers
        delays: list[tuple[float, float]] = []  # (delay, seconds after the import)
        for asker, at in pushed.items():
            answers = api.calls_to("sendMessage", chat_id=asker)
            if answers:
                delays.append((answers[0].at - at, at - started))
    return {
        "elapsed": elapsed, "rate": subscribers / elapsed, "rss_before": rss_before,
        "rss_after": rss_after, "peak": _rss_mb("VmHWM"), "questions": len(pushed),
        "answered": len(delays), "max": max(delays),
        "median_delay": statistics.median(d for d, _ in delays),
        "p99_delay": sorted(d for d, _ in delays)[int(len(delays) * 0.99)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--every", type=float, default=0.5,
                        help="seconds between two users' questions while alerts go out")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(_run(args.subscribers, args.every, Path(tmp)))
    print(f"| alerts to {args.subscribers:,} subscribers at the 30 msg/s limit | "
          f"{r['elapsed']:.0f} s ({r['rate']:.1f} msg/s) | ≥ {args.subscribers / 30:.0f} s |")
    print(f"| RSS (bot and fake server) before → after; peak | {r['rss_before']:.0f} → "
          f"{r['rss_after']:.0f} MB; {r['peak']:.0f} MB | — |")
    delay, at = r["max"]
    print(f"| questions meanwhile ({r['answered']}/{r['questions']} answered): median, p99, "
          f"max delay | {r['median_delay']:.2f} s, {r['p99_delay']:.2f} s, {delay:.2f} s "
          f"({at:.0f} s after the import) | max ≤ 2 s |")


if __name__ == "__main__":
    main()
