"""The ``emotion`` and ``embedding`` analysers that ``empathic analyze`` runs.

``emotion`` stores, per document, the 28 label probabilities (score names = label names), the
Ekman and sentiment group probabilities (``ekman:joy``, ``sentiment:positive``...), ``valence``
and ``arousal``; when its model has an encoder, the sentence embedding is stored too.
``embedding`` stores the original all-MiniLM-L6-v2 sentence embedding for similarity work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from empathic import registry
from empathic.analyse.emotion.taxonomy import EKMAN, LABELS, SENTIMENT, group_proba, valence_arousal
from empathic.config import AnalyseSettings

OUTPUTS: tuple[str, ...] = (
    *LABELS,
    *(f"ekman:{g}" for g in EKMAN),
    *(f"sentiment:{g}" for g in SENTIMENT),
    "valence",
    "arousal",
)


def emotion_scores(probs: np.ndarray) -> list[dict[str, float]]:
    """``[n, 28]`` probabilities → one score mapping per text (labels, groups, valence, arousal)."""
    full = np.concatenate(
        [probs, group_proba(probs, EKMAN), group_proba(probs, SENTIMENT), valence_arousal(probs)], axis=1
    )
    return [dict(zip(OUTPUTS, map(float, row), strict=True)) for row in full]


def get_emotion_model(name: str, **options: Any) -> Any:
    """Instantiate the emotion model backend registered as ``name``."""
    return registry.get("emotion_model", name)(**options)


class EmotionAnalyser:
    """Fine-grained emotion per document through the configured ``analyse.emotion_model``.

    >>> a = EmotionAnalyser(AnalyseSettings(emotion_model="vader"))
    >>> round(a.analyse(["I love it"])[0]["sentiment:positive"], 2) > 0.5
    True
    """

    name = "emotion"
    outputs = OUTPUTS

    def __init__(self, settings: AnalyseSettings | None = None) -> None:
        settings = settings or AnalyseSettings()
        self.model = get_emotion_model(settings.emotion_model, threads=settings.threads or None)
        version = getattr(self.model, "manifest", {}).get("version", "1")
        # chunk aggregation changes long texts' scores: stored ones under another rule are redone
        aggregate = getattr(self.model, "aggregate", None)
        self.version = f"{self.model.name}:{version}" + (f"+{aggregate}" if aggregate else "")
        self.embedding_model: str | None = getattr(self.model, "embedding_model", None)

    def analyse(self, texts: Sequence[str]) -> list[Mapping[str, float]]:
        return emotion_scores(self.model.predict_proba(list(texts)))  # type: ignore[return-value]

    def analyse_with_embeddings(self, texts: Sequence[str]) -> tuple[list[Mapping[str, float]], np.ndarray | None]:
        pred = self.model.predict(list(texts))
        return emotion_scores(pred.probs), pred.embeddings  # type: ignore[return-value]


class EmbeddingAnalyser:
    """Stores the generic all-MiniLM-L6-v2 sentence embedding (L2-normalised); its only score is ``norm``."""

    name = "embedding"
    outputs = ("norm",)

    def __init__(self, settings: AnalyseSettings | None = None) -> None:
        from empathic.analyse.emotion.models import HeadsEmotion

        self.model = HeadsEmotion(threads=(settings.threads or None) if settings else None)
        self.version = f"all-minilm-l6-v2:{self.model.manifest.get('version', '1')}"
        self.embedding_model = self.model.embedding_model

    def analyse(self, texts: Sequence[str]) -> list[Mapping[str, float]]:
        return self.analyse_with_embeddings(texts)[0]

    def analyse_with_embeddings(self, texts: Sequence[str]) -> tuple[list[Mapping[str, float]], np.ndarray | None]:
        emb = self.model.predict(list(texts)).embeddings
        norms = np.linalg.norm(emb, axis=1) if len(texts) else np.zeros(0)
        unit = emb / np.maximum(norms, 1e-12)[:, None] if len(texts) else emb
        return [{"norm": float(n)} for n in norms], unit
