"""Button callback data: compact, versioned, validated, at most 64 bytes.

Telegram sends a button's `callback_data` back verbatim, so anyone can forge it: every
press is decoded here and validated against the Query union before the engine sees it.

Formats (`|` separates fields):

- `L|nl`                         a /language choice;
- `q1<a><ll>|<K><k><v>|<k><v>…`  a next-step question: action code `a`, answer language
  `ll`, query kind `K`, then one field per part (key code `k`, value `v`), defaults omitted;
- `b1<a><ll>|<token>`            the same, for a query too long for 64 bytes, kept in the
  state store under `token`.

The `1` is the format version: data from another version is treated as stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from bot.i18n import LANGUAGES
from bot.queries import QUERY_ADAPTER

__all__ = [
    "ActionKind", "ActionPress", "LanguagePick", "MAX_BYTES", "Press", "decode", "encode_action",
    "encode_language", "encode_token",
]

MAX_BYTES = 64
ActionKind = Literal["previous_year", "next_year", "chart", "source", "country", "question"]

_ACTIONS: dict[ActionKind, str] = {
    "previous_year": "p", "next_year": "n", "chart": "c", "source": "s", "country": "k",
    "question": "q",
}
_KINDS: dict[str, str] = {
    "total": "T", "by_country": "C", "by_profile": "P", "ranking": "R", "change": "D",
    "trend": "E", "reintegration": "I", "dublin": "U", "unaccompanied_minors": "M",
    "families": "F", "destination_countries": "N", "fact_check": "K", "definition": "Z",
    "info": "O", "help": "H",
}
_KEYS: dict[str, str] = {
    "year": "y", "base_year": "b", "start": "s", "end": "e", "country": "c", "series": "r",
    "profile": "p", "measure": "m", "top": "t", "claimed": "v", "topic": "o", "value": "l",
    "chart": "h",
}
# Short codes for the enumerated values; anything else is written as is.
_VALUES: dict[str, dict[str, str]] = {
    "series": {"fedasil": "f", "government": "g"},
    "profile": {"asylum_applicant": "a", "rejected_applicant": "r", "irregular_stay": "i"},
    "measure": {"count": "c", "share": "s"},
}
_ACTION_NAMES: dict[str, ActionKind] = {v: k for k, v in _ACTIONS.items()}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_KEY_NAMES = {v: k for k, v in _KEYS.items()}
_VALUE_NAMES = {key: {v: k for k, v in codes.items()} for key, codes in _VALUES.items()}
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_.+-]{1,40}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{4,20}")


@dataclass(frozen=True)
class LanguagePick:
    """A button of the /language keyboard."""

    language: str


@dataclass(frozen=True)
class ActionPress:
    """A next-step button: ask `query` (or the query stored under `token`) in `language`."""

    action: ActionKind
    language: str
    query: dict[str, Any] | None = None
    token: str | None = None


Press = LanguagePick | ActionPress


def encode_language(language: str) -> str:
    """Return the callback data of a /language button."""
    return f"L|{language}"


def _value(key: str, value: Any) -> str | None:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _VALUES.get(key, {}).get(str(value), str(value))
    return text if _SAFE_VALUE.fullmatch(text) else None


def encode_action(action: ActionKind, language: str, query: dict[str, Any]) -> str | None:
    """Return compact callback data for a next-step button, or None if it cannot fit."""
    try:
        model = QUERY_ADAPTER.validate_python(query)
    except ValidationError:
        return None
    parts = [f"q1{_ACTIONS[action]}{language}", _KINDS[model.kind]]
    for key, value in model.model_dump(exclude_defaults=True, exclude={"kind"}).items():
        text = _value(key, value)
        if text is None or key not in _KEYS:
            return None
        parts.append(_KEYS[key] + text)
    data = "|".join(parts)
    return data if len(data.encode()) <= MAX_BYTES else None


def encode_token(action: ActionKind, language: str, token: str) -> str:
    """Return callback data pointing at a query kept in the state store."""
    return f"b1{_ACTIONS[action]}{language}|{token}"


def _decode_query(kind_code: str, fields: list[str]) -> dict[str, Any] | None:
    kind = _KIND_NAMES.get(kind_code)
    if kind is None:
        return None
    raw: dict[str, Any] = {"kind": kind}
    for field in fields:
        key = _KEY_NAMES.get(field[:1])
        if key is None or key in raw or not field[1:]:
            return None
        raw[key] = _VALUE_NAMES.get(key, {}).get(field[1:], field[1:])
    try:
        return QUERY_ADAPTER.validate_python(raw).model_dump(mode="json")
    except ValidationError:
        return None


def decode(data: str | None) -> Press | None:
    """Return what a button press asks for, or None for stale or forged data."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    head, _, rest = data.partition("|")
    if head == "L":
        return LanguagePick(rest) if rest in LANGUAGES else None
    if len(head) != 5 or head[:2] not in ("q1", "b1"):
        return None
    action, language = _ACTION_NAMES.get(head[2]), head[3:]
    if action is None or language not in LANGUAGES:
        return None
    if head[0] == "b":
        return ActionPress(action, language, token=rest) if _TOKEN.fullmatch(rest) else None
    kind_code, *fields = rest.split("|")
    query = _decode_query(kind_code, fields)
    return ActionPress(action, language, query=query) if query is not None else None
