"""A real `returnbot serve` process on the session's store, for HTTP and browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass
class Server:
    url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"returnbot serve exited:\n{log.read_text()}")
        try:
            httpx.get(url + "/-/versions.json", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"returnbot serve did not start:\n{log.read_text()}")


def start_server(store_path: Path, log: Path, *extra: str) -> Iterator[Server]:
    """Run `returnbot serve` on a free local port until the generator is closed."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(port), "--db", str(store_path),
             *extra], stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(url, process, log)
        yield Server(url, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(store_path, tmp_path_factory) -> Iterator[Server]:
    yield from start_server(store_path, tmp_path_factory.mktemp("web") / "serve.log")


@pytest.fixture(scope="session")
def sql_server(store_path, tmp_path_factory) -> Iterator[Server]:
    yield from start_server(store_path, tmp_path_factory.mktemp("web-sql") / "serve.log", "--sql")


@pytest.fixture
def http(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
