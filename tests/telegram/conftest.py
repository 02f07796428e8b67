"""Fixtures: a fake Bot API server, settings pointing at it, engines, a running bot."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeapi import TOKEN, FakeBotAPI
from fakeengine import FakeEngine

from bot.settings import Settings
from bot.telegram.app import ALLOWED_UPDATES, App, build_application
from bot.telegram.services import services_of


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's environment out of Settings."""
    import os

    for name in list(os.environ):
        if name.startswith(("RETURNBOT_", "TELEGRAM_")):
            monkeypatch.delenv(name)


def make_settings(api: FakeBotAPI, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "db_path": tmp_path / "missing-store.db",
        "state_path": tmp_path / "state.db",
        "telegram_timeout": 2.0,
        "retry_base_delay": 0.01,
        "retry_max_delay": 0.1,
        # Telegram's limits are not what these tests are about; see test_tg_delivery.py.
        "rate_limit_per_second": 0,
        "rate_limit_group_per_minute": 0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(api: FakeBotAPI, tmp_path: Path) -> Settings:
    return make_settings(api, tmp_path)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@contextlib.asynccontextmanager
async def running(app: App) -> AsyncIterator[App]:
    """Run `app` like run_polling does (post_init included), on the test's event loop."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
        )
        await app.start()
        yield app
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@pytest.fixture
async def bot(settings: Settings, engine: FakeEngine) -> AsyncIterator[App]:
    """The real Application, with the scripted engine, polling the fake server."""
    app = build_application(settings, engine)  # type: ignore[arg-type]
    async with running(app):
        yield app


def state_of(app: App) -> Any:
    return services_of(app.bot_data).state


async def flushed_state(app: App) -> Any:
    """The state store, once every queued write has reached the file."""
    await services_of(app.bot_data).flush()
    return state_of(app)
