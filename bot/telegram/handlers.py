"""PTB callbacks: thin glue between Telegram updates and the services.

No handler logs message text; the error handler logs the failing update by id and type only.
"""

from __future__ import annotations

import html
import logging
import traceback
from collections.abc import Awaitable
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, InlineQueryLimit, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, filters

from bot.deeplink import parse_payload
from bot.i18n import LANGUAGE_NAMES
from bot.telegram import alerts, callbacks, keyboards, menu, stats, texts
from bot.telegram.sending import send_reply, split_lines, split_text, truncate, utf16_len
from bot.telegram.services import Reply, Services, services_of

__all__ = [
    "ADDRESSED_TO_BOT", "about", "button", "error_handler", "flood_notice", "forget",
    "help_command", "inline",
    "language", "non_text", "privacy", "question", "sources", "start", "unknown_command",
]

logger = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
# /sources line parts, cut so that one line (escaped, ×6 at worst) always fits a message.
_TITLE_LIMIT = 300
_URL_LIMIT = 300


def services(context: Context) -> Services:
    """Return the application's Services."""
    return services_of(context.bot_data)


class _AddressedToBot(filters.MessageFilter):
    """Group messages that mention the bot or reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return any(m[1:].lower() == bot.username.lower() for m in mentions)


ADDRESSED_TO_BOT = _AddressedToBot(name="addressed_to_bot")


def _without_mentions(message: Message) -> str:
    """Return the message text without the bot's @mention, whitespace collapsed."""
    text = message.text or ""
    username = message.get_bot().username.lower()
    for mention in message.parse_entities([MessageEntity.MENTION]).values():
        if mention[1:].lower() == username:
            text = text.replace(mention, " ")
    return " ".join(text.split())


def _ui_language(update: Update, context: Context) -> str:
    user = update.effective_user
    return services(context).ui_language(
        user.id if user else None, user.language_code if user else None
    )


async def _say(
    update: Update, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Reply in the update's chat (quoting the message in groups), split at 4,096; plain text."""
    await _say_parts(update, split_text(text), reply_markup=reply_markup)


async def _say_parts(
    update: Update, parts: list[str], parse_mode: str | None = None,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send `parts` as replies, each in `parse_mode`, the buttons on the last."""
    message = update.effective_message
    assert message is not None
    quote = message.chat.type != ChatType.PRIVATE
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(part, do_quote=quote and index == 0, parse_mode=parse_mode,
                                 reply_markup=reply_markup if last else None)


async def start(update: Update, context: Context) -> None:
    """Open a deep link's topic (`/start ar-apply`), else welcome with the menu's buttons."""
    link = parse_payload(context.args[0]) if context.args else None
    if link is not None:
        await menu.open_deep_link(update, context, link)
        return
    lang = _ui_language(update, context)
    await _say(update, texts.welcome(lang), reply_markup=menu.menu_keyboard(lang))


async def help_command(update: Update, context: Context) -> None:
    """Explain what can be asked, with examples and the commands."""
    lang = _ui_language(update, context)
    await _say(update, texts.help_text(lang, f"@{context.bot.username}"))


async def language(update: Update, context: Context) -> None:
    """Offer the 12 languages as buttons."""
    svc, user = services(context), update.effective_user
    saved = svc.state.language(user.id) if user else None
    lang = _ui_language(update, context)
    await _say(update, texts.choose_language(lang), reply_markup=keyboards.language_keyboard(saved))


async def sources(update: Update, context: Context) -> None:
    """List the official publications the figures come from."""
    lang, found = _ui_language(update, context), await services(context).sources()
    if not found:
        await _say(update, texts.sources_none(lang))
        return
    lines = [html.escape(texts.sources_header(lang)), ""]
    lines += [
        f'• <a href="{html.escape(truncate(s.url, _URL_LIMIT))}">'
        f"{html.escape(truncate(f'{s.publisher}: {s.title}', _TITLE_LIMIT))}</a>"
        + (f" ({html.escape(s.published)})" if s.published else "")
        for s in found
    ]
    # Split between lines only: each line is whole HTML elements.
    await _say_parts(update, split_lines(lines), parse_mode=ParseMode.HTML)


async def about(update: Update, context: Context) -> None:
    """Explain what the figures cover, the two series and the definitions."""
    svc = services(context)
    lang = _ui_language(update, context)
    definition = await svc.definition(lang)
    extra = "" if definition.status == "not_understood" else "\n\n" + definition.text
    await _say(update, texts.about(lang) + extra)


async def privacy(update: Update, context: Context) -> None:
    """Say what the bot stores and for how long."""
    lang = _ui_language(update, context)
    await _say(update, texts.privacy(lang) + "\n\n" + alerts.privacy_note(lang))


async def forget(update: Update, context: Context) -> None:
    """Delete everything stored about the user and this chat."""
    svc, user, chat = services(context), update.effective_user, update.effective_chat
    svc.state.forget(user.id if user else None, chat.id if chat else None)
    if chat is not None:
        await alerts.forget_chat(context, chat.id)
    await _say(update, texts.forgotten(_ui_language(update, context)))


async def check(update: Update, context: Context) -> None:
    """Send an admin the `returnbot db check` report: conflicting sources and gaps."""
    from bot.check import report

    svc = services(context)
    text = await svc.run(report, svc.settings.db_path)
    await _say(update, text)


async def unknown_command(update: Update, context: Context) -> None:
    """Point to /help when a private chat sends a command the bot does not know."""
    await _say(update, texts.unknown_command(_ui_language(update, context)))


async def non_text(update: Update, context: Context) -> None:
    """Ask for text when a private chat sends a photo, sticker, voice message…"""
    await _say(update, texts.non_text_hint(_ui_language(update, context)))


async def question(update: Update, context: Context) -> None:
    """Answer a question: any text in a private chat, a mention or reply in a group."""
    message, user, svc = update.effective_message, update.effective_user, services(context)
    assert message is not None
    text = _without_mentions(message)
    if not text:
        lang = _ui_language(update, context)
        await _say(update, texts.group_hint(lang, f"@{context.bot.username}"))
        return
    code = user.language_code if user else None
    reply = await svc.ask(text, user.id if user else None, message.chat.id, code)
    stats.count(context.bot_data, reply.answer)
    quote = message.message_id if message.chat.type != ChatType.PRIVATE else None
    await send_reply(context.bot, message.chat.id, reply, svc, quote=quote)
    logger.debug("answered: %s %s in %s", reply.answer.status,
                 (reply.answer.query or {}).get("kind"), reply.answer.language)


async def button(update: Update, context: Context) -> None:
    """Handle a button press: a language choice or a next-step question."""
    query, svc = update.callback_query, services(context)
    assert query is not None
    press = callbacks.decode(query.data)
    if isinstance(press, callbacks.LanguagePick):
        await _pick_language(update, context, press.language)
        return
    asked = svc.state.button(press.token) if press and press.token else press and press.query
    if press is None or not asked or query.message is None:
        stale = texts.stale_button(_ui_language(update, context))
        await _answer_callback(query.answer(stale, show_alert=True))
        return
    await _answer_callback(query.answer())
    reply = await svc.answer_query(asked, press.language, query.message.chat.id)
    stats.count(context.bot_data, reply.answer)
    if press.action in ("previous_year", "next_year") and await _edit_answer(query, reply):
        return
    # A new message: for other buttons, or when the old one cannot be edited.
    await send_reply(context.bot, query.message.chat.id, reply, svc)


async def _edit_answer(query: CallbackQuery, reply: Reply) -> bool:
    """Show a text answer in place of the one whose button was pressed, if possible."""
    message, answer = query.message, reply.answer
    if answer.chart is not None or not isinstance(message, Message) or not message.text:
        return False
    if utf16_len(answer.text.strip()) > MessageLimit.MAX_TEXT_LENGTH:
        return False
    return await _edit(query.edit_message_text(answer.text, reply_markup=reply.markup))


async def _pick_language(update: Update, context: Context, lang: str) -> None:
    query, svc = update.callback_query, services(context)
    assert query is not None
    svc.state.set_language(query.from_user.id, lang)
    await _answer_callback(query.answer(LANGUAGE_NAMES[lang]))
    text = texts.language_set(lang, LANGUAGE_NAMES[lang])
    markup = keyboards.examples_keyboard(lang)
    if not await _edit(query.edit_message_text(text, reply_markup=markup)) and query.message:
        await context.bot.send_message(query.message.chat.id, text, reply_markup=markup)


async def _answer_callback(call: Awaitable[object]) -> None:
    """Stop the button's spinner; a query that is too old to answer is not an error."""
    try:
        await call
    except BadRequest as exc:
        logger.info("could not answer a callback query: %s", exc)


async def _edit(call: Awaitable[object]) -> bool:
    """Edit a message; return False if it cannot be edited (deleted, too old…).

    "Not modified" (a resent edit, or the same answer) counts as done.
    """
    try:
        await call
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            logger.info("could not edit a message: %s", exc)
            return False
    return True


async def inline(update: Update, context: Context) -> None:
    """Answer an inline query (`@bot georgia 2023`) in any chat, with the answer as text."""
    query, svc = update.inline_query, services(context)
    assert query is not None
    user = query.from_user
    answers = await svc.inline_answers(query.query, user.id, user.language_code)
    results = [
        InlineQueryResultArticle(
            id=str(index),
            title=truncate(title, 100),
            description=truncate(answer.text, 200),
            input_message_content=InputTextMessageContent(
                truncate(answer.text, MessageLimit.MAX_TEXT_LENGTH)
            ),
        )
        for index, (title, answer) in enumerate(answers[: InlineQueryLimit.RESULTS])
    ]
    # is_personal: the answer's language depends on who asks.
    await query.answer(results, cache_time=60, is_personal=True)


async def flood_notice(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> None:
    """Tell a chat whose questions beyond the chat backlog were declined (see intake.py)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != ChatType.PRIVATE:
        return  # a busy group is not told: most of its messages are not for the bot
    svc = services_of(app.bot_data)
    lang = svc.ui_language(user.id if user else None, user.language_code if user else None)
    await app.bot.send_message(chat.id, texts.flood(lang))


def _describe(update: object) -> str:
    """Name an update by id and type only: never its text, never its user."""
    if isinstance(update, Update):
        kind = next((k for k in Update.ALL_TYPES if getattr(update, k, None)), "unknown")
        return f"update {update.update_id} ({kind})"
    return type(update).__name__


def _secret_texts(update: object) -> list[str]:
    if not isinstance(update, Update):
        return []
    found = [
        update.effective_message.text if update.effective_message else None,
        update.inline_query.query if update.inline_query else None,
    ]
    return [text for text in found if text and len(text) >= 3]


async def error_handler(update: object, context: Context) -> None:
    """Log the error with its traceback, then apologise in the user's language."""
    error = context.error
    assert error is not None
    if isinstance(error, Forbidden):  # the user blocked the bot or left: nobody to tell
        logger.info("%s: %s", _describe(update), error)
        return
    trace = "".join(traceback.format_exception(error))
    secrets = [text for text in _secret_texts(update) if text in trace]
    if secrets:  # the exception quotes the user's text: log it redacted
        for text in secrets:
            trace = trace.replace(text, "[message text]")
        logger.error("%s failed:\n%s", _describe(update), trace)
    else:
        logger.error("%s failed", _describe(update), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        lang = _ui_language(update, context)
    except Exception:  # the state store may be what failed
        lang = "en"
    try:
        await context.bot.send_message(update.effective_chat.id, texts.apology(lang))
    except TelegramError as exc:
        logger.warning("could not apologise for %s: %s", _describe(update), exc)
