"""Emotion model backends behind one protocol: ``vader`` (light), ``minilm-heads``, ``minilm-finetuned``.

Model files are the project's own artifacts, shipped inside the package under
``analyse/emotion/assets/<name>/`` with a ``manifest.json`` (labels, thresholds, sha256 of every
file) and a model card. Every file's sha256 is checked when a model loads.

>>> m = VaderEmotion()
>>> p = m.predict_proba(["I love it", "I hate it"])
>>> p.shape, bool(p[0, LABELS.index("joy")] > p[1, LABELS.index("joy")])
((2, 28), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from empathic.analyse.emotion.taxonomy import LABELS, NEUTRAL, SENTIMENT
from empathic.errors import AnalysisError
from empathic.models.manifest import load_manifest
from empathic.models.onnx import OnnxEncoder
from empathic.types import EmotionPrediction

ASSETS = Path(__file__).parent / "assets"


@runtime_checkable
class EmotionModel(Protocol):
    """Texts → ``[n, 28]`` GoEmotions label probabilities (plus embeddings where there is an encoder)."""

    name: str
    labels: tuple[str, ...]

    @property
    def thresholds(self) -> np.ndarray: ...

    def predict(self, texts: Sequence[str]) -> EmotionPrediction: ...

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


AGGREGATIONS: tuple[str, ...] = ("weighted-mean", "max")


def chunk_weights(owner: np.ndarray, tokens: np.ndarray, n: int) -> np.ndarray:
    """Each chunk's share of its text's tokens: sums to 1 per text, exactly 1.0 for a one-chunk text.

    >>> chunk_weights(np.array([0, 0, 1]), np.array([96.0, 32.0, 10.0]), 2).tolist()
    [0.75, 0.25, 1.0]
    """
    tokens = np.asarray(tokens, dtype=np.float64)
    return tokens / np.bincount(owner, weights=tokens, minlength=n)[owner]


def aggregate_chunks(
    rows: np.ndarray, owner: np.ndarray, tokens: np.ndarray, n: int, *, method: str = "weighted-mean"
) -> np.ndarray:
    """Combine per-chunk label probabilities ``[rows, 28]`` into one row per text ``[n, 28]``.

    ``weighted-mean`` (the default): each chunk counts in proportion to its tokens, so the text's
    probabilities, and everything derived from them (top emotions, groups, valence, arousal), describe
    the whole text; a one-chunk text keeps its chunk's values exactly. ``max``: per label the highest
    chunk, neutral the lowest (the former rule, kept for comparison): one admiring sentence then makes a
    furious review "admiration" however much of it is angry.

    >>> rows = np.zeros((2, 28)); rows[0, 0], rows[1, 2] = 0.9, 0.6   # admiration, then anger
    >>> owner, tokens = np.array([0, 0]), np.array([20.0, 100.0])
    >>> [round(float(x), 3) for x in aggregate_chunks(rows, owner, tokens, 1)[0, :3]]
    [0.15, 0.0, 0.5]
    >>> [round(float(x), 3) for x in aggregate_chunks(rows, owner, tokens, 1, method="max")[0, :3]]
    [0.9, 0.0, 0.6]
    """
    rows = np.asarray(rows, dtype=np.float64)
    if method == "max":
        out = np.full((n, rows.shape[1]), np.nan)
        np.fmax.at(out, owner, rows)
        # a text is neutral only as far as all its parts are
        neutral = np.full(n, np.nan)
        np.fmin.at(neutral, owner, rows[:, NEUTRAL])
        out[:, NEUTRAL] = neutral
        return np.nan_to_num(out)
    if method != "weighted-mean":
        raise _bad_aggregation(method, "the 'method' parameter of aggregate_chunks")
    out = np.zeros((n, rows.shape[1]))
    np.add.at(out, owner, rows * chunk_weights(owner, tokens, n)[:, None])
    return out


def _bad_aggregation(method: object, where: str) -> AnalysisError:
    return AnalysisError(
        f"{where[0].upper()}{where[1:]} must be one of {', '.join(map(repr, AGGREGATIONS))}. Got {method!r}.",
        hint="Use 'weighted-mean' (the default: chunks weighted by their tokens).",
    )


def _empty_mask(texts: Sequence[str]) -> np.ndarray:
    return np.array([not (t or "").strip() for t in texts], dtype=bool)


class _OnnxEmotion:
    """Shared machinery: manifest, integrity check, chunked encoding, per-text aggregation."""

    name = ""
    labels = LABELS

    def __init__(
        self,
        path: Path | None = None,
        *,
        threads: int | None = None,
        batch_size: int | None = None,
        aggregate: str = "weighted-mean",
    ) -> None:
        """``batch_size`` defaults to the model's ``default_batch_size``: 64 for a statically quantised
        model (fixed activation scales, see :mod:`empathic.models.quantize`), 1 for a dynamically quantised one, whose
        activation scales span the whole batch and would let neighbours shift a text's scores.
        ``aggregate`` says how a long text's chunks combine (:func:`aggregate_chunks`)."""
        if aggregate not in AGGREGATIONS:
            raise _bad_aggregation(aggregate, f"the 'aggregate' parameter of {type(self).__name__}")
        self.aggregate = aggregate
        self.path = Path(path) if path else ASSETS / self.asset
        self.manifest = load_manifest(
            self.path,
            what=f"Emotion model {self.name!r}",
            hint="Reinstall empathic, or train it: empathic train emotion --out DIR.",
        )
        if tuple(self.manifest["labels"]) != LABELS:
            raise AnalysisError(f"Model {self.name!r} has labels in an unexpected order.")
        self.threads = threads
        self.batch_size = batch_size or self.default_batch_size

    asset = ""
    default_batch_size = 64

    @cached_property
    def thresholds(self) -> np.ndarray:
        return np.asarray(self.manifest["thresholds"], dtype=np.float64)

    def _encoder(self, outputs: Sequence[str]) -> OnnxEncoder:
        return OnnxEncoder.from_folder(
            self.path, self.manifest, outputs=outputs, batch_size=self.batch_size, threads=self.threads
        )

    def _rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per chunk row: label probabilities, embeddings, owner index, token counts."""
        raise NotImplementedError

    def predict(self, texts: Sequence[str]) -> EmotionPrediction:
        n = len(texts)
        if n == 0:
            return EmotionPrediction(LABELS, np.zeros((0, 28)), np.zeros((0, 384)), self.embedding_model)
        probs_rows, emb_rows, owner, tokens = self._rows(texts)
        probs = aggregate_chunks(probs_rows, owner, tokens, n, method=self.aggregate)
        emb = np.zeros((n, emb_rows.shape[1]))
        np.add.at(emb, owner, emb_rows * chunk_weights(owner, tokens, n)[:, None])
        empty = _empty_mask(texts)
        probs[empty] = 0.0
        probs[empty, NEUTRAL] = 1.0
        emb[empty] = 0.0
        return EmotionPrediction(LABELS, probs, emb.astype(np.float32), self.embedding_model)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.predict(texts).probs

    def chunk_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per chunk: label probabilities ``[rows, 28]``, the index of its text, its tokens ([CLS], [SEP] included).

        Feed them to :func:`aggregate_chunks` to combine one encoding pass in several ways.
        """
        probs_rows, _, owner, tokens = self._rows(texts)
        return probs_rows, owner, tokens

    embedding_model: str | None = None


class FinetunedEmotion(_OnnxEmotion):
    """all-MiniLM-L6-v2 fine-tuned on GoEmotions train, int8 ONNX (the default)."""

    name = "minilm-finetuned"
    asset = "minilm-goemotions-v1"
    embedding_model = "minilm-goemotions-v1"

    @cached_property
    def _enc(self) -> OnnxEncoder:
        return self._encoder(("logits", "embedding"))

    def _rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        chunks = self._enc.chunk(texts)
        out = self._enc.run(chunks)
        return _sigmoid(out["logits"].astype(np.float64)), out["embedding"], chunks.owner, chunks.tokens


class HeadsEmotion(_OnnxEmotion):
    """The original all-MiniLM-L6-v2 encoder (int8 ONNX), frozen, with logistic heads per label."""

    name = "minilm-heads"
    asset = "minilm-l6-v2-encoder"
    embedding_model = "all-minilm-l6-v2"
    # dynamic int8 (static quantisation cost too much similarity fidelity: mean cosine 0.91 vs 0.99)
    default_batch_size = 1

    @cached_property
    def _enc(self) -> OnnxEncoder:
        return self._encoder(("embedding",))

    @cached_property
    def _heads(self) -> tuple[np.ndarray, np.ndarray]:
        data = np.load(self.path / self.manifest["heads_file"])
        return data["W"].astype(np.float64), data["b"].astype(np.float64)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Generic sentence embeddings (mean-pooled, L2-normalised) for similarity work."""
        emb = self.predict(texts).embeddings
        norm = np.linalg.norm(emb, axis=1, keepdims=True)
        norm[norm == 0] = 1.0
        return emb / norm

    def _rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        chunks = self._enc.chunk(texts)
        emb = self._enc.run(chunks)["embedding"].astype(np.float64)
        w, b = self._heads
        unit = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        return _sigmoid(unit @ w + b), emb, chunks.owner, chunks.tokens


class VaderEmotion:
    """Light backend: VADER sentiment mapped onto the sentiment groups.

    VADER knows polarity only, so every label of the positive group gets P(positive), every
    label of the negative group P(negative), neutral gets P(neutral); the ambiguous labels get 0.
    Group-level scores are meaningful; the 28 fine-grained labels are not.
    """

    name = "vader"
    labels = LABELS
    embedding_model = None

    def __init__(self, **_options: object) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._sia = SentimentIntensityAnalyzer()
        self._pos = [LABELS.index(x) for x in SENTIMENT["positive"]]
        self._neg = [LABELS.index(x) for x in SENTIMENT["negative"]]

    @property
    def thresholds(self) -> np.ndarray:
        """VADER's own cut-offs: compound >= 0.05 positive, <= -0.05 negative, else neutral."""
        t = np.full(len(LABELS), 1.01)  # ambiguous labels: VADER cannot tell
        t[self._pos] = 0.05
        t[self._neg] = 0.05
        t[NEUTRAL] = 0.95
        return t

    @property
    def group_thresholds(self) -> dict[str, list[float]]:
        """Group cut-offs matching VADER's: polarity groups at 0.05, neutral at 0.95, surprise never."""
        return {
            "ekman": [0.05, 0.05, 0.05, 0.05, 0.05, 1.01, 0.95],
            "sentiment": [0.05, 0.05, 1.01, 0.95],
        }

    def predict(self, texts: Sequence[str]) -> EmotionPrediction:
        probs = np.zeros((len(texts), len(LABELS)))
        for i, text in enumerate(texts):
            c = self._sia.polarity_scores(text or "")["compound"]
            probs[i, self._pos] = max(c, 0.0)
            probs[i, self._neg] = max(-c, 0.0)
            probs[i, NEUTRAL] = 1.0 - abs(c)
        return EmotionPrediction(LABELS, probs, None, None)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.predict(texts).probs
