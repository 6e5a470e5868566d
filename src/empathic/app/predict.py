"""Predict use cases: purchase propensity from stored emotions, and storing uplift results, in a workspace.

The models and their statistics are the pure :mod:`empathic.predict` modules; these read the store,
call them, and store the results by name (results kinds ``propensity`` and ``uplift``) for the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from empathic.app.stored import read_stored
from empathic.app.voc import customer_documents
from empathic.errors import AnalysisError
from empathic.predict.propensity import (
    EMOTION_LEVELS,
    EVENTS_PER_FEATURE,
    TEXT_FEATURES,
    TargetRule,
    analyse_propensity,
    text_features,
)
from empathic.predict.uplift_eval import DEFAULT_METHODS, result_name, uplift_from_file

__all__ = [
    "DEFAULT_METHODS",
    "UpliftParams",
    "propensity",
    "save_uplift",
    "stored_propensity",
    "stored_uplift",
    "uplift",
]
from empathic.store import Store
from empathic.types import PropensityResult, UpliftResult


def propensity(
    store: Store,
    *,
    target: str,
    emotions: str = "auto",
    folds: int = 5,
    n_boot: int = 1000,
    seed: int = 0,
    save: bool = True,
) -> PropensityResult:
    """Propensity of ``target`` from the stored emotion scores and text features of the customer documents.

    ``emotions``: ``labels`` (the 28 GoEmotions probabilities), ``ekman`` (the 6 Ekman groups; neutral is the
    reference) or ``auto``: labels when the rarer class has at least 10 documents per feature, else Ekman
    groups — fewer coefficients where the data cannot support 34. The rating is never a feature. With
    ``save`` the result is stored under results kind ``propensity``, name = the target's label, next to
    earlier results for other targets.
    """
    from empathic.analyse.emotion.taxonomy import EKMAN, LABELS

    if emotions not in EMOTION_LEVELS:
        raise AnalysisError(f"Unknown emotion feature level {emotions!r}.", hint=f"Use one of {EMOTION_LEVELS}.")
    rule = TargetRule.parse(target)
    docs = [d for d in customer_documents(store) if rule.value(d) is not None]
    ids = [d.doc_id or 0 for d in docs]
    if emotions == "auto":
        y_all = np.array([rule.value(d) for d in docs], dtype=np.float64)
        minority = min(int(y_all.sum()), len(y_all) - int(y_all.sum()))
        wide = minority >= EVENTS_PER_FEATURE * (len(LABELS) + len(TEXT_FEATURES))
        emotions = "labels" if wide else "ekman"
    names = list(LABELS) if emotions == "labels" else [f"ekman:{g}" for g in EKMAN if g != "neutral"]
    matrix = store.score_matrix("emotion", names, ids) if ids else np.zeros((0, len(names)))
    scored = ~np.isnan(matrix).any(axis=1)
    docs = [d for d, ok in zip(docs, scored, strict=True) if ok]
    y = np.array([rule.value(d) for d in docs], dtype=np.float64)
    positives = int(y.sum())
    if len(docs) < 30 or min(positives, len(docs) - positives) < max(folds, 5):
        raise AnalysisError(
            f"{len(docs)} analysed customer documents have a value for {rule.label!r} ({positives} positive); "
            f"at least 30, with {max(folds, 5)} of each class, are needed.",
            hint="Run `empathic analyze` first, and name a 0/1 attribute (--target 'Recommended IND') "
            "or a rule (--target 'rating >= 4').",
        )
    tx, tx_names = text_features([d.text for d in docs])
    X = np.column_stack([matrix[scored], tx])
    result = analyse_propensity(
        X, y, [*names, *tx_names], target=rule.label, target_rule=rule.label, folds=folds, n_boot=n_boot, seed=seed
    )
    if save:
        items = dict(store.results("propensity"))
        items[rule.label] = result.to_dict()
        store.save_results("propensity", items)
    return result


def save_uplift(store: Store, result: UpliftResult) -> str:
    """Store ``result`` as a named result of kind ``uplift`` (others of that kind are kept); returns the name."""
    items = dict(store.results("uplift"))
    name = result_name(result)
    items[name] = result.to_dict()
    store.save_results("uplift", items)
    return name


@dataclass(frozen=True)
class UpliftParams:
    """One randomised contrast of a table file: ``outcome`` (0/1 or numeric) by ``treatment_col`` arms."""

    outcome: str
    treatment_col: str
    control: str
    treatment: str | None = None  # None: the one other arm
    features: tuple[str, ...] | None = None  # None: every other column that is not outcome-like
    methods: tuple[str, ...] = DEFAULT_METHODS
    test_size: float = 0.5
    seed: int = 42
    n_boot: int = 1000


def uplift(path: str | Path, params: UpliftParams, store: Store | None = None) -> tuple[UpliftResult, str | None]:
    """Uplift models compared on a held-out split of ``path``; with ``store`` also stored for the report.

    Returns the result and the name it was stored under (None without a store).
    """
    result = uplift_from_file(
        path,
        outcome=params.outcome,
        treatment_col=params.treatment_col,
        control=params.control,
        treatment=params.treatment,
        features=params.features,
        methods=params.methods,
        test_size=params.test_size,
        seed=params.seed,
        n_boot=params.n_boot,
    )
    return result, None if store is None else save_uplift(store, result)


def stored_propensity(store: Store) -> dict[str, PropensityResult]:
    """The propensity results stored by ``empathic propensity``, by target label."""
    return {
        name: read_stored("propensity", name, p, PropensityResult.from_payload, "empathic propensity --target …")
        for name, p in sorted(store.results("propensity").items())
    }


def stored_uplift(store: Store) -> dict[str, UpliftResult]:
    """The uplift results stored by ``empathic uplift -w``, by name (``outcome: treatment vs control``)."""
    return {
        name: read_stored("uplift", name, p, UpliftResult.from_payload, "empathic uplift -w DIR …")
        for name, p in sorted(store.results("uplift").items())
    }
