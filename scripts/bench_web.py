"""Web page speed: /ask.json under 50 concurrent clients, side by side with Datasette's own
/-/versions.json, and the home page's time to first byte.

A real `returnbot serve` process (its own process, logging its access log to a file) is
loaded by 50 keep-alive HTTP/1.1 connections from this process:

- saturation: every client sends its next request as soon as the previous answer arrived,
  for `--seconds`; gives answers per second (and, by Little's law, latency = 50 / rate);
- paced: the 50 clients together send `--rate` requests per second (each on its own
  schedule), the load a busy press day would be far below; gives the median and p99
  latency a user sees under concurrency.

Questions cycle through the golden tables (every language, each with its `lang` and the
tables' `today`). The two endpoints are measured alternately, `--repeat` times.

    .venv/bin/python scripts/bench_web.py [--clients 50] [--seconds 5] [--rate 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.build import write  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402

TODAY = "2026-11-28"


def _targets() -> list[str]:
    targets = []
    for lang in LANGUAGES:
        rows = yaml.safe_load((ROOT / "tests" / "golden" / f"{lang}.yaml").read_text("utf-8"))
        targets += ["/ask.json?" + urlencode({"q": r["q"], "lang": lang, "today": TODAY})
                    for r in rows if "after" not in r]
    return targets


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length or chunked); return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return int(lines[0].split()[1])


class _Client:
    """One keep-alive connection that sends GETs and times them."""

    def __init__(self, port: int, targets: list[str], offset: int) -> None:
        self.port, self.targets, self.i = port, targets, offset
        self.latencies: list[float] = []

    async def __aenter__(self) -> _Client:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()

    async def get(self) -> None:
        target = self.targets[self.i % len(self.targets)]
        self.i += 1
        start = time.perf_counter()
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        status = await _read_response(self.reader)
        self.latencies.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"{target}: HTTP {status}")

    async def saturate(self, until: float) -> None:
        while time.perf_counter() < until:
            await self.get()

    async def paced(self, interval: float, until: float, phase: float) -> None:
        due = time.perf_counter() + phase
        while due < until:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await self.get()
            due += interval


async def _run(port: int, targets: list[str], clients: int, seconds: float,
               rate: float | None) -> tuple[float, list[float]]:
    """Load the server; return (answers per second, latencies)."""
    async with _Clients(port, targets, clients) as pool:
        # Warm up: every connection open, every code path loaded.
        await asyncio.gather(*(c.get() for c in pool))
        for c in pool:
            c.latencies.clear()
        start = time.perf_counter()
        until = start + seconds
        if rate is None:
            await asyncio.gather(*(c.saturate(until) for c in pool))
        else:
            interval = clients / rate
            await asyncio.gather(*(c.paced(interval, until, interval * i / clients)
                                   for i, c in enumerate(pool)))
        elapsed = time.perf_counter() - start
    latencies = [t for c in pool for t in c.latencies]
    return len(latencies) / elapsed, latencies


class _Clients:
    def __init__(self, port: int, targets: list[str], n: int) -> None:
        self.clients = [_Client(port, targets, i * 7) for i in range(n)]

    async def __aenter__(self) -> list[_Client]:
        for c in self.clients:
            await c.__aenter__()
        return self.clients

    async def __aexit__(self, *exc: object) -> None:
        for c in self.clients:
            await c.__aexit__()


async def _ttfb(port: int, n: int) -> list[float]:
    """Time to first byte of the home page, new connection each time."""
    times = []
    for _ in range(n):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        start = time.perf_counter()
        writer.write(b"GET /?lang=en HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        await reader.read(1)
        times.append(time.perf_counter() - start)
        await reader.read()
        writer.close()
    return times


def _wait_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("returnbot serve exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("returnbot serve did not start")


def _p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--rate", type=float, default=100.0,
                   help="requests per second of all clients together, for the paced run")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    asks = _targets()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        write(db)
        port = _free_port()
        with (Path(tmp) / "serve.log").open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--port", str(port), "--db", str(db)],
                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_up(port, process)
            cold = asyncio.run(_ttfb(port, 1))[0]
            warm = asyncio.run(_ttfb(port, 30))
            results = _measure(port, asks, args)
        finally:
            process.terminate()
            process.wait(timeout=30)
    _report(results, args, cold, warm, len(asks))


def _measure(port: int, asks: list[str], args: argparse.Namespace
             ) -> dict[str, dict[str, list[float]]]:
    endpoints = {"/-/versions.json": ["/-/versions.json"], "/ask.json": asks}
    results: dict[str, dict[str, list[float]]] = {
        name: {"rate": [], "sat_median": [], "paced": []} for name in endpoints}
    for _ in range(args.repeat):
        for name, targets in endpoints.items():
            rate, latencies = asyncio.run(_run(port, targets, args.clients, args.seconds, None))
            results[name]["rate"].append(rate)
            results[name]["sat_median"].append(statistics.median(latencies))
            _, paced = asyncio.run(_run(port, targets, args.clients, args.seconds, args.rate))
            results[name]["paced"] += paced
    return results


def _report(results: dict[str, dict[str, list[float]]], args: argparse.Namespace,
            cold: float, warm: list[float], n_questions: int) -> None:
    print(f"{args.clients} concurrent keep-alive clients, {args.seconds:g} s per run, "
          f"{args.repeat} alternating runs; /ask.json cycles through {n_questions} golden "
          f"questions in 12 languages; paced load {args.rate:g} requests/s\n")
    print("| endpoint | answers/s at saturation (median) | median latency at saturation | "
          f"median latency, paced {args.rate:g}/s | p99, paced |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(f"| `{name}` | {statistics.median(r['rate']):.0f} | "
              f"{statistics.median(r['sat_median']) * 1000:.1f} ms | "
              f"{statistics.median(r['paced']) * 1000:.2f} ms | "
              f"{_p(r['paced'], 0.99) * 1000:.2f} ms |")
    ratio = (statistics.median(results["/ask.json"]["rate"])
             / statistics.median(results["/-/versions.json"]["rate"]))
    print(f"\n/ask.json ÷ /-/versions.json answers per second: **{ratio:.2f}** (target ≥ 0.5)")
    print(f"Home page time to first byte: first request {cold * 1000:.1f} ms (headline "
          f"figures computed), then median {statistics.median(warm) * 1000:.2f} ms "
          f"(p90 {_p(warm, 0.9) * 1000:.2f} ms, {len(warm)} requests)")


if __name__ == "__main__":
    main()
