"""Purchase propensity from emotional response: does what a customer feels predict that they recommend or buy?

:func:`analyse_propensity` takes a feature matrix (28 emotion probabilities and text features — never the
rating) and a 0/1 target, and returns a :class:`~empathic.types.PropensityResult`:

* **Discrimination**: ROC AUC of out-of-fold predictions from stratified K-fold cross-validation (a
  standardised logistic regression, :class:`~empathic.analyse.drivers.DriverModel`), with a percentile
  bootstrap CI over rows (classes resampled separately; the fitted folds are kept fixed).
* **Calibration**: reliability bins of the out-of-fold probabilities (10 equal-width bins) with the
  observed rate and its Wilson 95% interval; the Brier score.
* **Contributions**: the logistic coefficients of a fit on all rows, per 1 SD of each feature (log odds),
  with Wald 95% CIs. Associations, not causes.

:func:`empathic.app.predict.propensity` runs it on a workspace (stored ``emotion`` scores; target from a
document attribute such as ``Recommended IND`` or a rule such as ``rating >= 4``) and stores the result by name.

>>> rng = np.random.default_rng(0); X = rng.random((600, 2)); y = (rng.random(600) < 0.2 + 0.6 * X[:, 0]).astype(int)
>>> r = analyse_propensity(X, y, ["joy", "anger"], target="buy", n_boot=100)
>>> r.auc > 0.6, r.effects[0].feature, r.effects[0].ci_low > 0
(True, 'joy', True)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from empathic.errors import AnalysisError
from empathic.types import CalibrationBin, Document, PropensityResult

Z_95 = 1.959963984540054
TEXT_FEATURES = ("log_words", "log_questions", "log_exclamations", "log_second_person", "log_digits", "log_emoji")
_RULE = re.compile(r"^\s*(.+?)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_OPS = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    ">": np.greater,
    "<": np.less,
    "==": np.equal,
    "!=": np.not_equal,
}
_TRUE, _FALSE = {"1", "1.0", "true", "yes", "y"}, {"0", "0.0", "false", "no", "n"}


def text_features(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """``log1p`` of words, questions, exclamations, second-person words, digits and emoji per text.

    >>> X, names = text_features(["Do you love it?!"])
    >>> names[0], round(float(np.expm1(X[0, 1])), 1)
    ('log_words', 1.0)
    """
    from empathic.analyse.textstats import TextStats

    stats = TextStats().analyse(list(texts))
    keys = ("words", "questions", "exclamations", "second_person", "digits", "emoji")
    X = np.log1p(np.array([[s[k] for k in keys] for s in stats], dtype=np.float64).reshape(len(stats), len(keys)))
    return X, list(TEXT_FEATURES)


def roc_auc(y: Any, score: Any, sample_weight: Any = None) -> float:
    """ROC AUC (Mann–Whitney, ties count one half); NaN when a class is absent.

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y_ = np.asarray(y, dtype=np.float64)
    s_ = np.asarray(score, dtype=np.float64)
    w = np.ones(len(y_)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return _SortedScores(y_, s_).auc(w)


class _SortedScores:
    """Scores sorted once, so the AUC of any row weights (bootstrap counts) is a cumulative sum."""

    def __init__(self, y: np.ndarray, score: np.ndarray) -> None:
        self.order = np.argsort(score, kind="mergesort")
        s = score[self.order]
        self.y = y[self.order]
        self.group = np.r_[0, np.cumsum(np.diff(s) != 0)] if len(s) else np.zeros(0, dtype=int)

    def auc(self, w: np.ndarray) -> float:
        w = w[self.order]
        pos, neg = w * self.y, w * (1.0 - self.y)
        n_pos, n_neg = pos.sum(), neg.sum()
        if n_pos <= 0 or n_neg <= 0:
            return float("nan")
        neg_by_group = np.bincount(self.group, weights=neg)
        pos_by_group = np.bincount(self.group, weights=pos)
        below = np.cumsum(neg_by_group) - neg_by_group  # negatives with a strictly lower score
        return float((pos_by_group * (below + 0.5 * neg_by_group)).sum() / (n_pos * n_neg))


def wilson_interval(successes: float, n: float) -> tuple[float, float]:
    """Wilson 95% interval of a proportion.

    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0:
        return float("nan"), float("nan")
    p, z2 = successes / n, Z_95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def calibration_bins(y: Any, prob: Any, bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Reliability bins: equal-width bins of the predicted probability, empty bins left out.

    >>> b = calibration_bins([0, 1, 1, 1], [0.05, 0.55, 0.95, 0.92], bins=2)
    >>> [(x.n, x.observed) for x in b]
    [(1, 0.0), (3, 1.0)]
    """
    y_, p_ = np.asarray(y, dtype=np.float64), np.asarray(prob, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.searchsorted(edges, p_, side="right") - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        mask = idx == b
        n = int(mask.sum())
        if n == 0:
            continue
        lo, hi = wilson_interval(float(y_[mask].sum()), n)
        out.append(CalibrationBin(float(edges[b]), float(edges[b + 1]), n, float(p_[mask].mean()),
                                  float(y_[mask].mean()), lo, hi))  # fmt: skip
    return tuple(out)


def stratified_folds(y: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """Fold number per row; each class is shuffled and dealt round-robin so folds keep the class balance."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=int)
    for cls in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == cls))
        fold[idx] = np.arange(len(idx)) % folds
    return fold


def _model(target: str) -> Any:
    from empathic.analyse.drivers import DriverModel

    return DriverModel(target=target, kind="logistic", standardize=True)


def analyse_propensity(
    X: Any,
    y: Any,
    feature_names: Sequence[str],
    *,
    target: str,
    target_rule: str = "",
    feature_kinds: Sequence[str] | None = None,
    folds: int = 5,
    n_boot: int = 1000,
    seed: int = 0,
    bins: int = 10,
) -> PropensityResult:
    """Cross-validated AUC with CI, calibration bins and standardised contributions (see the module docstring)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    names = [str(n) for n in feature_names]
    kinds = list(feature_kinds) if feature_kinds is not None else [
        "text" if n in TEXT_FEATURES else "emotion" for n in names
    ]  # fmt: skip
    if X.ndim != 2 or len(X) != len(y) or X.shape[1] != len(names):
        raise ValueError(f"X must be [n, {len(names)}] with one target per row. Got {X.shape} and {y.shape}.")
    if not (isinstance(folds, int) and folds >= 2):
        raise ValueError(f"The 'folds' parameter of analyse_propensity must be an int >= 2. Got {folds}.")
    positives = int(y.sum())
    minority = min(positives, len(y) - positives)
    base = dict(target=target, target_rule=target_rule or target, n=len(y), positives=positives,
                features=tuple(names), folds=folds, n_boot=n_boot, seed=seed)  # fmt: skip
    if not np.isin(y, (0.0, 1.0)).all() or minority < folds:
        return PropensityResult(auc=float("nan"), auc_ci=(float("nan"), float("nan")), brier=float("nan"),
                                calibration=(), effects=(), status="too_few_per_class", **base)  # fmt: skip
    fold = stratified_folds(y, folds, seed)
    oof = np.empty(len(y))
    try:
        for f in range(folds):
            test = fold == f
            oof[test] = _model(target).fit(X[~test], y[~test], names, kinds).predict(X[test])
        effects = tuple(_model(target).fit(X, y, names, kinds).effects_)
    except ValueError:  # collinear features even with the ridge: a coded status, not an exception mid-batch
        return PropensityResult(auc=float("nan"), auc_ci=(float("nan"), float("nan")), brier=float("nan"),
                                calibration=(), effects=(), status="fit_failed", **base)  # fmt: skip
    ranked = _SortedScores(y, oof)
    auc = ranked.auc(np.ones(len(y)))
    rng = np.random.default_rng(seed)
    classes = [np.flatnonzero(y == c) for c in (0.0, 1.0)]
    draws = np.empty(n_boot)
    for b in range(n_boot):
        w = np.zeros(len(y))
        for idx in classes:
            w[idx] = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)))
        draws[b] = ranked.auc(w)
    ci = tuple(float(q) for q in np.quantile(draws, [0.025, 0.975])) if n_boot else (float("nan"), float("nan"))
    return PropensityResult(
        auc=auc,
        auc_ci=ci,  # type: ignore[arg-type]
        brier=float(np.mean((oof - y) ** 2)),
        calibration=calibration_bins(y, oof, bins),
        effects=effects,
        **base,  # type: ignore[arg-type]
    )


# -- workspace --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRule:
    """How a document's 0/1 target is read: an attribute that holds 0/1, or ``field op number`` (``rating >= 4``).

    >>> TargetRule.parse("rating>=4").label, TargetRule.parse("Recommended IND").label
    ('rating >= 4', 'Recommended IND')
    """

    field: str
    op: str | None = None
    threshold: float | None = None

    @classmethod
    def parse(cls, spec: str) -> TargetRule:
        m = _RULE.match(spec)
        if m:
            return cls(m.group(1).strip(), m.group(2), float(m.group(3)))
        if not spec.strip():
            raise AnalysisError("The propensity target is empty.", hint="Use e.g. --target 'Recommended IND'.")
        return cls(spec.strip())

    @property
    def label(self) -> str:
        if self.op is None:
            return self.field
        number = int(self.threshold) if self.threshold is not None and self.threshold.is_integer() else self.threshold
        return f"{self.field} {self.op} {number}"

    def value(self, doc: Document) -> float | None:
        """The document's target (0.0 / 1.0), or None when it has no usable value."""
        raw: Any = doc.rating if self.field == "rating" else doc.attrs.get(self.field)
        if raw is None or raw == "":
            return None
        if self.op is None:
            text = str(raw).strip().lower()
            return 1.0 if text in _TRUE else 0.0 if text in _FALSE else None
        try:
            number = float(raw)
        except ValueError:
            return None
        return float(bool(_OPS[self.op](number, self.threshold)))


EMOTION_LEVELS = ("auto", "labels", "ekman")
EVENTS_PER_FEATURE = 10  # Peduzzi et al. 1996: at least ~10 of the rarer outcome per coefficient
