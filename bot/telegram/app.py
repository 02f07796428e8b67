"""The Telegram channel: one Application, built in one place, run by `returnbot run`."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import UpdateType
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.engine import Engine
from bot.errors import ConfigError
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.settings import Settings
from bot.telegram import alerts, handlers, stats, texts
from bot.telegram.delivery import DeliveryRateLimiter
from bot.telegram.health import Heartbeat, heartbeat_of
from bot.telegram.intake import FairProcessor, Intake, PacedBot
from bot.telegram.services import Services, services_of

__all__ = ["ALLOWED_UPDATES", "build_application", "configure_logging", "register_menus", "run"]

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [UpdateType.MESSAGE, UpdateType.CALLBACK_QUERY, UpdateType.INLINE_QUERY]
# Bot API calls in flight at once when registering menus at start-up.
_MENU_CONCURRENCY = 6
# Bot API requests in flight at once (and connections kept). Four at ~100 ms per request
# carry more than Telegram's 30 messages per second, and httpx's connection pool does work
# in proportion to its connections on every request (more connections cost CPU).
HTTP_CONNECTIONS = 4

App = Application[Any, Any, Any, Any, Any, Any]


def configure_logging(level: str) -> None:
    """Configure logging once for the process; keep libraries from logging message text."""
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level.upper()
    )
    # httpx logs every request at INFO (with the token in the URL); PTB logs whole updates,
    # message text included, at DEBUG. Neither may reach the logs, whatever the level.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))
    # PTB logs a response that is not JSON in full, and a sendMessage response holds the
    # text and the chat: keep the event, drop the body.
    logging.getLogger("telegram.request").addFilter(_without_response_body)


def _without_response_body(record: logging.LogRecord) -> bool:
    if str(record.msg).startswith("Can not load invalid JSON data"):
        record.msg, record.args = "Can not load invalid JSON data (body not logged)", ()
    return True


def build_application(settings: Settings, engine: Engine | None = None) -> App:
    """Build the Application: limits, retries, services and every handler; nothing runs yet.

    Without `engine`, one is opened on the worker thread from `settings.db_path` in
    post_init (and closed in post_shutdown).
    """
    if settings.telegram_bot_token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    # Opt in to PTB's future timedelta-valued `retry_after`: otherwise every 429 emits a
    # deprecation warning (an error under the tests' filterwarnings).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    heartbeat = Heartbeat(settings)
    intake = Intake(settings.fetch_window, settings.chat_backlog)
    processor = FairProcessor(settings.concurrent_updates, intake)
    app = (
        ApplicationBuilder()
        .bot(_paced_bot(settings, intake, heartbeat))
        .concurrent_updates(processor)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    processor.on_declined = functools.partial(handlers.flood_notice, app)
    app.bot_data["services"] = Services(settings, engine)
    app.bot_data["heartbeat"] = heartbeat
    stats.install(app, settings)  # the anonymous usage counts
    app.bot_data["alerts"] = alerts.AlertService(settings)

    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    new_message = filters.UpdateType.MESSAGE  # edits and channel posts are ignored
    app.add_handlers([
        CommandHandler("start", handlers.start),
        CommandHandler("help", handlers.help_command),
        CommandHandler("language", handlers.language),
        CommandHandler("sources", handlers.sources),
        CommandHandler("about", handlers.about),
        CommandHandler("privacy", handlers.privacy),
        CommandHandler("forget", handlers.forget),
        CommandHandler("subscribe", alerts.subscribe),
        CommandHandler("unsubscribe", alerts.unsubscribe),
        # Staff only: a preview of the next alert about new figures.
        CommandHandler("news", alerts.news,
                       filters.User(user_id=settings.admin_ids, allow_empty=False)),
        # Staff only (RETURNBOT_ADMIN_IDS), not in the menus: the press office's report.
        CommandHandler("check", handlers.check,
                       filters.User(user_id=settings.admin_ids, allow_empty=False)),
        CommandHandler("stats", stats.stats,
                       filters.User(user_id=settings.admin_ids, allow_empty=False)),
        CallbackQueryHandler(handlers.button),
        InlineQueryHandler(handlers.inline),
        # After the commands: any other command, in a private chat only.
        MessageHandler(new_message & private & filters.COMMAND, handlers.unknown_command),
        # Questions: all text in private chats; in groups only what is addressed to the bot.
        MessageHandler(
            new_message & filters.TEXT & ~filters.COMMAND
            & (private | (groups & handlers.ADDRESSED_TO_BOT)),
            handlers.question,
        ),
        # Photos, stickers, voice… in private chats; service messages are not questions.
        MessageHandler(
            new_message & private & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            handlers.non_text,
        ),
    ])
    app.add_error_handler(handlers.error_handler)
    return app


def _paced_bot(settings: Settings, intake: Intake, heartbeat: Heartbeat) -> PacedBot:
    """The Bot: limits, retries, and getUpdates paced by the intake (each poll a heartbeat
    for `returnbot health`)."""
    assert settings.telegram_bot_token is not None
    timeout = settings.telegram_timeout
    return PacedBot(
        token=settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=HTTPXRequest(
            connection_pool_size=HTTP_CONNECTIONS, read_timeout=timeout,
            write_timeout=timeout, connect_timeout=timeout, pool_timeout=timeout,
            media_write_timeout=timeout * 2,
        ),
        get_updates_request=heartbeat.make_poll_request(read_timeout=timeout,
                                                        connect_timeout=timeout),
        rate_limiter=DeliveryRateLimiter(
            per_second=settings.rate_limit_per_second,
            group_per_minute=settings.rate_limit_group_per_minute,
            base_delay=settings.retry_base_delay, max_delay=settings.retry_max_delay,
            deadline=settings.retry_deadline, in_flight=HTTP_CONNECTIONS,
        ),
        defaults=Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)),
        intake=intake,
    )


async def register_menus(bot: Any) -> None:
    """Register the command menu and descriptions for every product language (and default)."""
    gate = asyncio.Semaphore(_MENU_CONCURRENCY)

    async def call(method: Any, *args: Any, language_code: str | None) -> None:
        async with gate:
            await method(*args, language_code=language_code)

    calls = []
    for code in (None, *LANGUAGES):
        lang = code or DEFAULT_LANGUAGE
        commands = [
            BotCommand(command, texts.command_description(lang, message))
            for command, message in texts.COMMANDS
        ]
        calls += [
            call(bot.set_my_commands, commands, language_code=code),
            call(bot.set_my_description, texts.description(lang), language_code=code),
            call(bot.set_my_short_description, texts.short_description(lang), language_code=code),
        ]
    results = await asyncio.gather(*calls, return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:  # the bot works without menus: log and go on
        logger.warning("%d of %d menu calls failed, e.g. %r", len(failed), len(calls), failed[0])


async def _post_init(app: App) -> None:
    await services_of(app.bot_data).open()
    if (heartbeat := heartbeat_of(app.bot_data)) is not None:
        await heartbeat.start(app, store_loaded=True)
    await alerts.alerts_of(app.bot_data).open(app)
    # The engine's store (tens of thousands of objects) lives as long as the process: keep it
    # out of the garbage collector's full scans, a large share of the CPU under load.
    gc.collect()
    gc.freeze()
    await register_menus(app.bot)


async def _post_shutdown(app: App) -> None:
    await alerts.alerts_of(app.bot_data).close()
    await services_of(app.bot_data).close()
    stats.close(app.bot_data)
    if (heartbeat := heartbeat_of(app.bot_data)) is not None:
        await heartbeat.stop()


def run(settings: Settings | None = None) -> None:
    """Run the bot until SIGTERM/SIGINT: webhook mode if a webhook URL is set, else polling."""
    settings = settings or Settings()
    if settings.webhook_url and not settings.webhook_secret:
        # Without it anyone who finds the URL can post forged updates (/forget, /check).
        raise ConfigError("webhook mode needs RETURNBOT_WEBHOOK_SECRET (a random token)")
    configure_logging(settings.log_level)
    app = build_application(settings)
    if settings.webhook_url:
        assert settings.webhook_secret is not None
        secret = settings.webhook_secret.get_secret_value()
        logger.info("starting in webhook mode on port %d", settings.webhook_port)
        app.run_webhook(
            listen=settings.webhook_listen, port=settings.webhook_port,
            url_path=settings.webhook_path, webhook_url=settings.webhook_url,
            secret_token=secret, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=10,
        )
    else:
        logger.info("starting in polling mode")
        app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=10)
    logger.info("stopped")

