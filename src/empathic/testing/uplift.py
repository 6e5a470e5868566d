"""Conformance suite for uplift models (registry kind ``uplift_model``).

``check_uplift_model(factory)`` checks the scikit-learn conventions (``fit`` returns the model, learned
state ends in ``_``, one finite prediction per row, the same seed gives the same scores) and that the model
finds planted persuadables: on a randomised sample where only customers with ``x0 > 0.5`` react to the
treatment, the top 30% by predicted uplift must hold mostly such customers.

>>> from empathic.predict.uplift.logistic import two_model_logistic
>>> check_uplift_model(two_model_logistic)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from empathic.predict.uplift.base import UpliftModel
from empathic.predict.uplift.metrics import qini_auc_score


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


def check_uplift_model(factory: Callable[..., Any]) -> None:
    """Raise ``AssertionError`` when the backend made by ``factory(seed=...)`` breaks the contract."""
    X, y, t, persuadable = planted_uplift()
    train, test = slice(0, 4000), slice(4000, None)
    model = factory(seed=0)
    assert isinstance(model, UpliftModel), f"{type(model).__name__} does not implement UpliftModel"
    assert not [k for k in vars(model) if k.endswith("_")], "learned state set before fit"
    fitted = model.fit(X[train], y[train], t[train])
    assert fitted is model, "fit must return self"
    assert [k for k in vars(model) if k.endswith("_")], "fit must set learned attributes ending in '_'"
    scores = model.predict(X[test])
    assert scores.shape == (len(y[test]),) and np.isfinite(scores).all(), "one finite uplift per row"
    again = factory(seed=0).fit(X[train], y[train], t[train]).predict(X[test])
    assert np.allclose(scores, again), "the same seed must give the same scores"
    top = np.argsort(-scores)[: int(0.3 * len(scores))]
    share = float(persuadable[test][top].mean())
    assert share > 0.6, f"top 30% by predicted uplift holds {share:.0%} persuadables (base rate 31%)"
    # the normalised Qini of even the true ranking is far below 1 (the "perfect" curve knows the outcomes)
    oracle = qini_auc_score(y[test], persuadable[test].astype(np.float64), t[test])
    qini = qini_auc_score(y[test], scores, t[test])
    assert qini > 0.7 * oracle, f"Qini {qini:.3f} is far below that of the true ranking ({oracle:.3f})"
