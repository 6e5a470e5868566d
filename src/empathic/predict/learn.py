"""Pairwise (Bradley–Terry) logistic regression on feature differences, fitted by Newton's method.

Each headline gets a linear utility ``s(x) = w · x``; the chance that headline ``a`` out-clicks
headline ``b`` is ``sigmoid(s(a) - s(b))``. Fitting uses the difference of the two feature rows,
a weight per pair (pairs with stronger evidence count more) and an L2 penalty. No intercept: the
model is symmetric, swapping the pair flips the prediction.

>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(400, 3)); true = np.array([2.0, -1.0, 0.0])
>>> a, b = rng.integers(0, 400, 600), rng.integers(0, 400, 600)
>>> y = (x[a] @ true - x[b] @ true + rng.logistic(size=600) > 0).astype(float)
>>> m = PairwiseLogistic(alpha=1.0).fit(x[a] - x[b], y)
>>> np.round(m.coef_ / np.abs(m.coef_).max(), 1).tolist()
[1.0, -0.5, 0.0]
"""

from __future__ import annotations

import numpy as np


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class PairwiseLogistic:
    """L2-penalised logistic regression without intercept, for pairwise preference data.

    ``alpha`` is the penalty on the weighted sum of log-losses (weights normalised to mean 1).
    """

    def __init__(self, alpha: float = 1.0, max_iter: int = 50, tol: float = 1e-8) -> None:
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, diff: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> PairwiseLogistic:
        if not (isinstance(self.alpha, int | float) and self.alpha > 0):
            raise ValueError(f"The 'alpha' parameter of PairwiseLogistic must be a float > 0. Got {self.alpha!r}.")
        x = np.asarray(diff, dtype=np.float64)
        t = np.asarray(y, dtype=np.float64)
        w = np.ones(len(t)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        w = w / w.mean()
        # symmetrise: every pair seen in both orders, so the solution is exactly antisymmetric
        x = np.vstack([x, -x])
        t = np.concatenate([t, 1.0 - t])
        w = np.concatenate([w, w]) / 2.0
        d = x.shape[1]
        coef = np.zeros(d)
        self.n_iter_ = 0
        for it in range(self.max_iter):
            p = _sigmoid(x @ coef)
            grad = x.T @ (w * (p - t)) + self.alpha * coef
            hess = (x * (w * p * (1 - p))[:, None]).T @ x + self.alpha * np.eye(d)
            step = np.linalg.solve(hess, grad)
            coef -= step
            self.n_iter_ = it + 1
            if float(np.abs(step).max()) < self.tol:
                break
        self.coef_ = coef
        return self

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        """The utility ``w · x`` of each row (headline)."""
        return np.asarray(x, dtype=np.float64) @ self.coef_

    def predict_proba(self, diff: np.ndarray) -> np.ndarray:
        """P(first headline of the pair out-clicks the second), from feature differences."""
        return _sigmoid(self.decision_function(diff))
