"""The pipeline in one place: detect language → parse → resolve → query → render.

Both channels (CLI and Telegram) call `Engine.ask`; the same question gives the same facts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bot.answer import Answer

__all__ = ["Engine"]


class Engine:
    """Answers questions from the read-only store at `db_path`."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    def ask(
        self,
        text: str,
        *,
        lang: str | None = None,
        hint_lang: str | None = None,
        context: dict[str, Any] | None = None,
        today: date | None = None,
    ) -> Answer:
        """Answer `text`.

        `lang` forces the answer language (--lang, a saved /language choice); `hint_lang` is
        used when the text's own language is unclear (Telegram's language_code); `context`
        is the previous answer's `query` (for follow-ups like "and in 2022?").
        """
        return Answer(
            question=text, language=lang or "en", status="not_understood", query=None,
            text="(engine not built yet)",
        )

    def answer_query(
        self, query: dict[str, Any], *, lang: str, today: date | None = None
    ) -> Answer:
        """Answer an already-parsed query (a button press), in `lang`."""
        return Answer(
            question="", language=lang, status="not_understood", query=query,
            text="(engine not built yet)",
        )

    def close(self) -> None:
        """Close the store."""
