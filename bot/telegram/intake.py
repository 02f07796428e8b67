"""Taking updates in: fetch only what can be answered soon, one chat at a time, floods declined.

Telegram forgets an update once a later `getUpdates` call passes an offset beyond it, so an
update fetched is an update confirmed. PTB's Updater fetches as fast as Telegram gives, so
a stop or a crash used to lose everything fetched but not yet answered. Here:

- `PacedBot.get_updates` fetches only while fewer than `window` updates are fetched and not
  yet answered (the `Intake`), and at most as many as fit. What is not fetched stays with
  Telegram for the next process; a SIGTERM only has to finish the window (PTB's
  `Application.stop` does), and kill -9 loses at most the window.
- `FairProcessor` runs one update per chat at a time, and an update waiting for its chat's
  previous one holds no worker: a chat with a backlog cannot starve the others.
- A chat with `per_chat` updates already in the window is flooding: its further updates are
  declined (fetched, so that the other chats' updates behind them can be reached, but not
  answered), and the chat is told once per flood. One chat thus uses at most `per_chat`
  answers of the rate budget at a time, and the updates behind a flood are reached at once.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE  # private: get_updates' exact signature
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import BaseUpdateProcessor, ExtBot

__all__ = ["FairProcessor", "Intake", "PacedBot", "order_key"]

logger = logging.getLogger(__name__)

# Telegram's maximum for one getUpdates call.
_MAX_FETCH = 100

OnDeclined = Callable[[Update], Awaitable[None]]


def order_key(update: object) -> int | None:
    """Return the chat an update belongs to (its user for inline queries), or None."""
    if not isinstance(update, Update):
        return None
    if update.inline_query is not None:
        return None  # independent of each other and of the chat's messages
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user else None


class Intake:
    """Counts the updates fetched and not yet answered, in all and per chat."""

    def __init__(self, window: int, per_chat: int) -> None:
        self.window = window
        self.per_chat = per_chat
        # Fetch in batches of at least a quarter window: many tiny getUpdates calls cost
        # more than they gain.
        self._batch = max(1, window // 4)
        self._admitted: dict[int, int | None] = {}  # update id -> chat
        self._per_chat: dict[int, int] = {}
        self._declined: set[int] = set()
        self._told: set[int] = set()  # chats told about their current flood
        self._room: asyncio.Event | None = None

    @property
    def pending(self) -> int:
        """Updates fetched and not yet answered."""
        return len(self._admitted)

    def chat_pending(self, chat_id: int) -> int:
        """Updates of one chat fetched and not yet answered."""
        return self._per_chat.get(chat_id, 0)

    def _free(self) -> int:
        return self.window - len(self._admitted)

    async def room(self) -> int:
        """Wait until a batch fits in the window; return how many updates to fetch."""
        if self._room is None:
            self._room = asyncio.Event()
        while self._admitted and self._free() < self._batch:
            self._room.clear()
            await self._room.wait()
        return max(1, min(_MAX_FETCH, self._free()))

    def admit(self, updates: Sequence[Update]) -> None:
        """Count fetched updates in; decline those of chats that already fill their share."""
        for update in updates:
            chat = order_key(update)
            self._admitted[update.update_id] = chat
            if chat is None:
                continue
            count = self._per_chat.get(chat, 0)
            if count >= self.per_chat:
                self._declined.add(update.update_id)
            self._per_chat[chat] = count + 1

    def declined(self, update: object) -> bool:
        """Tell whether `update` was declined (its chat is flooding)."""
        return isinstance(update, Update) and update.update_id in self._declined

    def first_decline(self, update: Update) -> bool:
        """Tell whether `update` is the first declined one of its chat's current flood."""
        chat = order_key(update)
        if chat is None or chat in self._told:
            return False
        self._told.add(chat)
        return True

    def release(self, update: object) -> None:
        """Count an update out: answered, failed or declined."""
        if not isinstance(update, Update) or update.update_id not in self._admitted:
            return  # not fetched by polling (a webhook update)
        chat = self._admitted.pop(update.update_id)
        self._declined.discard(update.update_id)
        if chat is not None:
            self._per_chat[chat] -= 1
            if not self._per_chat[chat]:
                del self._per_chat[chat]
                self._told.discard(chat)  # the flood is over: tell again next time
        if self._room is not None and self._free() >= self._batch:
            self._room.set()


def _seconds(timeout: TimePeriod | None) -> float | None:
    if isinstance(timeout, dtm.timedelta):
        return timeout.total_seconds()
    return None if timeout is None else float(timeout)


class PacedBot(ExtBot[Any]):
    """ExtBot whose getUpdates fetches only what fits in the Intake's window."""

    def __init__(self, *args: Any, intake: Intake, **kwargs: Any) -> None:
        self._intake = intake  # before Bot.__init__, which freezes the object
        super().__init__(*args, **kwargs)

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """Fetch as many updates as fit in the window (waiting for room first)."""
        # The Updater's last call when it stops (timeout 0) only confirms what was fetched:
        # the updates it returns are not processed, and stay unconfirmed with Telegram.
        confirming = _seconds(timeout) == 0
        fits = 1 if confirming else await self._intake.room()
        updates = await super().get_updates(
            offset=offset, limit=min(limit or fits, fits), timeout=timeout,
            allowed_updates=allowed_updates, read_timeout=read_timeout,
            write_timeout=write_timeout, connect_timeout=connect_timeout,
            pool_timeout=pool_timeout, api_kwargs=api_kwargs,
        )
        if not confirming:
            self._intake.admit(updates)
        return updates


class FairProcessor(BaseUpdateProcessor):
    """Process updates concurrently; one chat's in arrival order, one at a time, and a
    waiting update holds no worker. Declined updates are not processed (see the module)."""

    # PTB's own semaphore (taken before `do_process_update`) would let updates waiting for
    # their chat hold workers; it is made wide enough never to wait, and `_workers` is taken
    # only once it is the chat's turn.
    _UNLIMITED = 1 << 30

    def __init__(
        self, max_concurrent_updates: int, intake: Intake, on_declined: OnDeclined | None = None
    ) -> None:
        super().__init__(self._UNLIMITED)
        self.workers = max_concurrent_updates
        self.intake = intake
        self.on_declined = on_declined
        self._workers = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` once the chat's earlier updates are done and a worker is free."""
        try:
            if self.intake.declined(update):
                await self._decline(update, coroutine)
                return
            key = order_key(update)
            if key is None:
                async with self._workers:
                    await coroutine
                return
            await self._in_chat_order(key, coroutine)
        finally:
            self.intake.release(update)

    async def _in_chat_order(self, key: int, coroutine: Awaitable[Any]) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            # The chat's turn first (asyncio.Lock wakes its waiters first in, first out),
            # then a worker: updates queued behind their chat do not hold workers.
            async with lock, self._workers:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def _decline(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(coroutine, Coroutine):
            coroutine.close()  # never run: no "coroutine was never awaited" warning
        assert isinstance(update, Update)
        if self.on_declined is not None and self.intake.first_decline(update):
            try:
                await self.on_declined(update)
            except Exception:
                logger.exception("could not tell a flooding chat about %s", update.update_id)

    async def initialize(self) -> None:
        """Do nothing: the locks are created on demand."""

    async def shutdown(self) -> None:
        """Do nothing: the Application waits for running updates before shutting down."""
