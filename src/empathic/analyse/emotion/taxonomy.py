"""The GoEmotions taxonomy: 27 emotions + neutral, the Ekman and sentiment groupings, valence/arousal.

Label order, the Ekman grouping (6 + neutral) and the sentiment grouping (positive / negative /
ambiguous + neutral) are those published with GoEmotions (Demszky et al., ACL 2020).

**Group probability** = the highest probability among the group's labels (a text shows "anger" if
it shows anger, annoyance or disapproval). **Valence and arousal** of a text are the
probability-weighted means of per-label coordinates hand-placed on Russell's (1980) circumplex
(valence in [-1, 1], arousal in [0, 1]; neutral at (0, 0.1)). They are approximate and meant for
ordering and trends, not as measurements; no research-only lexicon is used.

>>> LABELS[:3], len(LABELS)
(('admiration', 'amusement', 'anger'), 28)
>>> EKMAN_OF["annoyance"], SENTIMENT_OF["curiosity"]
('anger', 'ambiguous')
"""

from __future__ import annotations

import numpy as np

LABELS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
    "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief", "joy",
    "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip
NEUTRAL = LABELS.index("neutral")

EKMAN: dict[str, tuple[str, ...]] = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": ("joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}  # fmt: skip

SENTIMENT: dict[str, tuple[str, ...]] = {
    "positive": ("amusement", "excitement", "joy", "love", "desire", "optimism", "caring", "pride", "admiration",
                 "gratitude", "relief", "approval"),
    "negative": ("fear", "nervousness", "remorse", "embarrassment", "disappointment", "sadness", "grief", "disgust",
                 "anger", "annoyance", "disapproval"),
    "ambiguous": ("realization", "surprise", "curiosity", "confusion"),
    "neutral": ("neutral",),
}  # fmt: skip

EKMAN_OF = {label: group for group, members in EKMAN.items() for label in members}
SENTIMENT_OF = {label: group for group, members in SENTIMENT.items() for label in members}

# (valence, arousal) per label, hand-placed on the circumplex; see the module docstring.
CIRCUMPLEX: dict[str, tuple[float, float]] = {
    "admiration": (0.7, 0.5), "amusement": (0.8, 0.6), "anger": (-0.8, 0.85), "annoyance": (-0.6, 0.6),
    "approval": (0.6, 0.35), "caring": (0.6, 0.35), "confusion": (-0.3, 0.55), "curiosity": (0.3, 0.6),
    "desire": (0.5, 0.7), "disappointment": (-0.65, 0.35), "disapproval": (-0.6, 0.45), "disgust": (-0.8, 0.6),
    "embarrassment": (-0.55, 0.6), "excitement": (0.8, 0.9), "fear": (-0.75, 0.85), "gratitude": (0.8, 0.4),
    "grief": (-0.9, 0.4), "joy": (0.9, 0.7), "love": (0.9, 0.6), "nervousness": (-0.5, 0.75),
    "optimism": (0.7, 0.5), "pride": (0.7, 0.6), "realization": (0.1, 0.45), "relief": (0.6, 0.25),
    "remorse": (-0.7, 0.4), "sadness": (-0.8, 0.25), "surprise": (0.2, 0.85), "neutral": (0.0, 0.1),
}  # fmt: skip

_VA = np.array([CIRCUMPLEX[label] for label in LABELS], dtype=np.float64)


def _group_index(groups: dict[str, tuple[str, ...]]) -> list[list[int]]:
    return [[LABELS.index(m) for m in members] for members in groups.values()]


_EKMAN_IDX = _group_index(EKMAN)
_SENT_IDX = _group_index(SENTIMENT)


def group_proba(probs: np.ndarray, groups: dict[str, tuple[str, ...]] = EKMAN) -> np.ndarray:
    """``[n, 28]`` label probabilities → ``[n, len(groups)]`` group probabilities (max over members).

    >>> p = np.zeros((1, 28)); p[0, LABELS.index("annoyance")] = 0.8
    >>> float(group_proba(p)[0, list(EKMAN).index("anger")])
    0.8
    """
    idx = _EKMAN_IDX if groups is EKMAN else _SENT_IDX if groups is SENTIMENT else _group_index(groups)
    probs = np.asarray(probs, dtype=np.float64)
    return np.stack([probs[:, members].max(axis=1) for members in idx], axis=1)


def valence_arousal(probs: np.ndarray) -> np.ndarray:
    """``[n, 28]`` probabilities → ``[n, 2]`` (valence, arousal), probability-weighted.

    >>> p = np.zeros((1, 28)); p[0, LABELS.index("joy")] = 1.0
    >>> valence_arousal(p).round(2).tolist()
    [[0.9, 0.7]]
    """
    probs = np.asarray(probs, dtype=np.float64)
    weight = probs.sum(axis=1, keepdims=True)
    weight[weight == 0] = 1.0
    return probs @ _VA / weight
