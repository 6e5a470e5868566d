"""Key drivers: which features (emotions, themes) move a target (rating, recommendation). Pure numpy.

:class:`DriverModel` regresses one target on a few features and reports each feature's effect
with a 95% confidence interval as :class:`~empathic.types.DriverEffect` records.

* **linear** (a rating): OLS with an intercept; standard errors heteroskedasticity-robust (HC3,
  MacKinnon & White 1985) by default, ``cov_type="classical"`` for the textbook ``s²(X'X)⁻¹``.
* **logistic** (a 0/1 like ``Recommended IND``): maximum likelihood by IRLS (Newton) with a tiny
  ridge so that perfectly separating features give large finite coefficients instead of diverging;
  Wald standard errors from the inverse Fisher information. Coefficients are log odds ratios.
* ``kind="auto"`` picks logistic when the target holds only 0 and 1, else linear.
* ``standardize=True`` z-scores the continuous features (sample SD), so a coefficient is the
  change in the target (or in its log odds) **per 1 SD** of the feature, comparable across
  features. Indicator features (only 0 and 1, e.g. theme membership) are left as they are: their
  coefficient is the difference between members and non-members.
* CIs are ``coef ± 1.96·se`` and p-values two-sided from the normal distribution (``math.erfc``).
  Driver analyses run on hundreds to thousands of documents, where the t and normal quantiles
  differ in the third decimal; with small ``n`` the intervals are slightly too narrow.
* Constant columns are dropped and listed in ``skipped_``; rows with a non-finite value are
  dropped (``n_`` counts the rows used). Collinear features raise a ``ValueError`` naming them.

>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(500, 2)); y = 3.0 + 0.5 * X[:, 0] + rng.normal(size=500)
>>> model = DriverModel("rating").fit(X, y, ["joy", "anger"])
>>> [(e.feature, round(e.coef, 1), e.ci_low > 0) for e in model.effects_]
[('joy', 0.5, True), ('anger', -0.0, False)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from empathic.types import DriverEffect

Z_95 = 1.959963984540054  # two-sided 95% normal quantile
_KINDS = ("auto", "linear", "logistic")
_COV_TYPES = ("hc3", "classical")
_LOGISTIC_RIDGE = 1e-6  # always added for logistic fits: keeps separated features finite


def normal_p_value(z: float) -> float:
    """Two-sided p-value of a standard normal statistic.

    >>> round(normal_p_value(1.959963984540054), 3)
    0.05
    """
    return math.erfc(abs(z) / math.sqrt(2.0)) if math.isfinite(z) else float("nan")


def _sigmoid(eta: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * eta))  # overflow-free logistic


class DriverModel:
    """Regression of one target on features, reported as effects with 95% CIs (see the module docstring).

    Learned: ``kind_``, ``feature_names_``/``feature_kinds_`` (features kept), ``coef_``, ``se_``,
    ``cov_`` (intercept first), ``intercept_`` (on the fitted scale: continuous features at their
    mean), ``center_``/``scale_``, ``n_``, ``skipped_``, ``support_`` (mask of the columns kept),
    ``n_iter_``/``converged_`` (logistic) and ``effects_`` (sorted by ``|coef|``, largest first).
    """

    def __init__(
        self,
        target: str,
        kind: str = "auto",
        standardize: bool = True,
        ridge: float = 0.0,
        max_iter: int = 100,
        *,
        cov_type: str = "hc3",
        tol: float = 1e-10,
    ) -> None:
        self.target = target
        self.kind = kind
        self.standardize = standardize
        self.ridge = ridge
        self.max_iter = max_iter
        self.cov_type = cov_type
        self.tol = tol

    def _validate_params(self) -> None:
        name = type(self).__name__
        if self.kind not in _KINDS:
            raise ValueError(f"The 'kind' parameter of {name} must be one of {_KINDS}. Got {self.kind!r}.")
        if self.cov_type not in _COV_TYPES:
            raise ValueError(f"The 'cov_type' parameter of {name} must be one of {_COV_TYPES}. Got {self.cov_type!r}.")
        if not (isinstance(self.ridge, int | float) and self.ridge >= 0):
            raise ValueError(f"The 'ridge' parameter of {name} must be >= 0. Got {self.ridge}.")
        if not (isinstance(self.max_iter, int) and self.max_iter >= 1):
            raise ValueError(f"The 'max_iter' parameter of {name} must be an int >= 1. Got {self.max_iter}.")

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        feature_names: Sequence[str],
        feature_kinds: Sequence[str] | None = None,
    ) -> DriverModel:
        """Fit on ``X`` ``[n, d]`` and ``y`` ``[n]``; ``feature_kinds`` (default "emotion") labels the effects."""
        self._validate_params()
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        names = [str(f) for f in feature_names]
        kinds = ["emotion"] * len(names) if feature_kinds is None else [str(k) for k in feature_kinds]
        if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
            raise ValueError(f"X must be [n, d] and y [n] with the same n. Got {X.shape} and {y.shape}.")
        if len(names) != X.shape[1] or len(kinds) != X.shape[1]:
            raise ValueError(
                f"feature_names ({len(names)}) and feature_kinds ({len(kinds)}) must name the "
                f"{X.shape[1]} columns of X."
            )
        rows = np.isfinite(X).all(axis=1) & np.isfinite(y)
        X, y = X[rows], y[rows]
        keep = np.ptp(X, axis=0) > 0 if len(X) else np.zeros(X.shape[1], dtype=bool)
        self.skipped_ = [n for n, k in zip(names, keep, strict=True) if not k]
        self.feature_names_ = [n for n, k in zip(names, keep, strict=True) if k]
        self.feature_kinds_ = [t for t, k in zip(kinds, keep, strict=True) if k]
        self.support_ = keep
        X = X[:, keep]
        binary = np.all((X == 0) | (X == 1), axis=0)
        self.center_ = np.where(binary | (not self.standardize), 0.0, X.mean(axis=0) if len(X) else 0.0)
        sd = X.std(axis=0, ddof=1) if len(X) > 1 else np.ones(X.shape[1])
        self.scale_ = np.where(binary | (not self.standardize), 1.0, sd)
        Z = np.column_stack([np.ones(len(X)), (X - self.center_) / self.scale_])
        n, p = Z.shape
        if n <= p:
            raise ValueError(f"{type(self).__name__} needs more rows than coefficients: {n} rows for {p} coefficients.")
        classes = np.unique(y)
        is_binary = len(classes) <= 2 and set(classes.tolist()) <= {0.0, 1.0}
        self.kind_ = ("logistic" if is_binary else "linear") if self.kind == "auto" else self.kind
        if self.kind_ == "logistic" and not (is_binary and len(classes) == 2):
            raise ValueError(
                f"A logistic driver model needs a 0/1 target with both values; "
                f"{self.target!r} has values {classes[:5].tolist()}."
            )
        penalty = np.full(p, float(self.ridge))
        penalty[0] = 0.0  # the intercept is never shrunk
        if self.kind_ == "logistic":
            penalty[1:] += _LOGISTIC_RIDGE * n
            beta, cov = self._fit_logistic(Z, y, penalty)
        else:
            beta, cov = self._fit_linear(Z, y, penalty)
        self.n_ = n
        self.intercept_ = float(beta[0])
        self.coef_ = beta[1:]
        self.cov_ = cov
        self.se_ = np.sqrt(np.maximum(np.diag(cov)[1:], 0.0))
        self.effects_ = self._effects()
        return self

    def _solve(self, A: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``A⁻¹ b`` for the symmetric normal-equation matrix, with a clear error when it is singular."""
        scale = np.sqrt(np.maximum(np.diag(A), 1e-300))
        As = A / np.outer(scale, scale)  # equilibrate so the rank test does not depend on feature units
        w, v = np.linalg.eigh(As)
        if w[0] <= 1e-10 * max(w[-1], 1e-300):
            null = v[:, 0]
            labels = ["intercept", *self.feature_names_]
            involved = [labels[i] for i in np.flatnonzero(np.abs(null) > 1e-3)]
            raise ValueError(
                f"X'X is singular for target {self.target!r}: the features {involved} are collinear "
                "(one is a linear combination of the others). Drop one of them, or pass ridge > 0."
            )
        d = scale[:, None] if b.ndim == 2 else scale
        return np.linalg.solve(As, b / d) / d

    def _fit_linear(self, Z: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, p = Z.shape
        A = Z.T @ Z + np.diag(penalty)
        A_inv = self._solve(A, np.eye(p))
        beta = A_inv @ (Z.T @ y)
        resid = y - Z @ beta
        if self.cov_type == "classical":
            cov = float(resid @ resid) / (n - p) * A_inv
        else:
            # HC3: squared residuals inflated by 1/(1-h)², h the leverage of each row
            h = np.einsum("ij,jk,ik->i", Z, A_inv, Z)
            one_minus_h = 1.0 - h
            w = np.where(one_minus_h > 1e-12, resid**2 / np.maximum(one_minus_h, 1e-12) ** 2, 0.0)
            meat = (Z * w[:, None]).T @ Z
            cov = A_inv @ meat @ A_inv
        return beta, cov

    def _fit_logistic(self, Z: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = Z.shape[1]
        beta = np.zeros(p)
        prevalence = float(y.mean())
        beta[0] = math.log(prevalence / (1.0 - prevalence))

        def objective(b: np.ndarray) -> float:  # penalised negative log-likelihood
            eta = Z @ b
            return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * np.sum(penalty * b**2))

        current = objective(beta)
        self.converged_ = False
        for it in range(1, self.max_iter + 1):
            mu = _sigmoid(Z @ beta)
            w = np.maximum(mu * (1.0 - mu), 1e-12)
            grad = Z.T @ (y - mu) - penalty * beta
            H = (Z * w[:, None]).T @ Z + np.diag(penalty)
            step = self._solve(H, grad)
            t = 1.0
            while True:  # step halving keeps every Newton step a descent step
                candidate = beta + t * step
                value = objective(candidate)
                if value <= current + 1e-12 or t < 1e-8:
                    break
                t *= 0.5
            beta, delta, current = candidate, current - value, value
            self.n_iter_ = it
            if float(np.max(np.abs(t * step))) < 1e-8 or abs(delta) < self.tol * (1.0 + abs(current)):
                self.converged_ = True
                break
        mu = _sigmoid(Z @ beta)
        w = np.maximum(mu * (1.0 - mu), 1e-12)
        cov = self._solve((Z * w[:, None]).T @ Z + np.diag(penalty), np.eye(p))
        return beta, cov

    def _effects(self) -> list[DriverEffect]:
        effects = []
        for name, kind, coef, se in zip(self.feature_names_, self.feature_kinds_, self.coef_, self.se_, strict=True):
            coef, se = float(coef), float(se)
            effects.append(
                DriverEffect(
                    target=self.target,
                    feature=name,
                    coef=coef,
                    ci_low=coef - Z_95 * se,
                    ci_high=coef + Z_95 * se,
                    p_value=normal_p_value(coef / se) if se > 0 else (0.0 if coef else 1.0),
                    n=self.n_,
                    kind=kind,
                )
            )
        return sorted(effects, key=lambda e: (-abs(e.coef), e.feature))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Expected target (linear) or probability of 1 (logistic) for rows with the columns given to ``fit``."""
        X = np.asarray(X, dtype=np.float64)[:, self.support_]
        eta = self.intercept_ + ((X - self.center_) / self.scale_) @ self.coef_
        return _sigmoid(eta) if self.kind_ == "logistic" else eta
