"""Uplift models, the base: the protocol and the meta-learners over any probabilistic classifier.

Who changes their behaviour because they were treated (e-mailed, shown an ad)?

An :class:`UpliftModel` learns from a randomised experiment — features ``X``, outcome ``y`` (0/1) and
``treatment`` (1 treated, 0 control) — and predicts each row's uplift, the treated-minus-control
probability of the outcome. Approaches (meta-learners over a classifier factory ``base(seed)``):

* :class:`TwoModels` (T-learner): one classifier per arm; uplift ``p_t(x) - p_c(x)``.
* :class:`ClassTransformation` (Jaskowski & Jaroszewicz 2012): one classifier of ``z = y·t + (1-y)(1-t)``;
  uplift ``2·P(z=1|x) - 1``. The identity needs equal arm sizes, so the arms are reweighted to equal total
  weight (``0.5/p`` and ``0.5/(1-p)``) instead of assuming a 50/50 split.
* :class:`SoloModel` (S-learner): one classifier on ``[X, t]``; uplift ``f(x, 1) - f(x, 0)``.

Backends (registry kind ``uplift_model``), one module per base classifier: :mod:`.logistic` (pure numpy
logistic regression: the light backends) and :mod:`.sklearn` (scikit-learn histogram gradient boosting: the
real backends, extra ``predict``). The meta-learners here import neither.

>>> class Prevalence:  # a classifier that ignores X: every row gets the training rate
...     def fit(self, X, y, sample_weight=None):
...         self.p_ = float(np.average(y, weights=sample_weight)); return self
...     def predict_proba(self, X):
...         return np.tile([1 - self.p_, self.p_], (len(X), 1))
>>> X = np.zeros((8, 1)); t = np.array([1, 1, 1, 1, 0, 0, 0, 0]); y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
>>> TwoModels(lambda seed: Prevalence()).fit(X, y, t).predict(X[:1]).round(2).tolist()
[0.5]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

ClassifierFactory = Callable[[int], Any]
"""``seed -> classifier`` with ``fit(X, y, sample_weight=None)`` and ``predict_proba(X)`` (scikit-learn style)."""


@runtime_checkable
class UpliftModel(Protocol):
    """Learns individual uplift from a randomised experiment (scikit-learn conventions)."""

    def fit(self, X: np.ndarray, y: np.ndarray, treatment: np.ndarray) -> UpliftModel: ...

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted uplift per row: treated minus control probability of the outcome."""
        ...


def _check(X: np.ndarray, y: np.ndarray, treatment: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    t = np.asarray(treatment, dtype=np.float64).ravel()
    if X.ndim != 2 or not (len(X) == len(y) == len(t)):
        raise ValueError(f"X must be [n, d] with one y and treatment per row. Got {X.shape}, {y.shape}, {t.shape}.")
    if not (np.isin(y, (0.0, 1.0)).all() and np.isin(t, (0.0, 1.0)).all()):
        raise ValueError("The outcome y and the treatment must hold only 0 and 1.")
    for arm, name in ((1.0, "treated"), (0.0, "control")):
        ys = y[t == arm]
        if len(ys) < 2 or ys.min() == ys.max():
            raise ValueError(f"The {name} rows need both outcomes (0 and 1) to fit an uplift model.")
    return X, y, t


def _proba(model: Any, X: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict_proba(X))[:, 1]


class _Meta:
    def __init__(self, base: ClassifierFactory, seed: int = 0) -> None:
        self.base = base
        self.seed = seed

    def _new(self) -> Any:
        return self.base(self.seed)


class TwoModels(_Meta):
    """T-learner: separate classifiers for the treated and the control rows. Learned: ``model_t_``, ``model_c_``."""

    def fit(self, X: np.ndarray, y: np.ndarray, treatment: np.ndarray) -> TwoModels:
        X, y, t = _check(X, y, treatment)
        self.model_t_ = self._new().fit(X[t == 1], y[t == 1])
        self.model_c_ = self._new().fit(X[t == 0], y[t == 0])
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return _proba(self.model_t_, X) - _proba(self.model_c_, X)


class ClassTransformation(_Meta):
    """One classifier of ``z = y·t + (1-y)(1-t)``, arms reweighted to equal weight.

    Learned: ``model_``, ``p_treated_``.
    """

    def fit(self, X: np.ndarray, y: np.ndarray, treatment: np.ndarray) -> ClassTransformation:
        X, y, t = _check(X, y, treatment)
        self.p_treated_ = float(t.mean())
        z = y * t + (1.0 - y) * (1.0 - t)
        weight = np.where(t == 1, 0.5 / self.p_treated_, 0.5 / (1.0 - self.p_treated_))
        self.model_ = self._new().fit(X, z, sample_weight=weight)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return 2.0 * _proba(self.model_, X) - 1.0


class SoloModel(_Meta):
    """S-learner: one classifier with the treatment flag as a feature. Learned: ``model_``."""

    def fit(self, X: np.ndarray, y: np.ndarray, treatment: np.ndarray) -> SoloModel:
        X, y, t = _check(X, y, treatment)
        self.model_ = self._new().fit(np.column_stack([X, t]), y)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        ones, zeros = np.ones(len(X)), np.zeros(len(X))
        return _proba(self.model_, np.column_stack([X, ones])) - _proba(self.model_, np.column_stack([X, zeros]))


UpliftFactory = Callable[..., UpliftModel]
