"""The first-time menu (the /start buttons) and deep links (`/start ar-apply`).

The menu's entries are the poster topics of bot/deeplink.py: figures, how to go home,
support after return, call or visit, privacy. A deep link sets the user's language and
opens its topic at once, with the other entries as buttons below the answer.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.deeplink import TOPICS, DeepLink, topic_query
from bot.telegram import callbacks
from bot.telegram.sending import send_reply
from bot.telegram.services import Reply, services_of
from bot.telegram.texts import N_, gettext

__all__ = ["LABELS", "menu_keyboard", "open_deep_link"]

# The button of each entry, in the user's language.
LABELS: dict[str, str] = {
    "figures": N_("📊 How many people returned?"),
    "apply": N_("🏠 How do I go home?"),
    "reintegration": N_("🤝 Support after return"),
    "contact": N_("📞 Call or visit"),
    "privacy": N_("🔒 Is it confidential?"),
}


def _rows(lang: str, skip: str | None) -> list[list[InlineKeyboardButton]]:
    rows = []
    for topic in TOPICS:
        data = callbacks.encode_action("question", lang, topic_query(topic))
        if topic != skip and data is not None:
            rows.append([InlineKeyboardButton(gettext(lang, LABELS[topic]), callback_data=data)])
    return rows


def menu_keyboard(lang: str, skip: str | None = None) -> InlineKeyboardMarkup:
    """Return the menu: one button per entry (but `skip`), one per row, in `lang`."""
    return InlineKeyboardMarkup(_rows(lang, skip))


async def open_deep_link(update: Update, context: ContextTypes.DEFAULT_TYPE,
                         link: DeepLink) -> None:
    """Set the user's language and answer the link's topic, with the menu below."""
    svc, user, chat = services_of(context.bot_data), update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    svc.state.set_language(user.id, link.language)
    reply = await svc.answer_query(topic_query(link.topic), link.language, chat.id)
    rows = list(reply.markup.inline_keyboard) if reply.markup else []
    markup = InlineKeyboardMarkup([*rows, *_rows(link.language, link.topic)])
    await send_reply(context.bot, chat.id, Reply(reply.answer, markup), svc)
