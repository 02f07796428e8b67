"""Sending an answer within Telegram's limits: 4,096 per message, 1,024 per caption.

Answers are plain text (exactly what the CLI prints), so no parse mode and no escaping;
Telegram measures lengths in UTF-16 code units, and so does this module.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, ReplyParameters
from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError

from bot.answer import Answer
from bot.i18n import formatter, translations
from bot.telegram.services import Reply, Services

__all__ = ["chart_caption", "send_reply", "split_lines", "split_text", "truncate", "utf16_len"]

logger = logging.getLogger(__name__)
_ELLIPSIS = "…"


def utf16_len(text: str) -> int:
    """Return the length of `text` as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """Return how many characters of `text` fit in `limit` UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def truncate(text: str, limit: int) -> str:
    """Return `text` cut to `limit` UTF-16 code units, with an ellipsis if it was cut."""
    if utf16_len(text) <= limit:
        return text
    return text[: _fitting(text, limit - 1)].rstrip() + _ELLIPSIS


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split `text` into messages of at most `limit`, at paragraph, line or word breaks."""
    parts: list[str] = []
    text = text.strip() or _ELLIPSIS
    while utf16_len(text) > limit:
        head = text[: _fitting(text, limit)]
        for separator in ("\n\n", "\n", " "):
            cut = head.rfind(separator)
            if cut > len(head) // 2:
                break
        else:
            cut = len(head)
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts


def split_lines(lines: list[str], limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Join `lines` into messages of at most `limit`, never splitting a line.

    For HTML, where each line is whole elements: a cut inside a tag would make Telegram
    refuse the message. A line longer than `limit` alone is the caller's error.
    """
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        length = utf16_len(line)
        if length > limit:
            raise ValueError(f"a line of {length} UTF-16 units does not fit in {limit}")
        if current and size + 1 + length > limit:
            parts.append("\n".join(current).strip())
            current, size = [], 0
        size += (1 if current else 0) + length
        current.append(line)
    parts.append("\n".join(current).strip())
    return [part for part in parts if part] or [_ELLIPSIS]


def chart_caption(answer: Answer) -> str:
    """Return a chart's caption: the answer text if it fits, else the numbers and source."""
    limit = MessageLimit.CAPTION_LENGTH
    if answer.chart is None or utf16_len(answer.text) <= limit:
        return answer.text
    chart = answer.chart
    number = formatter(answer.language).decimal
    _ = translations(answer.language).gettext
    lines = [chart.title]
    pairs = zip(chart.labels, chart.values, strict=False)
    lines += [f"{label}: {number(value)}" for label, value in pairs]
    lines.append(_("Source: %(source)s") % {"source": chart.source})
    caption = "\n".join(lines)
    if utf16_len(caption) > limit:  # keep the source: cut the middle of the list
        source = lines[-1]
        caption = truncate("\n".join(lines[:-1]), limit - utf16_len(source) - 1) + "\n" + source
    return caption


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, services: Services, quote: int | None = None
) -> None:
    """Send an answer: its chart as a photo (if any), then its text; buttons on the last."""
    answer = reply.answer
    reply_to = ReplyParameters(quote, allow_sending_without_reply=True) if quote else None
    parts = split_text(answer.text)
    if answer.chart is not None:
        png = await _chart(bot, chat_id, answer, services)
        if png is not None:
            caption = chart_caption(answer)
            parts = [] if caption == answer.text else parts
            await bot.send_photo(
                chat_id, png, caption=caption, reply_parameters=reply_to,
                reply_markup=None if parts else reply.markup,
            )
            reply_to = None
    for index, part in enumerate(parts):
        await bot.send_message(
            chat_id, part, reply_parameters=reply_to if index == 0 else None,
            reply_markup=reply.markup if index == len(parts) - 1 else None,
        )


async def _chart(bot: Bot, chat_id: int, answer: Answer, services: Services) -> bytes | None:
    assert answer.chart is not None
    if not services.chart_cached(answer.chart, answer.language):  # drawing takes a moment
        with contextlib.suppress(TelegramError):  # only a courtesy
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    try:
        return await services.chart_png(answer.chart, answer.language)
    except Exception:  # the numbers still go out as text
        logger.exception("chart rendering failed; sending the answer as text only")
        return None
