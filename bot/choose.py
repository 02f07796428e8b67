"""Choose what a question asks for — its kind, its support topic, its language — with the models
trained on the example bank (bot/classify.py, data/examples/), using what the rules found.

`features` turns the parser's `Signals` into the classifier's features; `Router` holds the three
trained models and says when two choices are too close to pick one (then the bot asks back).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from bot.classify import Model, Prediction, pack, softmax, train, unpack
from bot.examples import Example

if TYPE_CHECKING:
    from bot.lexicon import Lexicon
    from bot.parse import Signals

__all__ = ["HEADS", "Choice", "Router", "features", "model_rows", "router_fingerprint",
           "train_models", "train_router"]

log = logging.getLogger(__name__)

_FORMAT = 2  # the stacked router (1 was three separate models)

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
        elif _YEAR.match(tok) or i == s.asked_year_at:
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
    if s.years or s.asked_year_at is not None:
        out.append("k:year" if len(s.years) <= 1 else "k:years")
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


def _features_of(s: Signals) -> list[str]:
    """The question's features, computed once: kind, topic and language read the same ones."""
    if s.features is None:
        s.features = features(s)
    return s.features


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
    """The trained kind, topic and language models, stacked into one matrix: a question's
    features are looked up once and one sum of weight rows scores all three heads."""

    # Below these margins between the two best kinds (topics) the bot asks back. Measured on
    # two held-out folds of the 11,128-question bank (scripts/evaluate.py --margins):
    # under a 15-point margin between kinds the best reading was right 41% of the time
    # (53/128), under a 10-point margin between topics 38% (80/211), so asking costs less than
    # guessing; just above them (kinds 15-20 points 57%, topics 10-20 points 64%) guessing wins.
    ask_back_margin = 0.15
    topic_ask_back_margin = 0.10

    def __init__(self, labels: dict[str, tuple[str, ...]], vocab: dict[str, int],
                 weights: npt.NDArray[np.float32], bias: npt.NDArray[np.float64]) -> None:
        self.heads = tuple(labels)
        self._labels = labels
        self._vocab = vocab
        self._weights = weights  # per head: its label columns; then per head a "knows" column
        self._bias = bias
        self._columns: dict[str, tuple[int, int, int]] = {}
        start, known = 0, sum(map(len, labels.values()))
        for name, names in labels.items():
            self._columns[name] = (start, start + len(names), known)
            start, known = start + len(names), known + 1

    @classmethod
    def from_models(cls, models: dict[str, Model]) -> Router:
        """Stack the heads: one vocabulary for all, each head's weight columns side by side,
        then one column per head that is 1 where the head knows the feature."""
        heads = sorted(models)
        vocab: dict[str, int] = {}
        for name in heads:
            for feature in models[name].vocab:
                vocab.setdefault(feature, len(vocab))
        labels = {name: models[name].labels for name in heads}
        width = sum(map(len, labels.values())) + len(heads)
        weights = np.zeros((len(vocab), width), dtype=np.float32)
        start, known = 0, width - len(heads)
        for name in heads:
            model = models[name]
            rows = np.fromiter((vocab[f] for f in model.vocab), dtype=np.int64,
                               count=len(model.vocab))
            order = np.fromiter(model.vocab.values(), dtype=np.int64, count=len(model.vocab))
            end = start + len(model.labels)
            weights[rows, start:end] = model.weights[order]
            weights[rows, known] = 1.0
            start, known = end, known + 1
        bias = np.concatenate([models[name].bias.astype(np.float64) for name in heads])
        return cls(labels, vocab, weights, bias)

    def choose(self, s: Signals) -> Choice:
        return Choice(kind=self.kind(s), topic=self.topic(s), language=self.language(s))

    def kind(self, s: Signals, allowed: Iterable[str] | None = None) -> Prediction:
        return self._predict("kind", s, allowed)

    def topic(self, s: Signals, excluded: Iterable[str] = ()) -> Prediction:
        left_out = set(excluded)
        return self._predict("topic", s, [t for t in self._labels["topic"] if t not in left_out]
                             if left_out else None)

    def language(self, s: Signals) -> Prediction:
        return self._predict("language", s)

    def dumps(self) -> bytes:
        """The router as bytes (one row of the store's `models` table)."""
        return pack({"format": _FORMAT, "labels": self._labels}, self._vocab, self._weights,
                    self._bias)

    @classmethod
    def loads(cls, data: bytes) -> Router:
        header, vocab, weights, bias = unpack(data, _FORMAT)
        labels = {str(k): tuple(v) for k, v in header["labels"].items()}
        return cls(labels, vocab, weights, bias)

    def _predict(self, head: str, s: Signals, allowed: Iterable[str] | None = None) -> Prediction:
        if s.scores is None:
            s.scores = self._score(_features_of(s))
        start, end, known = self._columns[head]
        logits = self._bias[start:end].copy()
        if s.scores[known] > 0:  # divided by how many features this head knows, as in training
            logits += s.scores[start:end] / math.sqrt(s.scores[known])
        return softmax(self._labels[head], logits, allowed)

    def _score(self, feats: list[str]) -> npt.NDArray[np.float64]:
        index = self._vocab.get
        rows = list({i for i in map(index, feats) if i is not None})
        if not rows:
            return np.zeros(self._weights.shape[1])
        summed: npt.NDArray[np.float64] = self._weights[rows].sum(axis=0, dtype=np.float64)
        return summed


def train_models(examples: Sequence[Example], lexicon: Lexicon) -> dict[str, Model]:
    """Train the three models on the bank, reading each question as the parser reads it."""
    from bot.parse import read_signals

    feats = [features(read_signals(e.text, lexicon)) for e in examples]
    return {
        "kind": train(list(zip(feats, (e.kind for e in examples), strict=True)), min_count=2),
        "topic": train([(f, e.topic) for f, e in zip(feats, examples, strict=True)
                        if e.topic is not None], min_count=2),
        "language": train(list(zip(feats, (e.lang for e in examples), strict=True)), min_count=2),
    }


def train_router(examples: Sequence[Example], lexicon: Lexicon) -> Router:
    return Router.from_models(train_models(examples, lexicon))


_CODE = ("classify.py", "choose.py", "examples.py", "parse.py", "lexicon.py", "text.py",
         "countries.py", "translit.py", "numbers.py", "scope.py")
_trained: dict[str, bytes] = {}  # fingerprint → the router's bytes, for this process


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
    """The router as a row for the store's `models` table: trained from the bank, or taken
    from the store being replaced (or an earlier build in this process) when nothing it is
    trained from has changed, so a staff import does not retrain."""
    from bot.examples import load_examples

    fingerprint = router_fingerprint(data_dir)
    blob = _trained.get(fingerprint) or _stored_router(previous, fingerprint)
    if blob is None:
        started = time.perf_counter()
        examples = load_examples(data_dir)
        if not examples:
            return []
        blob = train_router(examples, lexicon).dumps()
        log.info("router trained on %d examples in %.1f s", len(examples),
                 time.perf_counter() - started)
    _trained[fingerprint] = blob
    return [{"name": "router", "fingerprint": fingerprint, "data": blob}]


def _stored_router(path: Path | None, fingerprint: str) -> bytes | None:
    if path is None or not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("select data from models where name = 'router' and "
                               "fingerprint = ?", (fingerprint,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return bytes(row[0]) if row else None
