"""A fake Telegram Bot API server on loopback, for the tests and the benchmark.

The real python-telegram-bot stack talks to it over HTTP (`ApplicationBuilder().base_url`),
so everything between a handler and the socket is the production code. The server:

- feeds queued updates through `getUpdates` (long polling, offsets acknowledge);
- answers the methods the bot uses like Telegram does (message objects, "message is not
  modified", length limits, 64-byte callback data…) and parses multipart uploads;
- records every call, and keeps each chat's messages as a user would see them (edits
  applied), including messages that were delivered although the bot never got a response;
- injects faults: 429 with retry_after, 5xx, dropped connections (before or after the
  request took effect) and stalls longer than the client's timeout.

It runs its own event loop in a daemon thread, so tests on any loop (and plain threads) can
use it. `python tests/telegram/fakeapi.py --port 8081` runs it standalone; `/_control/push`
(POST a JSON list of updates), `/_control/stats` and `/_control/chat/<id>` then drive and
observe it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "ReturnTestBot"

# Parameters PTB sends as raw strings; every other parameter is JSON-encoded.
_RAW = {
    "text", "caption", "description", "short_description", "parse_mode", "callback_query_id",
    "inline_query_id", "language_code", "action", "name", "url", "secret_token", "query",
    "next_offset", "inline_message_id", "switch_pm_text",
}
_REASONS = {
    200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}
_SENDING = {"sendmessage", "sendphoto"}


class ApiError(Exception):
    """A Bot API error response (400 Bad Request and friends)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Fault:
    """A failure to inject into the next `times` calls of `method` (optionally one chat).

    kinds: `retry_after` (429 with parameters.retry_after), `status` (HTTP `status`, an HTML
    body like nginx's for 502/503/504), `drop` (close the connection before the request takes
    effect), `drop_after` (take effect, then close without a response), `stall` (take effect,
    then answer only after `delay` seconds: the client times out first), `bad_json` (take
    effect, then answer 200 with a body that is not JSON, like a broken proxy), `hold` (keep
    the request, without effect, until the test sets `release`). `text` limits a fault to
    messages whose text starts with it.
    """

    method: str
    kind: str
    times: int = 1
    retry_after: float = 0.2
    status: int = 502
    delay: float = 2.0
    chat_id: int | None = None
    text: str | None = None
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float
    fault: str | None = None
    status: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotAPI:
    """The fake server; `start()` it (or use `with`), point PTB at `base_url`."""

    def __init__(self, token: str = TOKEN, *, chaos_seed: int = 0) -> None:
        self.token = token
        self.port = 0
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._ready = threading.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self._new_update: asyncio.Event | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._faults: list[Fault] = []
        self._chaos: tuple[float, tuple[str, ...], frozenset[str], float] | None = None
        self._random = random.Random(chaos_seed)
        self.calls: list[Call] = []
        self.delivered: dict[str, int] = {}  # successful calls per method, for /_control/stats
        self.confirmed = 0  # updates acknowledged by a getUpdates offset (gone for good)
        self.unsupported: set[str] = set()  # lower-case method names answered with 404
        self.webhook: dict[str, Any] | None = None  # the last setWebhook parameters
        # (chat_id, message_id) -> the bot's message as the user sees it
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.bot_user = {
            "id": BOT_ID, "is_bot": True, "first_name": "ReturnBot", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        self._thread = threading.Thread(target=self._run, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Bot API did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        await self._server.wait_closed()

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, host: str = "127.0.0.1", port: int = 0) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._new_update = asyncio.Event()
        self._server = loop.run_until_complete(
            asyncio.start_server(self._serve, host, port or self.port, limit=2**22)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    # -- updates ---------------------------------------------------------------------------

    def push(self, *updates: dict[str, Any]) -> list[int]:
        """Queue updates for getUpdates; return their update ids."""
        ids = []
        with self._lock:
            for update in updates:
                update = dict(update)
                update["update_id"] = next(self._update_ids)
                self._remember_chat(update)
                self._updates.append(update)
                ids.append(update["update_id"])
        if self._loop is not None and self._new_update is not None:
            self._loop.call_soon_threadsafe(self._new_update.set)
        return ids

    def _remember_chat(self, update: dict[str, Any]) -> None:
        message = update.get("message") or (update.get("callback_query") or {}).get("message")
        if message and "chat" in message:
            self.chats[message["chat"]["id"]] = message["chat"]

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    # -- faults ----------------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def chaos(
        self, rate: float, kinds: Iterable[str] = ("retry_after", "status"),
        methods: Iterable[str] = ("sendMessage",), retry_after: float = 0.2,
    ) -> None:
        """Fail a random `rate` of the calls to `methods` with one of `kinds` (0 = off)."""
        with self._lock:
            self._chaos = (
                (rate, tuple(kinds), frozenset(m.lower() for m in methods), retry_after)
                if rate else None
            )

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method.lower() != method:
                    continue
                if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                    continue
                if fault.text is not None and not str(params.get("text", "")).startswith(
                        fault.text):
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
            if self._chaos and method in self._chaos[2] and self._random.random() < self._chaos[0]:
                kind = self._random.choice(self._chaos[1])
                return Fault(method, kind, retry_after=self._chaos[3])
        return None

    # -- what the bot did ------------------------------------------------------------------

    def calls_to(self, method: str, chat_id: int | None = None, ok: bool = True) -> list[Call]:
        """The calls of `method` (optionally to one chat); only successful ones if `ok`."""
        with self._lock:
            return [
                c for c in self.calls
                if c.method.lower() == method.lower()
                and (chat_id is None or c.params.get("chat_id") == chat_id)
                and (not ok or c.status == 200)
            ]

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat, oldest first, as the user sees them now."""
        with self._lock:
            return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        """The text (or caption) of each of the bot's messages in a chat."""
        return [m.get("text") or m.get("caption") or "" for m in self.chat_messages(chat_id)]

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> Any:
        """Poll `predicate` from the caller's event loop until it is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def wait_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[str]:
        """Wait until the bot has at least `count` messages in the chat; return their texts."""
        await self.wait_for(
            lambda: len(self.chat_messages(chat_id)) >= count, timeout,
            f"{count} message(s) in chat {chat_id}",
        )
        return self.texts(chat_id)

    # -- HTTP ------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                target, headers, body = request
                if not await self._respond(writer, target, headers, body):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self._writers.discard(writer)

    async def _respond(
        self, writer: asyncio.StreamWriter, target: str, headers: dict[str, str], body: bytes
    ) -> bool:
        """Answer one request; return False when the connection must be closed."""
        if target.startswith("/_control/"):
            status, payload = self._control(target, body)
            await _write(writer, status, json.dumps(payload).encode())
            return True
        prefix = f"/bot{self.token}/"
        if not target.startswith(prefix):
            error = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            await _write(writer, 401, json.dumps(error).encode())
            return True
        method = target[len(prefix):].split("?", 1)[0].lower()
        params, files = _parse_body(headers.get("content-type", ""), body)
        call = Call(method=method, params=params, at=time.monotonic(), files=files)
        with self._lock:
            self.calls.append(call)
        fault = self._take_fault(method, params) if method != "getupdates" else None
        call.fault = fault.kind if fault else None
        if fault and fault.kind == "drop":
            return False
        if fault and fault.kind == "hold":
            await asyncio.get_running_loop().run_in_executor(None, fault.release.wait, 60)
        if fault and fault.kind == "retry_after":
            call.status = 429
            error = {
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {fault.retry_after}",
                "parameters": {"retry_after": fault.retry_after},
            }
            await _write(writer, 429, json.dumps(error).encode())
            return True
        if fault and fault.kind == "status":
            call.status = fault.status
            if fault.status in (502, 503, 504):
                page = f"<html><body><h1>{fault.status} {_REASONS[fault.status]}</h1></body></html>"
                await _write(writer, fault.status, page.encode(), "text/html")
            else:
                error = {"ok": False, "error_code": fault.status, "description": "Internal"}
                await _write(writer, fault.status, json.dumps(error).encode())
            return True
        status, payload = await self._dispatch(method, params, files)
        call.status = status
        if status == 200:
            with self._lock:
                self.delivered[method] = self.delivered.get(method, 0) + 1
        if fault and fault.kind == "drop_after":
            call.status = None  # took effect, but the bot never hears about it
            return False
        if fault and fault.kind == "bad_json":
            call.status = None
            await _write(writer, 200, b'{"ok": true, "result": {"message_id"')
            return True
        if fault and fault.kind == "stall":
            call.status = None
            await asyncio.sleep(fault.delay)
        await _write(writer, status, json.dumps(payload).encode())
        return True

    def _control(self, target: str, body: bytes) -> tuple[int, Any]:
        if target.startswith("/_control/push"):
            return 200, {"ok": True, "result": self.push(*json.loads(body))}
        if target.startswith("/_control/chat/"):  # how many messages the bot has in a chat
            chat_id = int(target.rsplit("/", 1)[1])
            return 200, {"ok": True, "messages": len(self.chat_messages(chat_id))}
        if target.startswith("/_control/stats"):
            with self._lock:
                by_method = dict(self.delivered)
                return 200, {
                    "ok": True, "sent": sum(by_method.get(m, 0) for m in _SENDING),
                    "by_method": by_method, "pending_updates": len(self._updates),
                    "confirmed": self.confirmed,
                    "calls": len(self.calls),
                }
        return 404, {"ok": False}

    async def _dispatch(
        self, method: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> tuple[int, dict[str, Any]]:
        try:
            if method == "getupdates":
                result: Any = await self._get_updates(params)
            else:
                handler = getattr(self, f"_m_{method}", None)
                if handler is None or method in self.unsupported:
                    raise ApiError(404, "Not Found: method not found")
                with self._lock:
                    result = handler(params, files)
        except ApiError as error:
            return error.code, {
                "ok": False, "error_code": error.code, "description": error.description,
            }
        return 200, {"ok": True, "result": result}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self._new_update is not None
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            with self._lock:
                # An offset acknowledges every earlier update.
                self.confirmed += sum(1 for u in self._updates if u["update_id"] < offset)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = self._updates[:limit]
                if ready or time.monotonic() >= deadline:
                    return ready
                self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())

    # -- Bot API methods (called with the lock held) ----------------------------------------

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats.get(chat_id) or {
            "id": chat_id, "type": "private" if chat_id > 0 else "group",
        }

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
            "from": self.bot_user, **content,
        }
        markup = params.get("reply_markup")
        if markup:
            _check_markup(markup)
            message["reply_markup"] = markup
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message["reply_to_message_id"] = reply.get("message_id")  # for the tests' eyes
        self.messages[(chat["id"], message["message_id"])] = message
        return {k: v for k, v in message.items() if k != "reply_to_message_id"}

    def _m_getme(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self.bot_user

    def _m_deletewebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    def _m_setwebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = params
        return True

    def _m_getwebhookinfo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _m_setmycommands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or not commands or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a non-empty list")
        for command in commands:
            name, text = command["command"], command["description"]
            if not 1 <= len(name) <= 32 or not 1 <= len(text) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    def _m_setmydescription(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if utf16_len(params.get("description", "")) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        return True

    def _m_setmyshortdescription(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if utf16_len(params.get("short_description", "")) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        return True

    def _m_sendchataction(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self._chat(params.get("chat_id"))
        return True

    def _m_sendmessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        text = params.get("text", "")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        if params.get("parse_mode") == "HTML":
            _check_html(text)
        return self._new_message(params, text=text)

    def _m_sendphoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        photo = files.get("photo")
        if not photo or not photo.startswith(b"\x89PNG"):
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        caption = params.get("caption", "")
        if utf16_len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        size = {"file_id": f"photo{len(self.messages)}", "file_unique_id": "u",
                "width": 880, "height": 495, "file_size": len(photo)}
        return self._new_message(params, photo=[size], caption=caption)

    def _m_editmessagetext(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self.messages.get(key)  # type: ignore[arg-type]
        if message is None or "text" not in message:
            raise ApiError(400, "Bad Request: message to edit not found")
        text, markup = params.get("text", ""), params.get("reply_markup")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(
                400, "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        if markup:
            _check_markup(markup)
        message.update(text=text, edit_date=int(time.time()), edits=message.get("edits", 0) + 1)
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return {k: v for k, v in message.items() if k not in ("edits", "reply_to_message_id")}

    def _m_answercallbackquery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if utf16_len(params.get("text", "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _m_answerinlinequery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        for result in results:
            text = result.get("input_message_content", {}).get("message_text", "")
            if not text or utf16_len(text) > 4096 or len(result.get("id", "")) > 64:
                raise ApiError(400, "Bad Request: RESULT_INVALID")
        return True

    # -- update builders (the user side) ---------------------------------------------------

    @staticmethod
    def user(user_id: int, language_code: str | None = "en", name: str = "Test") -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": name}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private_chat(user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group_chat(chat_id: int = -1001, title: str = "Fedasil staff") -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def message(
        self, user: dict[str, Any], text: str | None = None, *,
        chat: dict[str, Any] | None = None, reply_to: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A message update; commands and @mentions get their entities like Telegram's."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": chat or self.private_chat(user), "from": user, **content,
        }
        if text is not None:
            message["text"] = text
            entities = _entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def say(self, user: dict[str, Any], text: str, **kwargs: Any) -> int:
        """Push a message update; return its update id."""
        return self.push(self.message(user, text, **kwargs))[0]

    def press(self, user: dict[str, Any], message: dict[str, Any], label: str) -> int:
        """Push a press on the button of the bot's `message` whose label contains `label`."""
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"]:
                    return self.push_callback(user, message, button["callback_data"])
        raise AssertionError(f"no button {label!r} on the message")

    def push_callback(self, user: dict[str, Any], message: dict[str, Any], data: str) -> int:
        update = {"callback_query": {
            "id": str(next(self._message_ids)), "from": user, "chat_instance": "ci",
            "message": {k: v for k, v in message.items() if k not in ("edits",)},
            "data": data,
        }}
        return self.push(update)[0]

    def inline(self, user: dict[str, Any], query: str) -> int:
        return self.push({"inline_query": {
            "id": str(next(self._message_ids)), "from": user, "query": query, "offset": "",
        }})[0]


def _entities(text: str) -> list[dict[str, Any]]:
    """Bot command and @mention entities, with UTF-16 offsets like Telegram's."""
    entities = []
    offset = 0
    for word in text.split(" "):
        if word.startswith("/") and offset == 0 and len(word) > 1:
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(word)})
        elif word.startswith("@") and len(word) > 1:
            entities.append({"type": "mention", "offset": offset, "length": utf16_len(word)})
        offset += utf16_len(word) + 1
    return entities


class _TagBalance(HTMLParser):
    """Telegram's HTML check, in short: known tags only, each closed, properly nested."""

    TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
            "span", "tg-spoiler", "blockquote", "tg-emoji"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported tag <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected end tag {tag}")


def _check_html(text: str) -> None:
    parser = _TagBalance()
    parser.feed(text)
    parser.close()
    # A cut inside a tag leaves it unfinished: HTMLParser keeps it as raw data.
    if parser.open or parser.rawdata or "<a " in text.rsplit(">", 1)[-1]:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed tag")


def _check_markup(markup: Any) -> None:
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")


def _decode(name: str, value: str) -> Any:
    if name in _RAW:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        parsed = BytesParser(policy=HTTP).parsebytes(head + body)
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        for part in parsed.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = _decode(name, payload.decode())
        return params, files
    pairs = parse_qsl(body.decode(), keep_blank_values=True)
    return {name: _decode(name, value) for name, value in pairs}, {}


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line.strip():
        return None
    _, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        return target, headers, b"".join(chunks)
    length = int(headers.get("content-length") or 0)
    return target, headers, await reader.readexactly(length) if length else b""


async def _write(
    writer: asyncio.StreamWriter, status: int, body: bytes, content_type: str = "application/json"
) -> None:
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    api = FakeBotAPI(args.token)
    api.port = args.port
    api.start()
    print(api.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        api.stop()


if __name__ == "__main__":
    main()
