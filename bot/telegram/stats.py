"""Usage counting in the Telegram channel, and `/stats` for admins (RETURNBOT_ADMIN_IDS).

`install` puts the channel's usage Recorder (bot/usage.py) into bot_data (app.py registers
/stats with the other commands); `count` is the one call where an answer is produced; the recorder writes its
counts behind and is closed in post_shutdown. /stats summarises the last 30 days in the
admin's language, with counts under 5 suppressed (bot/stats.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot import stats as usage_stats
from bot.answer import Answer
from bot.settings import Settings
from bot.telegram.services import services_of
from bot.usage import Recorder, recorder_from_settings

__all__ = ["DAYS", "close", "count", "install", "recorder_of", "stats"]

DAYS = 30
_KEY = "usage"


def install(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Give the application its usage recorder (/stats is registered with the commands)."""
    app.bot_data[_KEY] = recorder_from_settings(settings)


def recorder_of(bot_data: Mapping[Any, Any]) -> Recorder | None:
    """The recorder `install` put in bot_data (None for an application built without it)."""
    found = bot_data.get(_KEY)
    return found if isinstance(found, Recorder) else None


def count(bot_data: Mapping[Any, Any], answer: Answer) -> None:
    """Count one answer given in Telegram (memory only: no I/O on the answer path)."""
    recorder = recorder_of(bot_data)
    if recorder is not None:
        recorder.count(answer, "telegram")


def close(bot_data: Mapping[Any, Any]) -> None:
    """Write the last counts and stop the recorder (post_shutdown)."""
    recorder = recorder_of(bot_data)
    if recorder is not None:
        recorder.close()


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send an admin the last 30 days of anonymous usage counts, in their language."""
    svc, user, message = services_of(context.bot_data), update.effective_user, update.message
    if message is None:
        return
    recorder = recorder_of(context.bot_data)
    if recorder is not None:
        await svc.run(recorder.flush)  # include the last seconds' questions
    summary = await svc.run(usage_stats.summarize, svc.settings.state_path, DAYS, None,
                            svc.settings.db_path)
    lang = svc.ui_language(user.id if user else None, user.language_code if user else None)
    await message.reply_text(usage_stats.summary_text(summary, lang))
