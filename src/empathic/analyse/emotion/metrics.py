"""Multi-label metrics and threshold tuning for emotion models (pure numpy, no I/O).

``y`` is a ``[n, k]`` 0/1 matrix, ``p`` the matching probabilities. Group metrics (Ekman,
sentiment) use group truth = any member label true, group probability = max of members.

>>> y = np.array([[1, 0], [0, 1], [1, 1]]); p = np.array([[0.9, 0.2], [0.1, 0.7], [0.6, 0.4]])
>>> f1_per_label(y, p >= 0.5).round(2).tolist()
[1.0, 0.67]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from empathic.analyse.emotion.taxonomy import EKMAN, LABELS, SENTIMENT, group_proba

GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


def f1_per_label(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """F1 of each column; a label with no positives and no predictions scores 0 (as sklearn's zero_division=0)."""
    y = np.asarray(y, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    tp = (y & pred).sum(axis=0).astype(np.float64)
    denom = y.sum(axis=0) + pred.sum(axis=0)
    return np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)


def micro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    tp = float((y & pred).sum())
    denom = float(y.sum() + pred.sum())
    return 2 * tp / denom if denom else 0.0


def tune_thresholds(y: np.ndarray, p: np.ndarray, grid: np.ndarray = GRID) -> np.ndarray:
    """Per column, the threshold on ``grid`` that maximises that column's F1 (ties: the lowest)."""
    y = np.asarray(y, dtype=bool)
    best = np.full(y.shape[1], 0.5)
    best_f1 = np.full(y.shape[1], -1.0)
    for t in grid:
        f1 = f1_per_label(y, p >= t)
        better = f1 > best_f1
        best[better] = t
        best_f1[better] = f1[better]
    return best


def group_truth(y: np.ndarray, groups: dict[str, tuple[str, ...]]) -> np.ndarray:
    return np.stack(
        [np.asarray(y)[:, [LABELS.index(m) for m in members]].max(axis=1) for members in groups.values()], axis=1
    )


def evaluate(
    y: np.ndarray,
    p: np.ndarray,
    thresholds: Sequence[float] | np.ndarray,
    group_thresholds: dict[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """The ``empathic emotion evaluate`` figures at given label (and group) thresholds."""
    y = np.asarray(y, dtype=bool)
    pred = p >= np.asarray(thresholds)[None, :]
    per_label = f1_per_label(y, pred)
    out: dict[str, Any] = {
        "n": int(y.shape[0]),
        "macro_f1": float(per_label.mean()),
        "micro_f1": micro_f1(y, pred),
    }
    for name, groups in (("ekman", EKMAN), ("sentiment", SENTIMENT)):
        gy = group_truth(y, groups)
        gp = group_proba(p, groups)
        gt = np.asarray((group_thresholds or {}).get(name, [0.5] * len(groups)))
        out[f"{name}_macro_f1"] = float(f1_per_label(gy, gp >= gt[None, :]).mean())
    out["per_label_f1"] = {label: round(float(f), 4) for label, f in zip(LABELS, per_label, strict=True)}
    return out


def tune_group_thresholds(y: np.ndarray, p: np.ndarray) -> dict[str, list[float]]:
    return {
        name: tune_thresholds(group_truth(y, g), group_proba(p, g)).tolist()
        for name, g in (("ekman", EKMAN), ("sentiment", SENTIMENT))
    }


def cross_fitted_macro_f1(y: np.ndarray, p: np.ndarray, seed: int = 0) -> float:
    """Honest estimate: tune thresholds on one half, score the other, both ways, average."""
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(y))
    a, b = idx[: len(y) // 2], idx[len(y) // 2 :]
    scores = []
    for tune_idx, test_idx in ((a, b), (b, a)):
        t = tune_thresholds(y[tune_idx], p[tune_idx])
        scores.append(f1_per_label(y[test_idx], p[test_idx] >= t).mean())
    return float(np.mean(scores))
