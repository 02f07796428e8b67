"""Shared fixtures: one real store built from data/ per test session, and an engine on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.build import write
from bot.engine import Engine

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "returnbot.db"
    write(path)
    return path


@pytest.fixture(scope="session")
def engine(store_path: Path) -> Engine:
    return Engine(store_path)
