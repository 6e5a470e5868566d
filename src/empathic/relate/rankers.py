"""Testimonial rankers: candidates and an audience in, explained score components out. No I/O.

Two backends implement the :class:`Ranker` protocol (registry kind ``ranker``):

* ``embedding`` (default) — semantic closeness from the stored generic MiniLM sentence embeddings,
  resonance from the stored ``emotion`` probabilities, rating–text mismatch from the emotion
  sentiment groups, near-duplicates and bursts by embedding cosine;
* ``lexical`` (light) — the same components from TF-IDF word vectors and VADER sentiment, for
  workspaces analysed without the ONNX models.

Every component is in [0, 1]: ``relatability`` (author attributes and semantic closeness to the
audience's words and needs), ``resonance`` (joy, gratitude, admiration, excitement, relief and
their intensity), ``specificity`` (concrete details) and ``authenticity`` (1 = no warning flag).
Sub-components (``relatability.attributes`` ...) explain them.

>>> from empathic.types import Audience, Document, DocumentKind, RankingInputs
>>> docs = tuple(Document("t", f"T{i}", DocumentKind.TESTIMONIAL, t, attrs={"region": r}, consent=True)
...              for i, (t, r) in enumerate([("Great product! Highly recommend!", "west"),
...                                          ("The zip pocket held my passport on a 14-hour flight.", "west")]))
>>> out = LexicalRanker().score(RankingInputs(docs=docs, audience=Audience({"region": "west"})))
>>> out.flags[0], [round(float(x), 2) for x in out.components["specificity"]]
(('templated',), [0.0, 0.71])
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from empathic.errors import RelateError
from empathic.relate import signals
from empathic.relate.signals import words_set
from empathic.types import RankerScores, RankingInputs

COMPONENTS = ("relatability", "resonance", "specificity", "authenticity")


@runtime_checkable
class Ranker(Protocol):
    """Scores candidate testimonials for an audience. ``requires`` names the stored signals it reads
    (``embedding``, ``emotion``, ``vader``), so the store-backed caller loads only those."""

    name: str
    requires: tuple[str, ...]

    def score(self, inputs: RankingInputs) -> RankerScores: ...


def _relatability(
    inputs: RankingInputs, semantic: np.ndarray | None, needs: np.ndarray | None
) -> dict[str, np.ndarray]:
    n = len(inputs.docs)
    parts: dict[str, np.ndarray] = {}
    weights: dict[str, float] = {}
    if inputs.audience.attributes:
        parts["relatability.attributes"] = np.array(
            [signals.attribute_match(d.attrs, inputs.audience.attributes) for d in inputs.docs]
        )
        weights["relatability.attributes"] = 0.4
    if semantic is not None:
        parts["relatability.semantic"] = signals.percentile(semantic)
        weights["relatability.semantic"] = 0.4
    if needs is not None:
        parts["relatability.needs"] = signals.percentile(needs)
        weights["relatability.needs"] = 0.2
    total = sum(weights.values())
    rel = sum((weights[k] * v for k, v in parts.items()), np.zeros(n)) / total if total else np.zeros(n)
    return {"relatability": rel, **parts}


def _common(
    inputs: RankingInputs,
    similarity: np.ndarray,
    semantic: np.ndarray | None,
    needs: np.ndarray | None,
    resonance: dict[str, np.ndarray],
    sentiment: np.ndarray | None,
    *,
    duplicate_threshold: float,
    burst_threshold: float,
) -> RankerScores:
    docs = inputs.docs
    texts = [d.text for d in docs]
    spec = np.array([signals.specificity(t, inputs.products) for t in texts])
    auth, flags = signals.authenticity(
        texts,
        [d.rating for d in docs],
        sentiment,
        [d.created_at for d in docs],
        [d.product for d in docs],
        similarity,
        duplicate_threshold=duplicate_threshold,
        burst_threshold=burst_threshold,
        source_ids=[d.source_id for d in docs],
        known_products=inputs.products,
        authors=[d.author for d in docs],
    )
    keywords = [w for need in inputs.audience.needs for w in re.findall(r"[a-z]{4,}", need.lower())]
    highlights = tuple(signals.best_sentence(t, keywords, inputs.products) for t in texts)
    components = {**_relatability(inputs, semantic, needs), **resonance, "specificity": spec, "authenticity": auth}
    return RankerScores(components=components, similarity=similarity, flags=tuple(flags), highlights=highlights)


def _loo_closeness(
    vectors: np.ndarray, group: np.ndarray | None, member: np.ndarray | None = None
) -> np.ndarray | None:
    """Cosine of each candidate to the centroid of ``group``, leaving the candidate itself out of it
    (``member[i]`` is its row in ``group``, or -1), so an author is not matched to their own words."""
    if group is None or len(group) == 0:
        return None
    total = group.sum(axis=0)
    out = np.empty(len(vectors))
    for i, v in enumerate(vectors):
        c = total - group[member[i]] if member is not None and member[i] >= 0 else total
        norm = float(np.linalg.norm(c)) * float(np.linalg.norm(v))
        out[i] = float(c @ v) / norm if norm > 0 else np.nan
    return out


def _members(inputs: RankingInputs) -> np.ndarray:
    row = {d: i for i, d in enumerate(inputs.audience_ids)}
    return np.array([row.get(d.doc_id if d.doc_id is not None else -1, -1) for d in inputs.docs])


class EmbeddingRanker:
    """The real ranker: stored MiniLM embeddings for closeness and duplicates, stored emotions for resonance.

    ``duplicate_threshold`` and ``burst_threshold`` are embedding cosines.
    """

    name = "embedding"
    requires = ("embedding", "emotion")

    def __init__(self, duplicate_threshold: float = 0.92, burst_threshold: float = 0.8) -> None:
        self.duplicate_threshold = duplicate_threshold
        self.burst_threshold = burst_threshold

    def score(self, inputs: RankingInputs) -> RankerScores:
        if inputs.embeddings is None or inputs.emotion is None:
            raise RelateError(
                "The embedding ranker needs stored sentence embeddings and emotion scores for the candidates.",
                hint="Run `empathic analyze` (analysers 'emotion' and 'embedding'), or use --ranker lexical.",
            )
        vectors = np.nan_to_num(np.asarray(inputs.embeddings, dtype=np.float64))
        semantic = _loo_closeness(vectors, _maybe(inputs.audience_embeddings), _members(inputs))
        needs = _loo_closeness(vectors, _maybe(inputs.need_embeddings))
        probs = np.nan_to_num(np.asarray(inputs.emotion, dtype=np.float64))
        presence = 1.0 - np.prod(1.0 - np.clip(probs, 0, 1), axis=1)
        arousal = (
            np.clip(np.nan_to_num(np.asarray(inputs.arousal, dtype=np.float64)), 0, 1)
            if inputs.arousal is not None
            else presence
        )
        resonance = {
            "resonance": presence * (0.6 + 0.4 * arousal),
            "resonance.presence": presence,
            "resonance.intensity": arousal,
        }
        sentiment = None if inputs.sentiment is None else np.asarray(inputs.sentiment, dtype=np.float64)
        return _common(
            inputs,
            vectors @ vectors.T,
            semantic,
            needs,
            resonance,
            sentiment,
            duplicate_threshold=self.duplicate_threshold,
            burst_threshold=self.burst_threshold,
        )


def _maybe(x: object) -> np.ndarray | None:
    return None if x is None else np.nan_to_num(np.asarray(x, dtype=np.float64))


_TOKEN = re.compile(r"[a-z][a-z']+")
_STOP = words_set(
    """the and for that this with was were are but not you your have has had they them their its it's i'm
    i've my me our out all any can just very so too on in of to a an is it be at as or if by from than then
    when what which who would could should will about after before over into more most some such only also"""
)


def _tfidf(texts: Sequence[str], fit_texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows of ``texts`` over the vocabulary and IDF of ``fit_texts``."""
    docs = [[w for w in _TOKEN.findall(t.lower()) if w not in _STOP] for t in fit_texts]
    df: Counter[str] = Counter(w for d in docs for w in set(d))
    vocab = {w: i for i, w in enumerate(sorted(w for w, c in df.items() if c >= 1))}
    n = max(len(docs), 1)
    idf = np.array([math.log((1 + n) / (1 + df[w])) + 1.0 for w in sorted(vocab, key=vocab.__getitem__)])
    out = np.zeros((len(texts), len(vocab)))
    for r, t in enumerate(texts):
        for w, c in Counter(w for w in _TOKEN.findall(t.lower()) if w in vocab).items():
            out[r, vocab[w]] = (1.0 + math.log(c)) * idf[vocab[w]]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


class LexicalRanker:
    """The light ranker: TF-IDF words for closeness and duplicates, VADER for resonance and mismatch.

    Reads stored ``vader`` compound scores when present (``inputs.sentiment``), otherwise scores
    the texts with VADER itself. ``duplicate_threshold`` and ``burst_threshold`` are TF-IDF cosines.
    """

    name = "lexical"
    requires = ("vader",)

    def __init__(self, duplicate_threshold: float = 0.6, burst_threshold: float = 0.4) -> None:
        self.duplicate_threshold = duplicate_threshold
        self.burst_threshold = burst_threshold

    def score(self, inputs: RankingInputs) -> RankerScores:
        texts = [d.text for d in inputs.docs]
        fit = [*texts, *inputs.audience_texts]
        vectors = _tfidf(texts, fit)
        semantic = needs = None
        if inputs.audience_texts:
            semantic = _loo_closeness(vectors, _tfidf(inputs.audience_texts, fit), _members(inputs))
        if inputs.need_texts:
            needs = _loo_closeness(vectors, _tfidf(inputs.need_texts, fit))
        sentiment = None if inputs.sentiment is None else np.asarray(inputs.sentiment, dtype=np.float64)
        if sentiment is None or np.isnan(sentiment).any():
            from empathic.analyse.vader import VaderSentiment

            computed = np.array([s["compound"] for s in VaderSentiment().analyse(texts)])
            sentiment = computed if sentiment is None else np.where(np.isnan(sentiment), computed, sentiment)
        presence = np.clip(sentiment, 0.0, 1.0)
        exclaim = np.array([min(t.count("!"), 3) / 3.0 for t in texts])
        intensity = np.clip(np.abs(sentiment) * 0.8 + 0.2 * exclaim, 0, 1)
        resonance = {
            "resonance": presence * (0.6 + 0.4 * intensity),
            "resonance.presence": presence,
            "resonance.intensity": intensity,
        }
        return _common(
            inputs,
            vectors @ vectors.T,
            semantic,
            needs,
            resonance,
            sentiment,
            duplicate_threshold=self.duplicate_threshold,
            burst_threshold=self.burst_threshold,
        )


def get_ranker(name: str = "embedding", **options: object) -> Ranker:
    """Instantiate the ranker registered as ``name`` (``embedding`` or ``lexical``, or a plugin's)."""
    from empathic import registry

    return registry.get("ranker", name)(**options)  # type: ignore[no-any-return]
