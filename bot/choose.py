"""Choose what a question asks for — its kind, its support topic, its language — with the models
trained on the example bank (bot/classify.py, data/examples/), using what the rules found.

`features` turns the parser's `Signals` into the classifier's features; `Router` holds the three
trained models and says when two choices are too close to pick one (then the bot asks back).
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.classify import Model, Prediction, train
from bot.examples import Example

if TYPE_CHECKING:
    from bot.lexicon import Lexicon
    from bot.parse import Signals

__all__ = ["HEADS", "Choice", "Router", "features", "model_rows", "router_fingerprint",
           "train_router"]

log = logging.getLogger(__name__)

HEADS = ("kind", "topic", "language")
_YEAR = re.compile(r"^(19[89]\d|20[0-3]\d)$")
_NUMBER = re.compile(r"^\d")
# Rule categories that are part of how a question is phrased. Country names and number words
# are not listed: they become placeholders, so one country teaches about all of them.
_SKIP_CATEGORIES = {"country", "function_words"}


def features(s: Signals) -> list[str]:
    """Words, word pairs, character n-grams and the rules' categories of one question."""
    country_at = {i for h in s.hits if h.category == "country" for i in range(h.start, h.end)}
    words: list[str] = []
    for i, tok in enumerate(s.toks):
        if i in country_at:
            word = "<country>"
        elif _YEAR.match(tok):
            word = "<year>"
        elif _NUMBER.match(tok):
            word = "<pct>" if tok.endswith("%") else "<num>"
        else:
            word = tok
        if not words or words[-1] != word or not word.startswith("<"):
            words.append(word)
    out = [f"w:{w}" for w in words]
    out += [f"b:{a} {b}" for a, b in zip(["^", *words], [*words, "$"], strict=True)]
    for w in words:
        if not w.startswith("<"):
            out += _char_grams(w)
    for h in s.hits:
        if h.category not in _SKIP_CATEGORIES:
            out.append(f"k:{h.category}")
            if h.value and h.category in ("topic", "profile"):
                out.append(f"k:{h.category}:{h.value}")
    if s.countries or s.ambiguous:
        out.append("k:country")
    if s.years:
        out.append("k:year" if len(s.years) == 1 else "k:years")
    if s.claims:
        out.append("k:percent_claim" if s.percent_claim else "k:claim")
    if s.question_mark:
        out.append("k:question_mark")
    # Which languages' phrases matched: evidence for the language, learned how much.
    out += [f"v:{lang}" for lang in s.votes]
    if s.votes:
        out.append(f"v1:{s.votes.most_common(1)[0][0]}")
    out.append(f"k:length:{_length_bucket(len(words))}")
    return out


def _char_grams(word: str) -> list[str]:
    padded = f"^{word}$"
    return [f"c:{padded[i:i + n]}" for n in (3, 4) for i in range(len(padded) - n + 1)]


def _length_bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-12" if n <= 12 else "13+"


@dataclass(frozen=True, slots=True)
class Choice:
    """What the router chose for one question."""

    kind: Prediction
    topic: Prediction
    language: Prediction


class Router:
    """The trained kind, topic and language models."""

    # Below these margins between the two best kinds (topics) the bot asks back. Measured on a
    # held-out fold of the bank: under a 5-point margin between kinds, and a 10-point margin
    # between topics, the best reading is wrong more often than right (8/17 and 34/51), so
    # asking costs less than guessing; above them guessing wins.
    ask_back_margin = 0.05
    topic_ask_back_margin = 0.10

    def __init__(self, models: dict[str, Model]) -> None:
        self.models = models

    def choose(self, s: Signals) -> Choice:
        feats = features(s)
        return Choice(kind=self.models["kind"].predict(feats),
                      topic=self.models["topic"].predict(feats),
                      language=self.models["language"].predict(feats))

    def kind(self, s: Signals, allowed: Iterable[str] | None = None) -> Prediction:
        return self.models["kind"].predict(features(s), allowed)

    def topic(self, s: Signals) -> Prediction:
        return self.models["topic"].predict(features(s))

    def language(self, s: Signals) -> Prediction:
        return self.models["language"].predict(features(s))

    def dumps(self) -> dict[str, bytes]:
        return {name: model.dumps() for name, model in self.models.items()}

    @classmethod
    def loads(cls, blobs: dict[str, bytes]) -> Router:
        return cls({name: Model.loads(blob) for name, blob in blobs.items()})


def train_router(examples: Sequence[Example], lexicon: Lexicon) -> Router:
    """Train the three models on the bank, reading each question as the parser reads it."""
    from bot.parse import read_signals

    feats = [features(read_signals(e.text, lexicon)) for e in examples]
    return Router({
        "kind": train(list(zip(feats, (e.kind for e in examples), strict=True))),
        "topic": train([(f, e.topic) for f, e in zip(feats, examples, strict=True)
                        if e.topic is not None]),
        "language": train(list(zip(feats, (e.lang for e in examples), strict=True))),
    })


_CODE = ("classify.py", "choose.py", "examples.py", "parse.py", "lexicon.py", "text.py",
         "countries.py", "translit.py")
_trained: dict[str, dict[str, bytes]] = {}  # fingerprint → model blobs, for this process


def router_fingerprint(data_dir: Path) -> str:
    """Hash of everything the router is trained from: the bank, the phrase files, the
    support topics' keywords, and the code that reads questions."""
    h = hashlib.sha256()
    code = Path(__file__).resolve().parent
    files = [*sorted((data_dir / "examples").glob("*.tsv")), *sorted((data_dir / "lang").glob("*")),
             *sorted((data_dir / "content").glob("*.yaml")), *(code / n for n in _CODE)]
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def model_rows(data_dir: Path, lexicon: Lexicon, previous: Path | None = None) -> list[dict[str, Any]]:
    """The router's models as rows for the store's `models` table: trained from the bank, or
    taken from the store being replaced (or an earlier build in this process) when nothing
    they are trained from has changed, so a staff import does not retrain."""
    from bot.examples import load_examples

    fingerprint = router_fingerprint(data_dir)
    blobs = _trained.get(fingerprint) or _stored_models(previous, fingerprint)
    if blobs is None:
        started = time.perf_counter()
        examples = load_examples(data_dir)
        blobs = train_router(examples, lexicon).dumps() if examples else {}
        log.info("router trained on %d examples in %.1f s", len(examples),
                 time.perf_counter() - started)
    _trained[fingerprint] = blobs
    return [{"name": name, "fingerprint": fingerprint, "data": blob}
            for name, blob in sorted(blobs.items())]


def _stored_models(path: Path | None, fingerprint: str) -> dict[str, bytes] | None:
    if path is None or not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("select name, data from models where fingerprint = ?",
                                (fingerprint,)).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return {str(name): bytes(data) for name, data in rows} or None
