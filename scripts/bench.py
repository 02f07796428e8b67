"""`make bench`: measure answer time per query kind, cold start, memory, build time, a soak
run, and (when available) Telegram throughput; print a Markdown table for the README.

Never run as a test: timings depend on the machine. Targets (DESIGN.md): median ≤ 1 ms and
p99 ≤ 5 ms per answer, cold start ≤ 1 s, RSS ≤ 150 MB, Telegram ≥ 0.8× a bare PTB bot.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.build import write  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.evaluation import load_table  # noqa: E402

TODAY = date(2026, 11, 28)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def answer_times(engine: Engine, repeat: int) -> dict[str, list[float]]:
    """Time every golden question `repeat` times, grouped by the query kind answered."""
    questions = []
    for path in sorted((ROOT / "tests" / "golden").glob("*.yaml")):
        questions += [str(r["q"]) for r in load_table(path)]
    times: dict[str, list[float]] = defaultdict(list)
    for q in questions:  # warm the caches (catalogs, Babel locale data, lingua)
        engine.ask(q, today=TODAY)
    for _ in range(repeat):
        for q in questions:
            start = time.perf_counter()
            answer = engine.ask(q, today=TODAY)
            elapsed = time.perf_counter() - start
            kind = (answer.query or {}).get("kind") or answer.status
            times[kind].append(elapsed)
            times["all"].append(elapsed)
    return times


_ONE_SHOT = """
import sys
from bot.cli import main
sys.argv = ["returnbot", "ask", "--db", sys.argv[1], "How many returned to Georgia in 2023?"]
main()
# VmHWM belongs to this process image only (a forked child would count the parent's pages).
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1],
      file=sys.stderr)
"""


def cold_start(db: Path, runs: int) -> tuple[float, float]:
    """Median wall time and peak RSS (MB) of a one-shot `returnbot ask` in a fresh process."""
    walls, peak = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _ONE_SHOT, str(db)], check=True,
                              capture_output=True, text=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        peak = max(peak, int(done.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(walls), peak


def soak(engine: Engine, n: int) -> tuple[float, float]:
    """Answer n questions (with follow-up context); return RSS before and after, in MB."""
    questions = [str(r["q"]) for r in load_table(ROOT / "tests" / "golden" / "en.yaml")]
    gc.collect()
    before = _rss_mb()
    context = None
    for i in range(n):
        answer = engine.ask(questions[i % len(questions)], context=context, today=TODAY)
        context = answer.query
    gc.collect()
    return before, _rss_mb()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--soak", type=int, default=10_000)
    p.add_argument("--no-telegram", action="store_true")
    p.add_argument("--no-web", action="store_true")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        builds = []
        for _ in range(3):
            start = time.perf_counter()
            write(db)
            builds.append(time.perf_counter() - start)
        engine = Engine(db)
        times = answer_times(engine, args.repeat)
        wall, rss = cold_start(db, 7)
        soak_before, soak_after = soak(engine, args.soak)

        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, {platform.platform()}\n")
        print("| query kind | answers | median | p99 |")
        print("| --- | ---: | ---: | ---: |")
        for kind in sorted(times, key=lambda k: (k == "all", k)):
            ts = sorted(times[kind])
            p99 = ts[min(len(ts) - 1, int(len(ts) * 0.99))]
            print(f"| {kind} | {len(ts)} | {_ms(statistics.median(ts))} | {_ms(p99)} |")
        print()
        print("| measure | value | target |")
        print("| --- | ---: | ---: |")
        print(f"| `returnbot ask` one-shot (cold start, median of 7) | {wall:.3f} s | ≤ 1 s |")
        print(f"| peak RSS of `returnbot ask` | {rss:.0f} MB | ≤ 150 MB |")
        print(f"| store build from data/ (median of 3) | {statistics.median(builds):.3f} s | — |")
        growth = (soak_after - soak_before) / soak_before * 100
        print(f"| soak: {args.soak:,} answers, RSS before → after | {soak_before:.0f} → "
              f"{soak_after:.0f} MB ({growth:+.1f}%) | growth < 10% |")
        telegram = ROOT / "scripts" / "bench_telegram.py"
        if telegram.exists() and not args.no_telegram:
            sys.stdout.flush()
            print("\nTelegram (scripts/bench_telegram.py): answered updates per second through "
                  "the real PTB stack against the local fake Bot API")
            subprocess.run([sys.executable, str(telegram)], check=False)
            subprocess.run([sys.executable, str(telegram), "--soak", str(args.soak)],
                           check=False)
        alerts = ROOT / "scripts" / "bench_alerts.py"
        if alerts.exists() and not args.no_telegram:
            sys.stdout.flush()
            print("\nAlerts (scripts/bench_alerts.py): new figures to every subscriber, paced by "
                  "the rate limiter, while users ask questions\n")
            print("| measure | value | target |\n| --- | ---: | ---: |", flush=True)
            subprocess.run([sys.executable, str(alerts)], check=False)
        _bench_web(args.no_web)


def _bench_web(skip: bool) -> None:
    """The web page (scripts/bench_web.py): /ask.json vs /-/versions.json, home page TTFB."""
    web = ROOT / "scripts" / "bench_web.py"
    if web.exists() and not skip:
        sys.stdout.flush()
        print("\nWeb page (scripts/bench_web.py): `returnbot serve` under concurrent clients")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(web)], check=False)


if __name__ == "__main__":
    main()
