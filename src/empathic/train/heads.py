"""Logistic heads on frozen sentence embeddings: one independent logistic regression per label.

Follows scikit-learn conventions: ``__init__`` stores parameters, ``fit`` returns ``self``,
learned state ends in ``_``. Pure numpy (full-batch Adam on the L2-regularised log loss), so
training the ``minilm-heads`` backend needs no torch.

>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(200, 5)); y = (X[:, :2] > 0).astype(int)
>>> heads = LogisticHeads(max_iter=300).fit(X, y)
>>> float((heads.predict_proba(X).round() == y).mean()) > 0.95
True
"""

from __future__ import annotations

import numpy as np


class LogisticHeads:
    """Multi-label logistic regression ``p = sigmoid(X @ coef_ + intercept_)``."""

    def __init__(
        self,
        *,
        alpha: float = 1e-4,
        learning_rate: float = 0.05,
        max_iter: int = 400,
        positive_weight_cap: float = 1.0,
        tol: float = 1e-6,
    ) -> None:
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.positive_weight_cap = positive_weight_cap
        self.tol = tol

    def _validate(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.alpha < 0:
            raise ValueError(f"The 'alpha' parameter of LogisticHeads must be >= 0. Got {self.alpha}.")
        if self.max_iter < 1:
            raise ValueError(f"The 'max_iter' parameter of LogisticHeads must be an int >= 1. Got {self.max_iter}.")
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if X.ndim != 2 or y.ndim != 2 or len(X) != len(y):
            raise ValueError(f"X must be [n, d] and y [n, k] with the same n. Got {X.shape} and {y.shape}.")
        return X, y

    def fit(self, X: np.ndarray, y: np.ndarray) -> LogisticHeads:
        X, y = self._validate(X, y)
        n, d = X.shape
        k = y.shape[1]
        prevalence = np.clip(y.mean(axis=0), 1e-4, 1 - 1e-4)
        # optional up-weighting of rare positives, capped (1.0 = plain log loss)
        pos_w = np.minimum((1 - prevalence) / prevalence, self.positive_weight_cap)
        W = np.zeros((d, k))
        b = np.log(prevalence / (1 - prevalence))
        m_w, v_w, m_b, v_b = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        last = np.inf
        for t in range(1, self.max_iter + 1):
            p = 1.0 / (1.0 + np.exp(-(X @ W + b)))
            weight = np.where(y > 0, pos_w, 1.0)
            err = weight * (p - y) / n
            g_w = X.T @ err + self.alpha * W
            g_b = err.sum(axis=0)
            m_w = beta1 * m_w + (1 - beta1) * g_w
            v_w = beta2 * v_w + (1 - beta2) * g_w**2
            m_b = beta1 * m_b + (1 - beta1) * g_b
            v_b = beta2 * v_b + (1 - beta2) * g_b**2
            lr = self.learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
            W -= lr * m_w / (np.sqrt(v_w) + eps)
            b -= lr * m_b / (np.sqrt(v_b) + eps)
            loss = float(-(weight * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).mean())
            if abs(last - loss) < self.tol:
                break
            last = loss
        self.coef_ = W
        self.intercept_ = b
        self.n_iter_ = t
        self.loss_ = last
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_)))
