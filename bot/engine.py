"""The pipeline in one place: detect language → parse → resolve → query → render.

Both channels (CLI and Telegram) call `Engine.ask`; the same question gives the same facts.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.answer import Action, Answer
from bot.detect import MIN_WORDS, detect_language
from bot.i18n import DEFAULT_LANGUAGE, normalize_language
from bot.limits import run_within_limits
from bot.lookup import Result
from bot.parse import parse
from bot.queries import QUERY_ADAPTER, AskBack, Clarify, NoMatch, Query
from bot.render import Renderer
from bot.store import Store

__all__ = ["Engine"]

log = logging.getLogger(__name__)
# Answers with no year to step from: the question was about something that is not there.
_NO_NEIGHBOUR_YEARS = frozenset({"year_out_of_range", "not_held"})


class Engine:
    """Answers questions from the read-only store at `db_path`."""

    # How often to look whether the store file was replaced (by `db build` or `db import`).
    reload_check_seconds = 2.0

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._stamp = self._seen = _stamp(db_path)
        self.store = Store(db_path)
        self._renderers: dict[str, Renderer] = {}
        self._checked = time.monotonic()

    def stale(self) -> bool:
        """Whether the store file was replaced since it was loaded (`db build`, `db import`);
        looks at the file at most every `reload_check_seconds`, so it is cheap to call."""
        now = time.monotonic()
        if now - self._checked >= self.reload_check_seconds:
            self._checked = now
            # A file being replaced or gone: keep serving what is loaded.
            with contextlib.suppress(OSError):
                self._seen = _stamp(self.db_path)
        return self._seen != self._stamp

    def refresh(self) -> bool:
        """Load the store again if its file was replaced: staff imports are answered at once,
        also by a bot that is already running. Return whether a new store was loaded.

        A replacement that cannot be loaded or answered from (garbage, another schema, any
        error at all) is logged and the loaded store kept: a bad file must not turn every
        answer into an apology.
        """
        if not self.stale():
            return False
        try:
            store = Store(self.db_path)
        except Exception as e:
            log.error("keeping the loaded store: cannot load %s: %s", self.db_path, e)
            self._stamp = self._seen  # do not retry the same broken file on every question
            return False
        try:
            _probe(store)
        except Exception as e:
            log.error("keeping the loaded store: %s does not answer (%s: %s)",
                      self.db_path, type(e).__name__, e)
            store.close()
            self._stamp = self._seen
            return False
        old, self.store, self._stamp = self.store, store, self._seen
        self._renderers.clear()
        old.close()
        log.info("store reloaded from %s", self.db_path)
        return True

    def renderer(self, lang: str) -> Renderer:
        """The (cached) renderer for a language."""
        r = self._renderers.get(lang)
        if r is None:
            r = self._renderers[lang] = Renderer(lang, self.store)
        return r

    def ask(
        self,
        text: str,
        *,
        lang: str | None = None,
        hint_lang: str | None = None,
        context: dict[str, Any] | None = None,
        today: date | None = None,
        previous_lang: str | None = None,
    ) -> Answer:
        """Answer `text`.

        `lang` forces the answer language (--lang, a saved /language choice); `hint_lang` is
        used when the text's own language is unclear (Telegram's language_code); `context`
        is the previous answer's `query` (for follow-ups like "and in 2022?") and
        `previous_lang` the language that answer was written in: a short follow-up keeps it.
        """
        today = today or date.today()
        self.refresh()
        parsed, signals = parse(text, self.store.lexicon, today, context, self.store.router,
                                self.store.own_rules)
        learned = self.store.router.language(signals) if self.store.router else None
        detected = detect_language(text, signals.votes, signals.words, learned)
        if signals.words < MIN_WORDS and (not signals.votes or previous_lang):
            detected = None  # "а в 2022?", "and Georgia?": too short to switch language
        answer_lang = (normalize_language(lang) or detected or normalize_language(previous_lang)
                       or normalize_language(hint_lang) or DEFAULT_LANGUAGE)
        r = self.renderer(answer_lang)
        if isinstance(parsed, NoMatch):
            return Answer(question=text, language=answer_lang, status="not_understood",
                          query=None, text=r.not_understood(), suggestions=r.examples())
        if isinstance(parsed, AskBack):
            return self._ask_back(parsed, text, r)
        if isinstance(parsed, Clarify):
            return Answer(question=text, language=answer_lang, status="clarify", query=None,
                          text=r.clarify(parsed.term, parsed.countries),
                          suggestions=[r.country(c) for c in parsed.countries])
        if parsed.kind == "info" and parsed.topic is None and parsed.country is None:
            topic = self.store.search_content(signals.text, answer_lang)
            if topic:
                parsed = parsed.model_copy(update={"topic": topic})
        return self._answer(parsed, text, answer_lang, today)

    def _ask_back(self, parsed: AskBack, text: str, r: Renderer) -> Answer:
        """Two readings about as likely: ask which, with a button (and a suggestion) each."""
        options = [q.model_dump(mode="json") for q in parsed.options]
        names = [r.option_label(q) for q in options]
        labels = [name[:1].upper() + name[1:] for name in names]
        return Answer(question=text, language=r.lang, status="clarify", query=None,
                      text=r.ask_back(names), suggestions=labels,
                      actions=[Action(label=label, kind="question", query=q)
                               for label, q in zip(labels, options, strict=True)])

    def answer_query(
        self, query: dict[str, Any], *, lang: str, today: date | None = None
    ) -> Answer:
        """Answer an already-parsed query (a button press), in `lang`."""
        lang = normalize_language(lang) or DEFAULT_LANGUAGE
        self.refresh()
        try:
            parsed = QUERY_ADAPTER.validate_python(query)
        except ValidationError:
            r = self.renderer(lang)
            return Answer(question="", language=lang, status="not_understood", query=None,
                          text=r.not_understood(), suggestions=r.examples())
        return self._answer(parsed, "", lang, today or date.today())

    def _answer(self, query: Query, text: str, lang: str, today: date) -> Answer:
        result = run_within_limits(query, self.store, today, lang)
        r = self.renderer(lang)
        chart = result.chart
        if chart is not None:
            labels = [r.country(c) for c in chart.labels] if chart.kind == "bar" else chart.labels
            chart = chart.model_copy(update={"title": r.chart_title(result).rstrip(":"),
                                             "labels": labels})
        return Answer(
            question=text, language=lang, status=result.status,
            query=result.query.model_dump(mode="json"), text=r.render(result),
            facts=result.facts, topic=result.topic, suggestions=self._suggestions(result, r),
            verdict=result.details.get("verdict"), chart=chart, actions=self._actions(result, r))

    def _suggestions(self, result: Result, r: Renderer) -> list[str]:
        """Questions that do have an answer: the year of the last published count, or examples."""
        if result.status == "partial":
            counts = [f for f in result.facts if f.indicator == "returns_by_country"]
            if counts and counts[0].country:
                return [r.country_question(counts[0].country, counts[0].year)]
        if result.status == "no_data":
            return r.examples()
        return []

    def _actions(self, result: Result, r: Renderer) -> list[Action]:
        """Buttons for the natural next step: previous/next year, chart, another country."""
        q = result.query.model_dump(mode="json")
        year = q.get("year") or next((f.year for f in result.facts), None)
        actions: list[Action] = []
        if "year" in q and year and result.query.kind not in ("fact_check", "definition") and (
                result.message not in _NO_NEIGHBOUR_YEARS):
            for delta, kind in ((-1, "previous_year"), (1, "next_year")):
                actions.append(Action(label=str(year + delta), kind=kind,
                                      query={**q, "year": year + delta}))
        if result.query.kind in ("total", "by_country", "change"):
            actions.append(Action(label=r._("Chart"), kind="chart", query={
                "kind": "trend", "country": q.get("country"), "chart": True}))
        if result.query.kind == "ranking":
            for f in result.facts[:3]:
                if f.country:
                    actions.append(Action(label=r.country(f.country), kind="country", query={
                        "kind": "by_country", "country": f.country, "year": f.year}))
        return actions

    def close(self) -> None:
        """Close the store."""
        self.store.close()


# Questions a usable store answers without an error, one per part of it (figures, countries
# and their names, support information, sources), asked of a new store before it is used.
_PROBES: tuple[dict[str, Any], ...] = (
    {"kind": "total"},
    {"kind": "ranking", "top": 5},
    {"kind": "by_country", "country": "GE"},
    {"kind": "info", "topic": "how_to_apply"},
    {"kind": "definition", "topic": "series"},
)


def _probe(store: Store) -> None:
    """Answer the probe questions from `store` in English; raise whatever goes wrong."""
    renderer = Renderer(DEFAULT_LANGUAGE, store)
    for query in _PROBES:
        query_ = QUERY_ADAPTER.validate_python(query)
        result = run_within_limits(query_, store, date.today(), DEFAULT_LANGUAGE)
        renderer.render(result)
    store.search_content("apply return", DEFAULT_LANGUAGE)


def _stamp(path: Path) -> tuple[int, int, int]:
    """What changes when the file is replaced (atomic rename: a new inode) or rewritten."""
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)
