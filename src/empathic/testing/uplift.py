"""Conformance suite for uplift models (registry kind ``uplift_model``).

``check_uplift_model(factory)`` yields named checks of the scikit-learn conventions (``fit`` returns the model, learned
state ends in ``_``, one finite prediction per row, the same seed gives the same scores) and that the model
finds planted persuadables: on a randomised sample where only customers with ``x0 > 0.5`` react to the
treatment, the top 30% by predicted uplift must hold mostly such customers.

>>> from empathic.predict.uplift.logistic import two_model_logistic
>>> from empathic.testing import run_checks
>>> run_checks(check_uplift_model(two_model_logistic))[-1]
'beats_random_qini'
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from empathic.predict.uplift.base import UpliftModel
from empathic.predict.uplift.metrics import qini_auc_score
from empathic.testing.suite import NamedChecks, named


def planted_uplift(n: int = 6000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X, y, treatment, persuadable)``: outcome 0.2 for all, +0.4 when treated and ``x0 > 0.5``.

    ``x1`` raises the outcome in both arms alike (a "sure thing" signal that a response model would
    chase and an uplift model must ignore); ``x2`` is noise.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    t = rng.integers(0, 2, n).astype(np.float64)
    persuadable = X[:, 0] > 0.5
    p = 0.2 + 0.3 * (X[:, 1] > 0) + 0.4 * t * persuadable
    y = (rng.random(n) < np.clip(p, 0, 1)).astype(np.float64)
    return X, y, t, persuadable


def check_uplift_model(factory: Callable[..., Any]) -> NamedChecks:
    """Named checks for the backend made by ``factory(seed=...)`` (a class or function), fitted on
    :func:`planted_uplift` (4,000 rows) and scored on 2,000 held-out rows."""
    X, y, t, persuadable = planted_uplift()
    train, test = slice(0, 4000), slice(4000, None)

    @functools.cache
    def fitted() -> tuple[Any, np.ndarray]:
        model = factory(seed=0)
        assert isinstance(model, UpliftModel), f"{type(model).__name__} does not implement UpliftModel"
        assert not [k for k in vars(model) if k.endswith("_")], "learned state set before fit"
        assert model.fit(X[train], y[train], t[train]) is model, "fit must return self"
        return model, np.asarray(model.predict(X[test]))

    def sklearn_conventions() -> None:
        model, _ = fitted()
        assert [k for k in vars(model) if k.endswith("_")], "fit must set learned attributes ending in '_'"

    def one_finite_score_per_row() -> None:
        scores = fitted()[1]
        assert scores.shape == (len(y[test]),), f"predict gave shape {scores.shape} for {len(y[test])} rows"
        assert np.isfinite(scores).all(), "uplift scores must be finite"

    def reproducible_with_seed() -> None:
        again = factory(seed=0).fit(X[train], y[train], t[train]).predict(X[test])
        assert np.allclose(fitted()[1], again), "the same seed must give the same scores"

    def finds_persuadables() -> None:
        scores = fitted()[1]
        top = np.argsort(-scores)[: int(0.3 * len(scores))]
        share = float(persuadable[test][top].mean())
        assert share > 0.6, f"top 30% by predicted uplift holds {share:.0%} persuadables (base rate 31%)"

    def beats_random_qini() -> None:
        # the normalised Qini of even the true ranking is far below 1 (the "perfect" curve knows the outcomes)
        oracle = qini_auc_score(y[test], persuadable[test].astype(np.float64), t[test])
        qini = qini_auc_score(y[test], fitted()[1], t[test])
        assert qini > 0.7 * oracle, f"Qini {qini:.3f} is far below that of the true ranking ({oracle:.3f})"

    yield from named(
        sklearn_conventions, one_finite_score_per_row, reproducible_with_seed, finds_persuadables, beats_random_qini
    )
