"""What anonymous usage counting costs: Telegram throughput with counting on and off.

Runs scripts/bench_telegram.py's ReturnBot run (real PTB stack, real engine and store,
the fake Bot API in its own process) alternately with `usage_counting` on and off, and
prints the median answered updates per second of each, the median of the paired ratios,
and the in-process cost of one `Recorder.count` call (which a throughput ratio on a shared
2-core machine cannot resolve below a few percent). Target: counting costs at most 2%.

    .venv/bin/python scripts/bench_usage.py [--updates 2000] [--users 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_telegram  # noqa: E402

from bot.answer import Answer  # noqa: E402
from bot.usage import Recorder  # noqa: E402


def count_cost_us(workdir: Path, n: int = 200_000) -> float:
    """Microseconds per `Recorder.count` of a partial answer (cell + unpublished figure)."""
    recorder = Recorder(workdir / "count-cost.db", flush_seconds=0.5)
    answer = Answer(question="", language="en", status="partial", text="",
                    query={"kind": "by_country", "year": 2023, "country": "GE"})
    seconds = min(timeit.repeat(lambda: recorder.count(answer, "telegram"), number=n, repeat=3))
    recorder.close()
    return seconds / n * 1e6


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
        cost = count_cost_us(workdir)
    on, off = (statistics.median(rates[c]) for c in (True, False))
    on_cpu, off_cpu = (statistics.median(cpus[c]) for c in (True, False))
    pairs = statistics.median(a / b for a, b in zip(rates[True], rates[False], strict=True))
    print(f"usage counting on:  {on:8.1f} answered updates/s ({on_cpu:.2f} CPU ms/update)")
    print(f"usage counting off: {off:8.1f} answered updates/s ({off_cpu:.2f} CPU ms/update)")
    print(f"ratio on/off:       {on / off:8.3f} of the medians, {pairs:.3f} median of the "
          f"{args.repeat} paired runs (target ≥ 0.98)")
    print(f"one Recorder.count: {cost:.2f} µs = {cost / (off_cpu * 1000) * 100:.2f}% of the CPU "
          f"of one answered update")


if __name__ == "__main__":
    main()
