"""What anonymous usage counting costs: Telegram throughput with counting on and off.

Runs scripts/bench_telegram.py's ReturnBot run (real PTB stack, real engine and store,
the fake Bot API in its own process) alternately with `usage_counting` on and off, and
prints the median answered updates per second of each, the median of the paired ratios,
and the in-process cost per answer of counting and of writing the counts behind (which a
throughput ratio on a shared 2-core machine cannot resolve below a few percent).
Target: counting costs at most 2%.

    .venv/bin/python scripts/bench_usage.py [--updates 2000] [--users 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_telegram  # noqa: E402

from bot.answer import Answer  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402
from bot.usage import Recorder  # noqa: E402


def count_cost_us(workdir: Path, n: int = 200_000) -> float:
    """Microseconds per `Recorder.count` of a partial answer (cell + unpublished figure)."""
    recorder = Recorder(workdir / "count-cost.db", flush_seconds=3600)
    answer = Answer(question="", language="en", status="partial", text="",
                    query={"kind": "by_country", "year": 2023, "country": "GE"})
    seconds = min(timeit.repeat(lambda: recorder.count(answer, "telegram"), number=n, repeat=3))
    recorder.close()
    return seconds / n * 1e6


def flush_cost_us(workdir: Path, per_flush: int = 500, flushes: int = 50) -> float:
    """Microseconds of write-behind per counted answer: `per_flush` answers (about 2 s at
    250 updates/s) over 12 languages and 5 kinds, written in one flush (50 flushes)."""
    recorder = Recorder(workdir / "flush-cost.db", flush_seconds=3600)
    answers = [
        Answer(question="", language=lang, status=status, text="",
               query={"kind": kind, "year": 2023, "country": "GE"})
        for lang in LANGUAGES for kind, status in (
            ("by_country", "partial"), ("total", "answered"), ("ranking", "answered"),
            ("trend", "answered"), ("families", "no_data"))
    ]
    total = 0.0
    for i in range(flushes):
        for j in range(per_flush):
            recorder.count(answers[(i + j) % len(answers)], "telegram")
        start = time.perf_counter()
        recorder.flush()
        total += time.perf_counter() - start
    recorder.close()
    return total / (flushes * per_flush) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    rates: dict[bool, list[float]] = {True: [], False: []}
    cpus: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        from bot.build import write

        store = workdir / "returnbot.db"
        write(store)
        for _ in range(args.repeat):
            for counting in (True, False):  # alternate, so that drifts hit both alike
                server, base_url = bench_telegram._start_server()
                try:
                    settings = bench_telegram._settings(base_url, workdir, store, False)
                    settings = settings.model_copy(update={"usage_counting": counting})
                    rate, cpu = asyncio.run(bench_telegram._run_once(
                        "returnbot", base_url, settings, args.updates, args.users,
                        bench_telegram.QUESTIONS))
                finally:
                    server.terminate()
                    server.wait()
                rates[counting].append(rate)
                cpus[counting].append(cpu)
                print(f"  counting {'on ' if counting else 'off'} {rate:8.1f} answered updates/s,"
                      f" {cpu:5.2f} CPU ms/update", flush=True)
        cost, flush = count_cost_us(workdir), flush_cost_us(workdir)
    on, off = (statistics.median(rates[c]) for c in (True, False))
    on_cpu, off_cpu = (statistics.median(cpus[c]) for c in (True, False))
    pairs = statistics.median(a / b for a, b in zip(rates[True], rates[False], strict=True))
    print(f"usage counting on:  {on:8.1f} answered updates/s ({on_cpu:.2f} CPU ms/update)")
    print(f"usage counting off: {off:8.1f} answered updates/s ({off_cpu:.2f} CPU ms/update)")
    print(f"ratio on/off:       {on / off:8.3f} of the medians, {pairs:.3f} median of the "
          f"{args.repeat} paired runs (target ≥ 0.98); paired runs from "
          f"{min(a / b for a, b in zip(rates[True], rates[False], strict=True)):.2f} to "
          f"{max(a / b for a, b in zip(rates[True], rates[False], strict=True)):.2f}")
    print(f"CPU per update on/off: {on_cpu / off_cpu:.3f}")
    share = (cost + flush) / (off_cpu * 1000) * 100
    print(f"per answer: Recorder.count {cost:.2f} µs + write-behind {flush:.2f} µs = "
          f"{share:.2f}% of the CPU of one answered update ({off_cpu:.2f} ms)")


if __name__ == "__main__":
    main()
