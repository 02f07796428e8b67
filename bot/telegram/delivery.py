"""Getting every reply delivered: rate limits, retries with backoff, per-chat order.

`DeliveryRateLimiter` wraps every Bot API call PTB makes (except getUpdates). It keeps
`AIORateLimiter`'s outgoing limits and its handling of 429 `RetryAfter` (which pauses all
requests for `retry_after`), and adds retries with capped, jittered exponential backoff for
the other transient failures: 5xx responses, dropped connections and timeouts.

Exactly once, or at least once? A failure the server answered (429, 5xx) or a request
that never left (connection refused, connect or pool timeout) has provably not been
delivered, so its retry delivers the reply exactly once. A request that was sent and then
timed out, or whose connection dropped before the response, may already have been
delivered; the Bot API has no idempotency key to ask, so the reply is sent again: a rare
duplicate is better than a lost answer (at least once). The read timeout is generous so
that this only happens when the server really is stuck. Permanent errors (400 Bad Request,
403 Forbidden…) are never retried.

A response that is not JSON (a proxy's error page with status 200, a truncated body) says
nothing about delivery either: it is retried like a 5xx, at least once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

__all__ = ["REPLY_ENDPOINTS", "DeliveryRateLimiter", "is_transient"]

logger = logging.getLogger(__name__)

# Calls that deliver something to a user: retried until they go through (or the deadline).
REPLY_ENDPOINTS = frozenset({
    "sendMessage", "sendPhoto", "editMessageText", "editMessageCaption",
    "editMessageReplyMarkup", "answerCallbackQuery", "answerInlineQuery",
})
# Everything else (getMe, setMyCommands…) gets a few attempts, so start-up cannot hang.
_OTHER_ATTEMPTS = 4
# AIORateLimiter's RetryAfter retries for reply endpoints: in effect, until delivered.
_UNBOUNDED = 1_000_000

_Result = bool | dict[str, Any] | list[dict[str, Any]]


# What PTB raises when a response body is not JSON (its message, not a class of its own).
_INVALID_RESPONSE = "Invalid server response"


def is_transient(exc: BaseException) -> bool:
    """Tell whether a failed Bot API call is worth retrying: 429, 5xx, network, bad JSON."""
    if isinstance(exc, BadRequest):
        return False  # a NetworkError subclass, but permanent
    if isinstance(exc, NetworkError | RetryAfter):
        return True
    return isinstance(exc, TelegramError) and exc.message == _INVALID_RESPONSE


def _maybe_delivered(exc: BaseException) -> bool:
    """Tell whether a failed request may have reached the server and taken effect."""
    cause = exc.__cause__
    if isinstance(cause, ValueError):  # a response came, but not JSON: it may have worked
        return True
    not_sent = httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
    return isinstance(cause, httpx.TransportError) and not isinstance(cause, not_sent)


class DeliveryRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries 5xx, dropped connections and timeouts."""

    def __init__(
        self,
        *,
        per_second: float,
        group_per_minute: float,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        deadline: float = 3600.0,
        in_flight: int = 8,
    ) -> None:
        super().__init__(
            overall_max_rate=per_second,
            overall_time_period=1 if per_second else 0,
            group_max_rate=group_per_minute,
            group_time_period=60 if group_per_minute else 0,
        )
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._deadline = deadline
        # At most `in_flight` HTTP requests at once: httpx's connection pool does work in
        # proportion to its connections on every request, so a few busy connections beat
        # many idle ones (backoff sleeps happen outside this gate).
        self._gate = asyncio.Semaphore(in_flight)

    async def _gated(self, callback: Callable[..., Coroutine[Any, Any, _Result]],
                     *args: Any, **kwargs: Any) -> _Result:
        async with self._gate:
            return await callback(*args, **kwargs)

    def _delay(self, attempt: int) -> float:
        """Return the backoff before retry number `attempt` (full jitter on the upper half)."""
        ceiling = min(self._max_delay, self._base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Result:
        """Send one request within the limits, retrying transient failures."""
        reply = endpoint in REPLY_ENDPOINTS
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return await super().process_request(
                    functools.partial(self._gated, callback), args, kwargs, endpoint, data,
                    rate_limit_args=_UNBOUNDED if reply else _OTHER_ATTEMPTS,
                )
            except TelegramError as exc:
                if not is_transient(exc):
                    raise
                late = time.monotonic() - started > self._deadline
                if late or (not reply and attempt >= _OTHER_ATTEMPTS):
                    logger.error("%s failed %d times; giving up", endpoint, attempt)
                    raise
                delay = self._delay(attempt)
                logger.warning(
                    "%s failed (%s: %s); retry %d in %.2fs%s", endpoint,
                    type(exc).__name__, exc, attempt, delay,
                    " (it may have been delivered: at least once)" if _maybe_delivered(exc) else "",
                )
                await asyncio.sleep(delay)
