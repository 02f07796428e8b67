"""A scripted stand-in for bot.engine.Engine: same interface, predictable answers.

The channel tests use it to check what the channel does with an answer (text, buttons,
charts, long texts, errors) and what it passes to the engine (language, hint, follow-up
context), independently of the figures. Tests with the real engine live beside them.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from bot.answer import Action, Answer, ChartData

# Text that makes the engine fail, quoted in the exception like a careless library might.
BOOM = "please explode now"


class FakeEngine:
    """Answers "total" questions for any year; records every call."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []
        self.queried: list[dict[str, Any]] = []
        self.closed = False
        self.store = None
        # Cleared by a test to hold every engine call (on the worker thread) until set.
        self.gate = threading.Event()
        self.gate.set()
        self.thread_names: set[str] = set()
        self._lock = threading.Lock()

    def ask(self, text: str, *, lang: str | None = None, hint_lang: str | None = None,
            context: dict[str, Any] | None = None, today: Any = None) -> Answer:
        with self._lock:
            self.asked.append({"text": text, "lang": lang, "hint_lang": hint_lang,
                               "context": context})
            self.thread_names.add(threading.current_thread().name)
        if not self.gate.wait(30):
            raise RuntimeError("the test never opened the engine's gate")
        if BOOM in text:
            raise RuntimeError(f"cannot handle {text!r}")
        language = lang or hint_lang or "en"
        if text.lower() in ("asdf", "weather"):
            return Answer(question=text, language=language, status="not_understood",
                          query=None, text="Sorry, I did not understand that question.")
        match = re.search(r"\b(20\d\d)\b", text)
        year = int(match.group(1)) if match else (context or {}).get("year", 2023)
        query: dict[str, Any] = {"kind": "total", "year": year, "series": "fedasil"}
        if "chart" in text or "evolution" in text:
            query = {"kind": "trend", "start": 2017, "end": 2024, "country": None,
                     "series": "fedasil", "chart": True}
        if "long" in text:
            query = {"kind": "info", "topic": "long", "country": None}
        return self._answer(query, text, language)

    def answer_query(self, query: dict[str, Any], *, lang: str, today: Any = None) -> Answer:
        with self._lock:
            self.queried.append({"query": query, "lang": lang})
        return self._answer(query, "", lang)

    def stale(self) -> bool:
        return False

    def refresh(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True

    def _answer(self, query: dict[str, Any], text: str, lang: str) -> Answer:
        kind = query.get("kind")
        if kind == "trend":
            years = list(range(2017, 2025))
            chart = ChartData(kind="line", title="Voluntary returns per year",
                              labels=[str(y) for y in years],
                              values=[float(1000 + y) for y in years], source="Fedasil (test)")
            body = "\n".join(f"{y}: {1000 + y:,}" for y in years)
            long_caption = "caption" in text
            return Answer(question=text, language=lang, status="answered", query=query,
                          text=f"[{lang}] Voluntary returns per year:\n{body}\nSource: Fedasil"
                          + ("\n" + "More context. " * 120 if long_caption else ""),
                          chart=chart)
        if kind == "info":
            paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]
            return Answer(question=text, language=lang, status="info", query=query,
                          text="\n\n".join(paragraphs))
        if kind == "definition":
            return Answer(question=text, language=lang, status="answered", query=query,
                          text=f"[{lang}] Two series exist (test definition).")
        year = int(query.get("year") or 2023)
        return Answer(
            question=text, language=lang, status="answered", query=query,
            text=f"[{lang}] In {year}, {1000 + year:,} people returned. Source: Fedasil (test).",
            actions=[
                Action(label=str(year - 1), kind="previous_year",
                       query={**query, "year": year - 1}),
                Action(label=str(year + 1), kind="next_year", query={**query, "year": year + 1}),
                Action(label="Chart", kind="chart",
                       query={"kind": "trend", "country": None, "chart": True}),
                Action(label="Georgia", kind="country",
                       query={"kind": "by_country", "country": "GE", "year": year}),
            ],
        )
