"""The Telegram channel's own words (commands, welcome, help, privacy…), through gettext.

Every msgid is a literal inside `_()` or `N_()` so `pybabel extract` finds it; placeholders
are `%(name)s`. Answers to questions come from the engine, not from here.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import translations

__all__ = [
    "COMMANDS", "EXAMPLES", "N_", "about", "apology", "choose_language", "command_description",
    "description", "flood", "forgotten", "gettext", "group_hint", "help_text", "language_set",
    "non_text_hint", "privacy", "short_description", "sources_header", "sources_none",
    "stale_button", "unknown_command", "welcome",
]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark `message` for extraction; it is translated where it is used."""
    return message


def gettext(lang: str, message: str, **values: Any) -> str:
    """Translate a marked `message` into `lang` and fill its %(name)s placeholders."""
    text = translations(lang).gettext(message)
    return text % values if values else text


# The commands in menu order, with their menu descriptions (at most 256 characters).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Welcome and example questions")),
    ("help", N_("What you can ask, with examples")),
    ("language", N_("Choose the language")),
    ("sources", N_("Where the figures come from")),
    ("about", N_("What the figures cover and what they mean")),
    ("privacy", N_("What this bot stores about you")),
    ("forget", N_("Delete everything this bot stores about you")),
    ("subscribe", N_("Get one short message when new figures are published")),
    ("unsubscribe", N_("Stop the messages about new figures")),
)

# The /start buttons: a label and the query it asks (no year: the latest published one).
EXAMPLES: tuple[tuple[str, dict[str, Any]], ...] = (
    (N_("How many people returned last year?"), {"kind": "total"}),
    (N_("To which countries did most people return?"), {"kind": "ranking", "top": 5}),
    (N_("How do I apply for a voluntary return?"), {"kind": "info", "topic": "how_to_apply"}),
)


def command_description(lang: str, message: str) -> str:
    """Return a command's menu description in `lang`."""
    return gettext(lang, message)


def description(lang: str) -> str:
    """Return the bot's description (shown before the first /start; at most 512 characters)."""
    _ = translations(lang).gettext
    return _(
        "I answer questions about assisted voluntary return from Belgium (Fedasil, with IOM "
        "and Caritas): how many people returned, to which countries, and how to apply. "
        "Every figure comes from a published source, which I name."
    )


def short_description(lang: str) -> str:
    """Return the bot's short description (profile page; at most 120 characters)."""
    _ = translations(lang).gettext
    return _("Published figures on voluntary return from Belgium, with their sources.")


def welcome(lang: str) -> str:
    """Return the /start message."""
    _ = translations(lang).gettext
    return _(
        "Hello! I answer questions about assisted voluntary return from Belgium, using "
        "only figures that were published, and I always say where they come from.\n\n"
        "Ask me in your own words, for example about a year or a country, or tap one of "
        "these questions:"
    )


def help_text(lang: str, mention: str) -> str:
    """Return the /help message; `mention` is the bot's @username."""
    _ = translations(lang).gettext
    return _(
        "Ask me a question in your own words, in any of 12 languages. For example:\n"
        "• How many people returned in 2023?\n"
        "• How many returned to Georgia in 2023?\n"
        "• Top 5 countries in 2024\n"
        "• Trend since 2017\n"
        "• Is it true that 3,000 people returned in 2023?\n"
        "• How do I apply?\n\n"
        "After an answer you can ask a follow-up such as \"and in 2022?\", or use the "
        "buttons.\n\n"
        "/language: choose the language\n"
        "/sources: where the figures come from\n"
        "/about: what the figures cover\n"
        "/privacy: what I store\n"
        "/forget: delete what I store about you\n\n"
        "In a group, mention me (%(mention)s) or reply to one of my messages. In any chat "
        "you can type %(mention)s followed by a question."
    ) % {"mention": mention}


def about(lang: str) -> str:
    """Return the /about message: coverage, the two series, definitions."""
    _ = translations(lang).gettext
    return _(
        "What the figures cover\n\n"
        "Assisted voluntary return: people without a right to stay in Belgium who decide "
        "to go back to their country (or to another country that admits them) with the "
        "support of Fedasil's programme, run with IOM and Caritas International. Support "
        "can include the journey, a small allowance and reintegration help after arrival.\n\n"
        "Two yearly counts exist:\n"
        "• the Fedasil count (the programme figure, used by default);\n"
        "• the government count given by the State Secretary and the Immigration Office, "
        "which also includes departures the Immigration Office organised, such as Dublin "
        "departures.\n\n"
        "Profiles: asylum applicants (procedure still running), rejected applicants, and "
        "people who never applied or have no legal stay.\n\n"
        "When a figure was never published I say so, and tell you what was published "
        "instead. I never estimate a number."
    )


def privacy(lang: str) -> str:
    """Return the /privacy message."""
    _ = translations(lang).gettext
    return _(
        "What I store\n\n"
        "• the language you choose with /language;\n"
        "• the last question I answered in this chat, as a short code (for example "
        "\"returns to Georgia in 2023\"), so that you can ask \"and in 2022?\".\n\n"
        "I never store or log the text of your messages, your name or your phone number. "
        "I do not share anything. Follow-up codes older than a day are not used, and "
        "everything is deleted after 30 days without use.\n\n"
        "/forget deletes everything I store about you, now."
    ) + "\n\n" + _(
        "I also count questions without knowing who asks: per day, language, kind of "
        "question and whether I could answer; never the text, never who you are."
    )


def forgotten(lang: str) -> str:
    """Return the /forget confirmation."""
    _ = translations(lang).gettext
    return _("Done: I deleted your language choice and the last question of this chat.")


def choose_language(lang: str) -> str:
    """Return the /language prompt."""
    _ = translations(lang).gettext
    return _("Choose your language:")


def language_set(lang: str, name: str) -> str:
    """Return the confirmation of a language choice, in the new language."""
    _ = translations(lang).gettext
    return _("Language: %(language)s. Ask me a question, or tap one of the questions below:") % {
        "language": name
    }


def non_text_hint(lang: str) -> str:
    """Return the reply to photos, stickers, voice messages and other non-text messages."""
    _ = translations(lang).gettext
    return _(
        "I can only read text. Please type your question, for example: "
        "\"How many people returned in 2023?\""
    )


def group_hint(lang: str, mention: str) -> str:
    """Return the reply to a bare mention in a group."""
    _ = translations(lang).gettext
    return _("Ask me a question after the mention, for example: %(example)s") % {
        "example": f"{mention} " + _("2023 Georgia")
    }


def unknown_command(lang: str) -> str:
    """Return the reply to a command the bot does not know."""
    _ = translations(lang).gettext
    return _("I don't know that command. /help lists what I can do.")


def apology(lang: str) -> str:
    """Return the error handler's apology."""
    _ = translations(lang).gettext
    return _("Sorry, something went wrong on my side. Please try again in a moment.")


def flood(lang: str) -> str:
    """Return the notice to a chat that sent more questions at once than are answered."""
    _ = translations(lang).gettext
    return _(
        "You sent many messages at once, so I skipped some of them. Please send again the "
        "questions I did not answer, one at a time."
    )


def stale_button(lang: str) -> str:
    """Return the reply to a button that is too old or was not made by this bot."""
    _ = translations(lang).gettext
    return _("This button no longer works. Please ask your question again.")


def sources_header(lang: str) -> str:
    """Return the heading of /sources."""
    _ = translations(lang).gettext
    return _(
        "The figures come from these official publications (newest first). Each answer "
        "names the one it uses."
    )


def sources_none(lang: str) -> str:
    """Return /sources when the store cannot list its publications."""
    _ = translations(lang).gettext
    return _(
        "The figures come from Fedasil's yearly press releases and reports, statements of "
        "the State Secretary for Asylum and Migration and answers in the Belgian Parliament. "
        "Each answer names its source."
    )
