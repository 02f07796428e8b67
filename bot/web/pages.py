"""The question pages: the home page, /ask (HTML) and /ask.json (the answer contract).

Each view turns a request into parameters, asks the engine, and hands a context to a
template; no wording is built here (texts.py) and no SQL is run here (the engine's store).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from bot.answer import Answer, ChartData, Fact
from bot.chart import render_png
from bot.engine import Engine
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, normalize_language
from bot.render import RTL_LANGUAGES, Renderer
from bot.web.params import AskParams, BadParameter, ask_params, page_language
from bot.web.texts import citation, problem_text, ui_texts, verdict_label
from bot.web.verdict import claim_review, verdict

__all__ = ["Page", "Pages", "accepted_language", "contract_json", "linked"]

_URL_RE = re.compile(r"https?://[^\s\u2066-\u2069<>\"]+")
# The headline questions of the home page, as engine queries (latest published year).
_HEADLINES: tuple[dict[str, Any], ...] = (
    {"kind": "total"}, {"kind": "reintegration"}, {"kind": "by_profile"},
    {"kind": "ranking", "top": 5},
)


@dataclass(frozen=True, slots=True)
class Page:
    """What a view returns: a template and its context, or a body, with a status."""

    status: int
    template: str | None = None
    context: dict[str, Any] | None = None
    json_body: str | None = None


class Pages:
    """The views, over one engine (the same one the bot uses)."""

    def __init__(self, engine: Engine, database: str) -> None:
        self.engine = engine
        self.database = database
        self._headlines: dict[str, list[dict[str, Any]]] = {}

    def home(self, query: dict[str, str], accept_language: str) -> Page:
        """The question box, the language menu and the latest headline figures."""
        try:
            lang = page_language(query) or accepted_language(accept_language)
        except BadParameter as e:
            return self._bad(e, accepted_language(accept_language))
        context = self._frame(lang, question="", switch={})
        context["headlines"] = self._headline_cards(lang)
        return Page(200, "returnbot_home.html", context)

    async def ask(self, query: dict[str, str], accept_language: str, origin: str = "") -> Page:
        """The answer to `q` as a page: text, sources, chart, verdict, suggestions;
        `origin` (scheme and host) makes the page's own URL absolute for ClaimReview."""
        try:
            params = ask_params(query)
        except BadParameter as e:
            return self._bad(e, _safe_lang(query, accept_language))
        answer = self._answer(params)
        context = self._frame(answer.language, question=params.question,
                              switch={"q": params.question})
        context.update(self._answer_context(answer, origin + "/ask?" + urlencode(query)))
        if answer.chart is not None:
            context["chart"] = await self._chart(answer.chart, answer.language)
        return Page(200, "returnbot_ask.html", context)

    async def _chart(self, chart: ChartData, lang: str) -> dict[str, str]:
        """The chart as an inline PNG; drawn off the event loop (tens of milliseconds)."""
        png = await asyncio.to_thread(render_png, chart, number=self.engine.renderer(lang).number)
        src = "data:image/png;base64," + base64.b64encode(png).decode()
        return {"title": chart.title, "src": src}

    def ask_json(self, query: dict[str, str]) -> Page:
        """The answer contract, exactly as `returnbot ask --json` prints it."""
        try:
            params = ask_params(query)
        except BadParameter as e:
            body = json.dumps({"error": e.problem, "message": problem_text(e, DEFAULT_LANGUAGE)})
            return Page(400, json_body=body)
        return Page(200, json_body=contract_json(self._answer(params)))

    def _answer(self, params: AskParams) -> Answer:
        # The engine answers from memory in well under a millisecond: a thread hop would cost
        # more than the answer, so it runs on the event loop.
        return self.engine.ask(params.question, lang=params.lang, today=params.today)

    def _bad(self, problem: BadParameter, lang: str) -> Page:
        context = self._frame(lang, question="", switch={})
        context["problem"] = problem_text(problem, lang)
        return Page(400, "returnbot_error.html", context)

    def _frame(self, lang: str, *, question: str, switch: dict[str, str]) -> dict[str, Any]:
        """What every page shows: language, direction, menu, question box, data links."""
        return {
            "lang": lang, "dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "t": ui_texts(lang), "question": question,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "switch_links": [(code, LANGUAGE_NAMES[code], _link(switch, code))
                             for code in LANGUAGES],
            "placeholder": self.engine.renderer(lang).examples()[0],
            "database": self.database,
        }

    def _answer_context(self, answer: Answer, page_url: str) -> dict[str, Any]:
        r = self.engine.renderer(answer.language)
        figures = [self._figure(f, r) for f in answer.facts]
        context: dict[str, Any] = {
            "answer": answer,
            "paragraphs": _paragraphs(answer.text),
            "figures": figures, "citations": _citations(figures),
            "suggestions": [(s, _link({"q": s}, answer.language)) for s in answer.suggestions],
            "chart": None, "check": None, "json_ld": None,
        }
        context.update(self._check_context(answer, r, page_url))
        return context

    def _check_context(self, answer: Answer, r: Renderer, page_url: str) -> dict[str, Any]:
        """A fact check's verdict beside the published figure, and its ClaimReview JSON-LD."""
        name = verdict(answer)
        if name is None:
            return {}
        label = verdict_label(name, answer.language)
        main = answer.facts[0] if answer.facts else None
        review = json.dumps(claim_review(answer, name, label, page_url), ensure_ascii=False)
        return {
            "check": {"verdict": name, "label": label,
                      "figure": self._figure(main, r) if main else None},
            # No "<" may reach the script element ("</script", "<!--"): JSON's own escape.
            "json_ld": Markup(review.replace("<", "\\u003c")),
        }

    def _figure(self, f: Fact, r: Renderer) -> dict[str, Any]:
        what = f"{f.year}" + (f" · {r.country(f.country)}" if f.country else "")
        row: dict[str, Any] = {"value": r.value(f), "what": what, "derived": f.derived,
                               "source": None, "citation": None}
        if f.source is not None:
            row["source"] = f.source
            row["citation"] = citation(f.source, r.date(f.source.published), r.lang)
        return row

    def _headline_cards(self, lang: str) -> list[dict[str, Any]]:
        """The home page's headline figures of the latest year with a total; the store is
        immutable, so they are made once per language."""
        cards = self._headlines.get(lang)
        if cards is None:
            latest = self.engine.answer_query({"kind": "total"}, lang=lang)
            year = latest.facts[0].year if latest.facts else None
            answers = [self.engine.answer_query({**q, "year": year}, lang=lang)
                       for q in _HEADLINES]
            cards = [self._card(a) for a in answers if a.status == "answered"]
            self._headlines[lang] = cards
        return cards

    def _card(self, answer: Answer) -> dict[str, Any]:
        r = self.engine.renderer(answer.language)
        figures = [self._figure(f, r) for f in answer.facts]
        return {"paragraphs": _paragraphs(answer.text), "figures": figures,
                "citations": _citations(figures)}


def _paragraphs(text: str) -> list[Markup]:
    return [linked(line) for line in text.split("\n") if line.strip()]


def _citations(figures: list[dict[str, Any]]) -> list[str]:
    """Each distinct citation once, in the order the figures cite them."""
    return list(dict.fromkeys(f["citation"] for f in figures if f["citation"]))


def linked(text: str) -> Markup:
    """`text` escaped for HTML, with its URLs as links."""
    out, last = [], 0
    for m in _URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;)")
        out += [escape(text[last:m.start()]),
                Markup('<a href="{0}" rel="noopener">{0}</a>').format(url)]
        last = m.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


def contract_json(answer: Answer) -> str:
    """The answer contract as `returnbot ask --json` prints it (`bot.cli.json_line`): the same
    characters escaped, by three replacements, several times faster than `str.translate`."""
    text = json.dumps(answer.contract(), ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace(
        "\x85", "\\u0085")


def accepted_language(header: str) -> str:
    """The first product language in an Accept-Language header, else English."""
    for part in header.split(","):
        lang = normalize_language(part.split(";", 1)[0].strip())
        if lang:
            return lang
    return DEFAULT_LANGUAGE


def _safe_lang(query: dict[str, str], accept_language: str) -> str:
    """The page language for an error page: `lang` if it is a product language."""
    return normalize_language(query.get("lang")) or accepted_language(accept_language)


def _link(params: dict[str, str], lang: str) -> str:
    """/ask with these parameters in `lang`, or the home page when there is no question."""
    if "q" in params:
        return "/ask?" + urlencode({**params, "lang": lang})
    return "/?" + urlencode({"lang": lang})
