"""A small text classifier for *choosing* what a question asks: its kind, its support topic and
its language. Extracting the details (years, countries, claimed numbers) stays rule-based in
bot/parse.py; the rules' findings are features here, so the two combine.

Method, chosen by measurement (scripts/evaluate.py --cv): multinomial logistic regression over
sparse binary features — words, word pairs, character 3- and 4-grams of each word, and the rule
categories the lexicon matched — trained by averaged stochastic gradient descent at store build
time from the example bank in data/examples/. Years, numbers and country names are replaced by
placeholders, so "Georgia 2018" and "Brazil 2021" teach the same thing. Scoring a question is a
sum of a few hundred weight rows: tens of microseconds.

The trained model lives in the store (table `models`), so nothing is downloaded or trained at
run time and the same store gives the same choices everywhere.
"""

from __future__ import annotations

import io
import json
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Model", "Prediction", "pack", "softmax", "train", "unpack"]

_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Prediction:
    """The labels of one question, most likely first, with probabilities that sum to 1."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def best(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    @property
    def margin(self) -> float:
        """How far the best label is ahead of the second."""
        if len(self.ranked) < 2:
            return 1.0
        return self.ranked[0][1] - self.ranked[1][1]

    def probability(self, label: str) -> float:
        return next((p for name, p in self.ranked if name == label), 0.0)


def softmax(labels: Sequence[str], logits: npt.NDArray[np.float64],
            allowed: Iterable[str] | None = None) -> Prediction:
    """The labels ranked by probability; `allowed` restricts the ranking to some labels."""
    wanted = None if allowed is None else set(allowed)
    keep = list(range(len(labels))) if wanted is None else [
        i for i, name in enumerate(labels) if name in wanted]
    if not keep:
        return Prediction(())
    chosen = logits[keep]
    probs = np.exp(chosen - chosen.max())
    probs /= probs.sum()
    order = np.argsort(-probs, kind="stable")
    return Prediction(tuple((labels[keep[i]], float(probs[i])) for i in order))


class Model:
    """Weights of a linear model over named features; `predict` never fails on any features."""

    def __init__(self, labels: Sequence[str], vocab: dict[str, int],
                 weights: npt.NDArray[np.float32], bias: npt.NDArray[np.float32]) -> None:
        self.labels = tuple(labels)
        self.vocab = vocab
        self.weights = weights
        self.bias = bias

    def predict(self, features: Iterable[str], allowed: Iterable[str] | None = None) -> Prediction:
        """Rank the labels for these features; `allowed` restricts the ranking to some labels."""
        index = self.vocab.get
        rows = list({i for i in map(index, features) if i is not None})
        logits = self.bias.astype(np.float64)
        if rows:
            logits = logits + self.weights[rows].sum(axis=0) / math.sqrt(len(rows))
        return softmax(self.labels, logits, allowed)

    def dumps(self) -> bytes:
        """The model as bytes."""
        return pack({"format": _FORMAT, "labels": self.labels}, self.vocab,
                    self.weights, self.bias)

    @classmethod
    def loads(cls, data: bytes) -> Model:
        header, vocab, weights, bias = unpack(data, _FORMAT)
        return cls(header["labels"], vocab, weights, bias)


def pack(header: dict[str, Any], vocab: dict[str, int], weights: npt.NDArray[Any],
         bias: npt.NDArray[Any]) -> bytes:
    """A header, a vocabulary and two arrays as bytes: length, JSON, then .npy arrays."""
    text = json.dumps({**header, "vocab": sorted(vocab, key=vocab.__getitem__)},
                      ensure_ascii=False).encode()
    buf = io.BytesIO()
    np.save(buf, weights, allow_pickle=False)
    np.save(buf, bias, allow_pickle=False)
    return len(text).to_bytes(4, "big") + text + buf.getvalue()


def unpack(data: bytes, version: int) -> tuple[dict[str, Any], dict[str, int],
                                               npt.NDArray[Any], npt.NDArray[Any]]:
    """What `pack` wrote; a ValueError when it was written in another format."""
    size = int.from_bytes(data[:4], "big")
    header = json.loads(data[4:4 + size])
    if header.get("format") != version:
        raise ValueError(f"model format {header.get('format')} is not {version}")
    buf = io.BytesIO(data[4 + size:])
    weights = np.load(buf, allow_pickle=False)
    bias = np.load(buf, allow_pickle=False)
    return header, {f: i for i, f in enumerate(header["vocab"])}, weights, bias


def train(
    samples: Sequence[tuple[Sequence[str], str]],
    *,
    epochs: int = 8,
    rate: float = 2.0,
    min_count: int = 1,
    seed: int = 13,
) -> Model:
    """Fit a softmax regression on (features, label) pairs by averaged SGD; deterministic.

    Averaging the weights over all steps regularises enough for these small banks (no L2)."""
    counts: dict[str, int] = {}
    for feats, _ in samples:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    vocab_names = sorted(f for f, n in counts.items() if n >= min_count)
    vocab = {f: i for i, f in enumerate(vocab_names)}
    labels = sorted({label for _, label in samples})
    label_index = {name: i for i, name in enumerate(labels)}
    rows = [(np.array(sorted({vocab[f] for f in feats if f in vocab}), dtype=np.intp),
             label_index[label])
            for feats, label in samples]
    w = np.zeros((len(vocab), len(labels)), dtype=np.float64)
    b = np.zeros(len(labels), dtype=np.float64)
    # Averaged SGD: the running sums give the average weight over all steps without a copy
    # per step (the "lazy averaging" trick of the averaged perceptron).
    w_sum = np.zeros_like(w)
    b_sum = np.zeros_like(b)
    order = list(range(len(rows)))
    rng = random.Random(seed)
    step = 0
    for epoch in range(epochs):
        rng.shuffle(order)
        lr = rate / (1 + epoch)
        for i in order:
            idx, y = rows[i]
            step += 1
            scale = 1 / math.sqrt(len(idx)) if len(idx) else 0.0
            logits = b + w[idx].sum(axis=0) * scale
            p = np.exp(logits - logits.max())
            p /= p.sum()
            p[y] -= 1.0  # gradient of the log loss w.r.t. the logits
            delta = (-lr * scale) * p
            w[idx] += delta
            w_sum[idx] += step * delta
            b -= lr * p
            b_sum -= (step * lr) * p
    # Average of the weights over all steps: w - w_sum / step (lazy averaging).
    avg_w = (w - w_sum / max(step, 1)).astype(np.float32)
    avg_b = (b - b_sum / max(step, 1)).astype(np.float32)
    return Model(labels, vocab, avg_w, avg_b)
