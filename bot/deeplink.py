"""Deep links (`https://t.me/<bot>?start=<lang>-<topic>`): what a poster's QR code opens.

The payload keeps to Telegram's rules for `start` parameters: at most 64 characters of
A–Z, a–z, 0–9, `_` and `-`. A payload that is malformed, too long, or names an unknown
language or topic parses to None, and the bot shows its normal welcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from bot.datafiles import DATA_DIR
from bot.i18n import LANGUAGES

__all__ = [
    "DeepLink", "MAX_PAYLOAD", "TOPICS", "Topic", "content_topic", "link", "parse_payload",
    "payload", "topic_query",
]

MAX_PAYLOAD = 64
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")

# The entries of posters, deep links and the first-time menu, in menu order.
Topic = Literal["figures", "apply", "reintegration", "contact", "privacy"]
TOPICS: tuple[Topic, ...] = get_args(Topic)
# Which support topic (data/content/<id>.yaml) each entry opens; `figures` asks the total.
_CONTENT: dict[str, tuple[str, ...]] = {
    "apply": ("how_to_apply",),
    "reintegration": ("reintegration",),
    # `contact` (call or visit) is a topic of its own once written; until then the phone
    # line and the return desks are in how_to_apply.
    "contact": ("contact", "how_to_apply"),
    "privacy": ("confidentiality",),
}


@dataclass(frozen=True)
class DeepLink:
    """A valid deep-link payload: the language to set and the topic to open."""

    language: str
    topic: Topic


def payload(language: str, topic: str) -> str:
    """Return the `start` payload for `language` and `topic` (ValueError if either is unknown)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; one of {', '.join(TOPICS)}")
    return f"{language}-{topic}"


def parse_payload(text: str | None) -> DeepLink | None:
    """Return what a `/start` payload asks for, or None when it is not one of ours."""
    if not text or not _PAYLOAD.fullmatch(text):
        return None
    language, _, topic = text.partition("-")
    if language not in LANGUAGES or topic not in TOPICS:
        return None
    return DeepLink(language, topic)


def link(username: str, language: str, topic: str) -> str:
    """Return the deep link `https://t.me/<username>?start=<language>-<topic>`."""
    name = username.removeprefix("@")
    if not _USERNAME.fullmatch(name):
        raise ValueError(f"not a Telegram bot username: {username!r}")
    return f"https://t.me/{name}?start={payload(language, topic)}"


def content_topic(topic: str, data_dir: Path = DATA_DIR) -> str | None:
    """Return the support topic an entry opens: the first of its topics that has a file."""
    for candidate in _CONTENT.get(topic, ()):
        if (data_dir / "content" / f"{candidate}.yaml").is_file():
            return candidate
    return None


def topic_query(topic: str, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """Return the engine query an entry opens (the latest total for `figures`)."""
    if topic == "figures":
        return {"kind": "total"}
    return {"kind": "info", "topic": content_topic(topic, data_dir)}
