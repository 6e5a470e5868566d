"""The light uplift backends: meta-learners over a pure-numpy logistic regression (no extra needed).

>>> rng = np.random.default_rng(0); X = rng.normal(size=(4000, 2)); t = rng.integers(0, 2, 4000)
>>> y = (rng.random(4000) < 0.2 + 0.4 * t * (X[:, 0] > 0)).astype(int)  # only x0 > 0 responds
>>> u = two_model_logistic().fit(X, y, t).predict(X)
>>> bool(u[X[:, 0] > 1].mean() > u[X[:, 0] < -1].mean() + 0.2)
True
"""

from __future__ import annotations

import numpy as np

from empathic.predict.uplift.base import ClassTransformation, TwoModels


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


def logistic_classifier(seed: int = 0) -> LogisticRegression:
    """The base classifier of the light backends (deterministic: ``seed`` is unused)."""
    return LogisticRegression()


# registered in empathic.builtins
def two_model_logistic(seed: int = 0) -> TwoModels:
    """Two numpy logistic regressions (light)."""
    return TwoModels(logistic_classifier, seed)


def class_transformation_logistic(seed: int = 0) -> ClassTransformation:
    """Class transformation over a numpy logistic regression (light)."""
    return ClassTransformation(logistic_classifier, seed)
