"""Predict: uplift, purchase propensity and pre-test results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from empathic.types.core import _frozen_map
from empathic.types.voc import DriverEffect

# -- predict: uplift and purchase propensity (issue 6) ---------------------------------------------------------------


def _num6(x: float) -> float | None:
    return None if x != x else round(float(x), 6)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its 95% interval (NaN where it cannot be computed)."""

    value: float
    ci_low: float = float("nan")
    ci_high: float = float("nan")

    def to_dict(self) -> dict[str, float | None]:
        return {"value": _num6(self.value), "ci_low": _num6(self.ci_low), "ci_high": _num6(self.ci_high)}


@dataclass(frozen=True, slots=True)
class UpliftEvaluation:
    """One uplift method scored on held-out rows (see :mod:`empathic.predict.uplift.metrics`).

    ``qini`` and ``auuc`` are normalised areas (0 = random targeting, 1 = perfect); ``uplift_at`` maps a
    targeted share (``"10%"``) to the treated-minus-control outcome rate among the top-scored rows.
    ``curve`` holds down-sampled points: ``share`` targeted, ``qini`` (incremental responders) and
    ``uplift`` (curve values). ``status`` is ``ok`` or a code such as ``empty_arm_in_top_k``.
    """

    method: str
    qini: Estimate
    auuc: Estimate
    uplift_at: Mapping[str, Estimate]
    curve: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    fit_seconds: float = float("nan")
    status: str = "ok"

    def __post_init__(self) -> None:
        object.__setattr__(self, "uplift_at", _frozen_map(self.uplift_at))
        object.__setattr__(self, "curve", _frozen_map(self.curve))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "qini": self.qini.to_dict(),
            "auuc": self.auuc.to_dict(),
            "uplift_at": {k: v.to_dict() for k, v in self.uplift_at.items()},
            "curve": {k: [round(float(x), 6) for x in v] for k, v in self.curve.items()},
            "fit_seconds": _num6(self.fit_seconds),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class UpliftResult:
    """Uplift methods compared on one randomised treatment/control contrast and outcome."""

    outcome: str
    treatment_col: str
    treatment: str  # the treated value ("any other value" when the arm was not named)
    control: str
    features: tuple[str, ...]
    n_train: int
    n_test: int
    treated_rate: float  # outcome rate of the treated test rows
    control_rate: float
    ate: Estimate  # treated minus control rate on the test rows (normal-approximation CI)
    methods: tuple[UpliftEvaluation, ...]
    split: str = ""
    n_boot: int = 0
    seed: int = 0
    status: str = "ok"
    excluded: tuple[str, ...] = ()  # columns left out of the features as outcome-like (see predict.uplift_eval)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "treatment_col": self.treatment_col,
            "treatment": self.treatment,
            "control": self.control,
            "features": list(self.features),
            "n_train": self.n_train,
            "n_test": self.n_test,
            "treated_rate": _num6(self.treated_rate),
            "control_rate": _num6(self.control_rate),
            "ate": self.ate.to_dict(),
            "methods": [m.to_dict() for m in self.methods],
            "split": self.split,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "status": self.status,
            "excluded": list(self.excluded),
        }


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One reliability bin: predicted probabilities in ``[lo, hi)``, their mean and the observed rate."""

    lo: float
    hi: float
    n: int
    mean_predicted: float
    observed: float
    ci_low: float = float("nan")  # Wilson 95% interval of the observed rate
    ci_high: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "lo": _num6(self.lo),
            "hi": _num6(self.hi),
            "n": self.n,
            "mean_predicted": _num6(self.mean_predicted),
            "observed": _num6(self.observed),
            "ci_low": _num6(self.ci_low),
            "ci_high": _num6(self.ci_high),
        }


@dataclass(frozen=True, slots=True)
class PropensityResult:
    """Purchase (recommendation) propensity from emotional response: discrimination, calibration, drivers.

    ``auc`` is measured on out-of-fold predictions of ``folds``-fold stratified cross-validation with a
    bootstrap CI; ``effects`` are standardised logistic coefficients (log odds per 1 SD) of a fit on all
    rows, with Wald 95% CIs. ``target_rule`` says how the 0/1 target was made (e.g. ``rating >= 4``).
    """

    target: str
    target_rule: str
    n: int
    positives: int
    features: tuple[str, ...]
    auc: float
    auc_ci: tuple[float, float]
    brier: float
    calibration: tuple[CalibrationBin, ...]
    effects: tuple[DriverEffect, ...]
    folds: int
    n_boot: int
    seed: int = 0
    status: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_rule": self.target_rule,
            "n": self.n,
            "positives": self.positives,
            "features": list(self.features),
            "auc": _num6(self.auc),
            "auc_ci": [_num6(self.auc_ci[0]), _num6(self.auc_ci[1])],
            "brier": _num6(self.brier),
            "calibration": [b.to_dict() for b in self.calibration],
            "effects": [
                {
                    "feature": e.feature,
                    "kind": e.kind,
                    "coef": _num6(e.coef),
                    "ci_low": _num6(e.ci_low),
                    "ci_high": _num6(e.ci_high),
                    "p_value": _num6(e.p_value),
                    "n": e.n,
                }
                for e in self.effects
            ],
            "folds": self.folds,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class PretestDriver:
    """One reason behind a pre-test score: a feature's part of the utility (log-odds, vs an average headline).

    ``value`` is the text's raw feature value where it has one (a count, a probability);
    ``detail`` names the strongest n-grams for the ``wording`` driver.
    """

    feature: str
    label: str
    contribution: float
    value: float | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PretestScore:
    """A ranked variant: utility ``score`` (log-odds of out-clicking an average training headline)."""

    text: str
    rank: int
    score: float
    p_beats_average: float
    p_beats_best: float  # P(this variant out-clicks the top-ranked one); 0.5 for the top one
    drivers: tuple[PretestDriver, ...] = ()
    features: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", _frozen_map(self.features))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "text": self.text,
            "score": round(self.score, 4),
            "p_beats_average": round(self.p_beats_average, 4),
            "p_beats_best": round(self.p_beats_best, 4),
            "drivers": [
                {
                    "feature": d.feature,
                    "label": d.label,
                    "contribution": round(d.contribution, 4),
                    "value": d.value,
                    "detail": d.detail,
                }
                for d in self.drivers
            ],
            "features": dict(self.features),
        }


@dataclass(frozen=True, slots=True)
class PretestEvaluation:
    """Pairwise accuracy of a pre-test model on the significant headline pairs of an Upworthy-format file."""

    pairs: int
    tests: int
    pairwise_accuracy: float
    ci_low: float
    ci_high: float
    model: str
    all_pairs: int = 0
    flagged_pairs: int = 0  # significant pairs from the weeks flagged for randomisation problems
    accuracy_unflagged: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "tests": self.tests,
            "pairwise_accuracy": _num6(self.pairwise_accuracy),  # None when there is no significant pair
            "ci95": [_num6(self.ci_low), _num6(self.ci_high)],
            "model": self.model,
            "all_pairs": self.all_pairs,
            "flagged_pairs": self.flagged_pairs,
            "pairwise_accuracy_unflagged": self.accuracy_unflagged,
        }
