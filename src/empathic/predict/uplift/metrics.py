"""Uplift metrics: Qini and uplift curves, their normalised areas, uplift@k and bootstrap CIs. Pure numpy.

Definitions follow scikit-uplift 0.5 (``sklift.metrics``) so numbers are comparable with its published
examples; every function also takes ``sample_weight``, which is how the bootstrap resamples without sorting
again (a resample is a vector of multinomial counts).

* Rows are ranked by predicted uplift, highest first (ties: later rows first, as sklift's reversed stable
  sort). Curves have one point per distinct score, starting at ``(0, 0)``.
* **Uplift curve** at ``n`` targeted rows: ``(Y_t/N_t - Y_c/N_c) · n`` (``Y`` responders, ``N`` rows of
  each arm among the targeted). **Qini curve**: ``Y_t - Y_c · N_t/N_c``. A term with an empty arm is 0.
* ``qini_auc_score`` / ``uplift_auc_score``: area between the model's curve and the straight "random" line
  to the curve's end point, divided by the same area of the perfect ranking (treated responders first,
  control responders last). 1 is perfect, 0 random, negative worse than random.
* ``uplift_at_k`` (``strategy="overall"``): among the top ``floor(k · n)`` rows, treated response rate minus
  control response rate; ``"by_group"`` takes the top ``floor(k · n_arm)`` of each arm. An arm missing
  from the top rows gives NaN (no exception mid-batch).

Golden values by hand: four treated rows and four controls, scores 8..1::

    rank      1  2  3  4  5  6  7  8
    treated   1  1  0  1  0  1  0  0
    outcome   1  1  0  1  0  0  1  0

Top 4 = three treated responders and one control non-responder: uplift@50% = 3/3 - 0/1 = 1.0.

>>> y = np.array([1, 1, 0, 1, 0, 0, 1, 0]); t = np.array([1, 1, 0, 1, 0, 1, 0, 0]); s = np.arange(8, 0, -1)
>>> uplift_at_k(y, s, t, k=0.5)
1.0
>>> qini_curve(y, s, t)[1].round(3).tolist()
[0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 1.667, 2.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from empathic.types import Estimate

STRATEGIES = ("overall", "by_group")


def _arrays(
    y: object, uplift: object, treatment: object, sample_weight: object | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    y_, u_, t_ = (np.asarray(a, dtype=np.float64).ravel() for a in (y, uplift, treatment))
    w_ = np.ones(len(y_)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).ravel()
    if not (len(y_) == len(u_) == len(t_) == len(w_)):
        raise ValueError(
            f"y, uplift, treatment and sample_weight must have one value per row. "
            f"Got lengths {len(y_)}, {len(u_)}, {len(t_)}, {len(w_)}."
        )
    if not np.isin(t_, (0.0, 1.0)).all():
        raise ValueError("treatment must hold only 0 (control) and 1 (treated).")
    return y_, u_, t_, w_


class RankedRows:
    """Rows ranked once by a score; curves for any weights (bootstrap counts) are then cumulative sums."""

    def __init__(self, y: np.ndarray, score: np.ndarray, treatment: np.ndarray) -> None:
        order = np.argsort(score, kind="mergesort")[::-1]
        self.y, self.t = y[order], treatment[order]
        self.order = order
        s = score[order]
        self.ends = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1] if len(s) else np.zeros(0, dtype=int)

    def sums(self, w: np.ndarray) -> tuple[np.ndarray, ...]:
        """Cumulative (rows, treated rows, treated responders, control responders) at each distinct score."""
        w = w[self.order]
        wt = w * self.t
        n = np.cumsum(w)[self.ends]
        nt = np.cumsum(wt)[self.ends]
        yt = np.cumsum(wt * self.y)[self.ends]
        yc = np.cumsum((w - wt) * self.y)[self.ends]
        return n, nt, yt, yc

    def qini(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, nt, yt, yc = self.sums(w)
        nc = n - nt
        values = yt - yc * np.divide(nt, nc, out=np.zeros_like(nt), where=nc != 0)
        return np.r_[0.0, n], np.r_[0.0, values]

    def uplift(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, nt, yt, yc = self.sums(w)
        nc = n - nt
        rate_t = np.divide(yt, nt, out=np.zeros_like(yt), where=nt != 0)
        rate_c = np.divide(yc, nc, out=np.zeros_like(yc), where=nc != 0)
        return np.r_[0.0, n], np.r_[0.0, (rate_t - rate_c) * n]

    def at_k(self, w: np.ndarray, k: float, strategy: str = "overall") -> float:
        w = w[self.order]
        if strategy == "overall":
            take = _top_weight(w, math.floor(w.sum() * k + 1e-9))
        else:
            take = np.zeros_like(w)
            for arm in (0.0, 1.0):
                mask = self.t == arm
                take[mask] = _top_weight(w[mask], math.floor(w[mask].sum() * k + 1e-9))
        wt, wc = take * self.t, take * (1.0 - self.t)
        if wt.sum() <= 0 or wc.sum() <= 0:
            return float("nan")
        # elementwise sums, not ``@``: a BLAS dot on 1-D arrays can be 100x slower on a busy machine
        return float((wt * self.y).sum() / wt.sum() - (wc * self.y).sum() / wc.sum())


def _top_weight(w: np.ndarray, size: float) -> np.ndarray:
    """How much of each row's weight falls within the first ``size`` units of weight."""
    before = np.cumsum(w) - w
    return np.clip(size - before, 0.0, w)


def _area(x: np.ndarray, v: np.ndarray) -> float:
    return float(np.sum((x[1:] - x[:-1]) * (v[1:] + v[:-1]) / 2.0))


def _normalised(model: tuple[np.ndarray, np.ndarray], perfect: tuple[np.ndarray, np.ndarray]) -> float:
    x_p, v_p = perfect
    baseline = float(x_p[-1] * v_p[-1]) / 2.0
    best = _area(x_p, v_p) - baseline
    return (_area(*model) - baseline) / best if best != 0 else float("nan")


def uplift_curve(
    y: object, uplift: object, treatment: object, sample_weight: object | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(rows targeted, uplift-curve value) at each distinct predicted uplift, from ``(0, 0)``."""
    y_, u_, t_, w_ = _arrays(y, uplift, treatment, sample_weight)
    return RankedRows(y_, u_, t_).uplift(w_)


def qini_curve(
    y: object, uplift: object, treatment: object, sample_weight: object | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(rows targeted, incremental responders ``Y_t - Y_c·N_t/N_c``) at each distinct score, from ``(0, 0)``."""
    y_, u_, t_, w_ = _arrays(y, uplift, treatment, sample_weight)
    return RankedRows(y_, u_, t_).qini(w_)


def _perfect_qini_score(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    return y * t - y * (1.0 - t)  # treated responders first, control responders last


def _perfect_uplift_score(y: np.ndarray, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    control_responders = float(w[(y == 1) & (t == 0)].sum())
    treated_non_responders = float(w[(y == 0) & (t == 1)].sum())
    return 2.0 * (y == t) + (y if control_responders > treated_non_responders else t)


def qini_auc_score(y: object, uplift: object, treatment: object, sample_weight: object | None = None) -> float:
    """Normalised Qini coefficient: area over the random line as a share of the perfect ranking's.

    >>> y = np.array([1, 1, 0, 1, 0, 0, 1, 0]); t = np.array([1, 1, 0, 1, 0, 1, 0, 0])
    >>> round(qini_auc_score(y, np.arange(8, 0, -1), t), 6)
    0.787879
    """
    y_, u_, t_, w_ = _arrays(y, uplift, treatment, sample_weight)
    return _normalised(RankedRows(y_, u_, t_).qini(w_), RankedRows(y_, _perfect_qini_score(y_, t_), t_).qini(w_))


def uplift_auc_score(y: object, uplift: object, treatment: object, sample_weight: object | None = None) -> float:
    """Normalised area under the uplift curve (AUUC), same normalisation as :func:`qini_auc_score`.

    >>> y = np.array([1, 1, 0, 1, 0, 0, 1, 0]); t = np.array([1, 1, 0, 1, 0, 1, 0, 0])
    >>> round(uplift_auc_score(y, np.arange(8, 0, -1), t), 6)
    0.687075
    """
    y_, u_, t_, w_ = _arrays(y, uplift, treatment, sample_weight)
    perfect = RankedRows(y_, _perfect_uplift_score(y_, t_, w_), t_).uplift(w_)
    return _normalised(RankedRows(y_, u_, t_).uplift(w_), perfect)


def uplift_at_k(
    y: object,
    uplift: object,
    treatment: object,
    k: float = 0.3,
    strategy: str = "overall",
    sample_weight: object | None = None,
) -> float:
    """Treated minus control outcome rate among the top ``k`` share of rows by predicted uplift.

    NaN when an arm is absent from those rows.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"The 'strategy' of uplift_at_k must be one of {STRATEGIES}. Got {strategy!r}.")
    if not 0.0 < k < 1.0:
        raise ValueError(f"The 'k' of uplift_at_k must be a share in (0, 1). Got {k}.")
    y_, u_, t_, w_ = _arrays(y, uplift, treatment, sample_weight)
    return RankedRows(y_, u_, t_).at_k(w_, k, strategy)


def _percentile_ci(samples: np.ndarray, level: float) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if len(finite) < max(10, 0.5 * len(samples)):
        return float("nan"), float("nan")
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(finite, [a, 1.0 - a])
    return float(lo), float(hi)


def bootstrap_uplift_metrics(
    y: object,
    uplift: object,
    treatment: object,
    *,
    ks: Sequence[float] = (0.1, 0.2, 0.3),
    strategy: str = "overall",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Estimate]:
    """Qini, AUUC and uplift@k with percentile bootstrap CIs over the evaluation rows.

    Each replicate redraws the treated and the control rows separately (stratified multinomial counts),
    keeping the fitted scores fixed: the CI covers the sampling of the evaluation set, not the training.
    Keys: ``qini``, ``auuc`` and ``uplift@10%``-style names.

    >>> rng = np.random.default_rng(1); t = rng.integers(0, 2, 400); s = rng.random(400)
    >>> y = (rng.random(400) < 0.2 + 0.3 * t * (s > 0.5)).astype(int)
    >>> m = bootstrap_uplift_metrics(y, s, t, n_boot=200)
    >>> m["qini"].ci_low < m["qini"].value < m["qini"].ci_high, m["uplift@30%"].value > 0
    (True, True)
    """
    y_, u_, t_, w_ = _arrays(y, uplift, treatment, None)
    model = RankedRows(y_, u_, t_)
    perfect_q = RankedRows(y_, _perfect_qini_score(y_, t_), t_)
    names = [f"uplift@{round(k * 100):d}%" for k in ks]

    def replicate(w: np.ndarray) -> list[float]:
        perfect_u = RankedRows(y_, _perfect_uplift_score(y_, t_, w), t_)
        return [
            _normalised(model.qini(w), perfect_q.qini(w)),
            _normalised(model.uplift(w), perfect_u.uplift(w)),
            *(model.at_k(w, k, strategy) for k in ks),
        ]

    point = replicate(w_)
    rng = np.random.default_rng(seed)
    arms = [np.flatnonzero(t_ == a) for a in (0.0, 1.0)]
    draws = np.empty((n_boot, len(point)))
    for b in range(n_boot):
        w = np.zeros(len(y_))
        for idx in arms:
            if len(idx):
                w[idx] = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)))
        draws[b] = replicate(w)
    out = {}
    for j, name in enumerate(["qini", "auuc", *names]):
        lo, hi = _percentile_ci(draws[:, j], level) if n_boot else (float("nan"), float("nan"))
        out[name] = Estimate(float(point[j]), lo, hi)
    return out


def curve_points(x: np.ndarray, v: np.ndarray, n_points: int = 51) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A curve resampled at ``n_points`` evenly spaced shares of the rows (linear interpolation), for charts."""
    share = np.linspace(0.0, 1.0, n_points)
    total = x[-1] if len(x) and x[-1] > 0 else 1.0
    return tuple(share.tolist()), tuple(np.interp(share * total, x, v).tolist())
