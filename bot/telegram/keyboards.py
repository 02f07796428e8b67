"""Inline keyboards: an answer's next steps, the /start examples, the /language choice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answer import Action
from bot.i18n import LANGUAGE_NAMES, LANGUAGES
from bot.telegram import callbacks, texts

__all__ = ["StoreButton", "answer_keyboard", "examples_keyboard", "language_keyboard"]

logger = logging.getLogger(__name__)

# Keeps a query that does not fit in callback data; returns its token (StateStore.put_button).
StoreButton = Callable[[dict[str, Any]], str]

# Which row each kind of action goes to, and how many buttons a row holds.
_ROWS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("previous_year", "next_year"), 2),
    (("chart", "source"), 2),
    (("country",), 3),
    (("question",), 1),
)


def _button(action: Action, lang: str, store: StoreButton | None) -> InlineKeyboardButton | None:
    data = callbacks.encode_action(action.kind, lang, action.query)
    if data is None and store is not None:
        data = callbacks.encode_token(action.kind, lang, store(action.query))
    if data is None:
        logger.warning("dropped a %s button whose query does not fit", action.kind)
        return None
    return InlineKeyboardButton(action.label, callback_data=data)


def answer_keyboard(
    actions: Sequence[Action], lang: str, store: StoreButton | None = None
) -> InlineKeyboardMarkup | None:
    """Return the buttons for an answer's next steps (None when there are none)."""
    rows: list[list[InlineKeyboardButton]] = []
    for kinds, width in _ROWS:
        buttons = [
            button for action in actions if action.kind in kinds
            if (button := _button(action, lang, store)) is not None
        ]
        rows.extend(buttons[i:i + width] for i in range(0, len(buttons), width))
    return InlineKeyboardMarkup(rows) if rows else None


def examples_keyboard(lang: str) -> InlineKeyboardMarkup:
    """Return the /start keyboard: three example questions."""
    actions = [
        Action(label=texts.gettext(lang, label), kind="question", query=query)
        for label, query in texts.EXAMPLES
    ]
    markup = answer_keyboard(actions, lang)
    assert markup is not None  # the examples always fit in callback data
    return markup


def language_keyboard(current: str | None) -> InlineKeyboardMarkup:
    """Return the /language keyboard: the 12 languages, each in its own name, 3 per row."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == current else "") + LANGUAGE_NAMES[code],
            callback_data=callbacks.encode_language(code),
        )
        for code in LANGUAGES
    ]
    return InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])
