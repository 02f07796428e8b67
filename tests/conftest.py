"""Shared fixtures: one real store built from data/ per test session, and an engine on it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.build import write
from bot.datafiles import DATA_DIR
from bot.engine import Engine

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent


def build_committed_store(path: Path, data_dir: Path = DATA_DIR) -> Path:
    """Build a store from data/ without staff imports (data/imports/), so that committing an
    import never changes what the golden and held-out tables expect."""
    without_imports = path.parent / "data-without-imports"
    shutil.copytree(data_dir, without_imports, ignore=shutil.ignore_patterns("imports"))
    write(path, without_imports)
    return path


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_committed_store(tmp_path_factory.mktemp("store") / "returnbot.db")


@pytest.fixture(scope="session")
def committed_store_builder() -> Callable[[Path, Path], Path]:
    """The function that builds the tests' store (for the test that it leaves imports out)."""
    return build_committed_store


@pytest.fixture(scope="session")
def engine(store_path: Path) -> Engine:
    return Engine(store_path)
