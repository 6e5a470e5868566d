"""Uplift models: who changes their behaviour because they were treated (e-mailed, shown an ad)?

An :class:`UpliftModel` learns from a randomised experiment — features ``X``, outcome ``y`` (0/1) and
``treatment`` (1 treated, 0 control) — and predicts each row's uplift, the treated-minus-control
probability of the outcome. Approaches (meta-learners over any probabilistic classifier):

* :class:`TwoModels` (T-learner): one classifier per arm; uplift ``p_t(x) - p_c(x)``.
* :class:`ClassTransformation` (Jaskowski & Jaroszewicz 2012): one classifier of ``z = y·t + (1-y)(1-t)``;
  uplift ``2·P(z=1|x) - 1``. The identity needs equal arm sizes, so the arms are reweighted to equal total
  weight (``0.5/p`` and ``0.5/(1-p)``) instead of assuming a 50/50 split.
* :class:`SoloModel` (S-learner): one classifier on ``[X, t]``; uplift ``f(x, 1) - f(x, 0)``.

Base classifiers: ``"logistic"`` (:class:`LogisticRegression` here, pure numpy: the light backends) or
``"gbm"`` (scikit-learn histogram gradient boosting, in :mod:`.uplift_sklearn`: the real backends, extra
``predict``). Backends are registered by name under the registry kind ``uplift_model``.

>>> rng = np.random.default_rng(0); X = rng.normal(size=(4000, 2)); t = rng.integers(0, 2, 4000)
>>> y = (rng.random(4000) < 0.2 + 0.4 * t * (X[:, 0] > 0)).astype(int)  # only x0 > 0 responds
>>> u = TwoModels("logistic").fit(X, y, t).predict(X)
>>> bool(u[X[:, 0] > 1].mean() > u[X[:, 0] < -1].mean() + 0.2)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

BASES = ("logistic", "gbm")


@runtime_checkable
class UpliftModel(Protocol):
    """Learns individual uplift from a randomised experiment (scikit-learn conventions)."""

    def fit(self, X: np.ndarray, y: np.ndarray, treatment: np.ndarray) -> UpliftModel: ...

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted uplift per row: treated minus control probability of the outcome."""
        ...


def _sigmoid(eta: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * eta))


class LogisticRegression:
    """L2-penalised logistic regression by Newton steps on standardised features (pure numpy).

    ``alpha`` is the ridge on the standardised coefficients (the intercept is not penalised).
    Learned: ``mean_``, ``scale_``, ``coef_``, ``intercept_``, ``n_iter_``.

    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> p = LogisticRegression(alpha=0.1).fit(X, y).predict_proba(X)[:, 1]
    >>> bool(p[0] < 0.5 < p[3])
    True
    """

    def __init__(self, alpha: float = 1.0, max_iter: int = 50, tol: float = 1e-8) -> None:
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LogisticRegression:
        if not (isinstance(self.alpha, int | float) and self.alpha >= 0):
            raise ValueError(f"The 'alpha' parameter of LogisticRegression must be >= 0. Got {self.alpha}.")
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.mean_ = np.average(X, axis=0, weights=w) if len(X) else np.zeros(X.shape[1])
        sd = np.sqrt(np.average((X - self.mean_) ** 2, axis=0, weights=w)) if len(X) else np.ones(X.shape[1])
        self.scale_ = np.where(sd > 0, sd, 1.0)
        Z = np.column_stack([np.ones(len(X)), (X - self.mean_) / self.scale_])
        penalty = np.full(Z.shape[1], float(self.alpha))
        penalty[0] = 1e-8
        beta = np.zeros(Z.shape[1])
        prevalence = float(np.clip(np.average(y, weights=w), 1e-6, 1 - 1e-6))
        beta[0] = np.log(prevalence / (1.0 - prevalence))
        self.n_iter_ = 0
        for it in range(1, self.max_iter + 1):
            mu = _sigmoid(Z @ beta)
            grad = Z.T @ (w * (y - mu)) - penalty * beta
            # einsum, not ``Z.T @ Z``: multithreaded BLAS gemm is ~100x slower on a busy 2-core machine
            H = np.einsum("ij,ik->jk", Z * (w * np.maximum(mu * (1 - mu), 1e-12))[:, None], Z) + np.diag(penalty)
            step = np.linalg.solve(H, grad)
            beta = beta + step
            self.n_iter_ = it
            if float(np.max(np.abs(step))) < self.tol:
                break
        self.intercept_ = float(beta[0])
        self.coef_ = beta[1:]
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        eta = self.intercept_ + ((np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_) @ self.coef_
        p = _sigmoid(eta)
        return np.column_stack([1.0 - p, p])


def make_classifier(base: str, seed: int = 0) -> Any:
    """A fresh probabilistic classifier: ``"logistic"`` (numpy) or ``"gbm"`` (scikit-learn, extra ``predict``)."""
    if base == "logistic":
        return LogisticRegression()
    if base == "gbm":
        from empathic.predict.uplift_sklearn import gbm_classifier

        return gbm_classifier(seed)
    raise ValueError(f"The base classifier must be one of {BASES}. Got {base!r}.")


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
    def __init__(self, base: str = "logistic", seed: int = 0) -> None:
        self.base = base
        self.seed = seed

    def _new(self) -> Any:
        return make_classifier(self.base, self.seed)


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


# light backends (registered in empathic.builtins); the gbm ones live in .uplift_sklearn
def two_model_logistic(seed: int = 0) -> TwoModels:
    """Two numpy logistic regressions (light)."""
    return TwoModels("logistic", seed)


def class_transformation_logistic(seed: int = 0) -> ClassTransformation:
    """Class transformation over a numpy logistic regression (light)."""
    return ClassTransformation("logistic", seed)


UpliftFactory = Callable[..., UpliftModel]
