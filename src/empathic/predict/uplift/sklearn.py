"""The real uplift backends: meta-learners over scikit-learn histogram gradient boosting (extra ``predict``).

Importing this module imports scikit-learn, so the registry turns a missing install into
``BackendNotInstalledError`` with ``pip install 'empathic[predict]'``.

The booster is deliberately shallow (depth-2 trees, 100 rounds, learning rate 0.1, no early stopping):
uplift is a small difference of two probabilities and deep trees fit noise. These are the settings of the
scikit-uplift Hillstrom example (XGBoost, ``max_depth=2``), fixed before any evaluation. It runs on one
thread by default: the models are small, and OpenMP threads oversubscribed by other jobs on the same cores
were ~10x slower than one thread on the project's 2-core machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from empathic.predict.uplift.base import ClassTransformation, SoloModel, TwoModels


class ThreadLimited:
    """Fits and predicts ``estimator`` with at most ``threads`` native threads (None: the library's default)."""

    def __init__(self, estimator: Any, threads: int | None = 1) -> None:
        self.estimator = estimator
        self.threads = threads

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> ThreadLimited:
        with threadpool_limits(self.threads):
            self.estimator_ = self.estimator.fit(X, y, sample_weight=sample_weight)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        with threadpool_limits(self.threads):
            return self.estimator_.predict_proba(X)


def gbm_classifier(seed: int = 0, threads: int | None = 1) -> ThreadLimited:
    """The base classifier of the real uplift backends."""
    booster = HistGradientBoostingClassifier(
        max_depth=2, max_iter=100, learning_rate=0.1, early_stopping=False, random_state=seed
    )
    return ThreadLimited(booster, threads)


def two_model(seed: int = 0) -> TwoModels:
    """T-learner over two gradient-boosted classifiers."""
    return TwoModels(gbm_classifier, seed)


def class_transformation(seed: int = 0) -> ClassTransformation:
    """Class transformation over one gradient-boosted classifier."""
    return ClassTransformation(gbm_classifier, seed)


def solo_model(seed: int = 0) -> SoloModel:
    """S-learner: one gradient-boosted classifier with the treatment flag as a feature."""
    return SoloModel(gbm_classifier, seed)
