"""Predict: uplift, purchase propensity and pre-test results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from empathic.types.core import _frozen_map
from empathic.types.voc import DriverEffect

# -- predict: uplift and purchase propensity (issue 6) ---------------------------------------------------------------


def _float(x: object) -> float:
    """A stored number back as a float (None, for NaN, as NaN)."""
    return float("nan") if x is None else float(x)  # type: ignore[arg-type]


def _effect(target: str, e: Mapping[str, Any]) -> DriverEffect:
    numbers = (_float(e.get(f)) for f in ("coef", "ci_low", "ci_high", "p_value"))
    return DriverEffect(target, str(e["feature"]), *numbers, int(e["n"]), str(e.get("kind", "emotion")))


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

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Estimate:
        return cls(_float(data.get("value")), _float(data.get("ci_low")), _float(data.get("ci_high")))


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

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> UpliftEvaluation:
        return cls(
            method=str(data["method"]),
            qini=Estimate.from_payload(data["qini"]),
            auuc=Estimate.from_payload(data["auuc"]),
            uplift_at={str(k): Estimate.from_payload(v) for k, v in dict(data.get("uplift_at", {})).items()},
            curve={str(k): tuple(float(x) for x in v) for k, v in dict(data.get("curve", {})).items()},
            fit_seconds=_float(data.get("fit_seconds")),
            status=str(data.get("status", "ok")),
        )


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

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> UpliftResult:
        """The result stored by ``empathic uplift -w`` (results kind ``uplift``; :meth:`to_dict` is its payload).

        >>> e = Estimate(0.1, 0.05, 0.15)
        >>> r = UpliftResult("visit", "arm", "mail", "none", ("x",), 10, 10, 0.2, 0.1, e,
        ...                  (UpliftEvaluation("two-model", e, e, {"10%": e}, {"share": (0.5, 1.0)}, 0.25),))
        >>> UpliftResult.from_payload(r.to_dict()) == r
        True
        """
        return cls(
            outcome=str(data["outcome"]),
            treatment_col=str(data["treatment_col"]),
            treatment=str(data["treatment"]),
            control=str(data["control"]),
            features=tuple(data.get("features", ())),
            n_train=int(data["n_train"]),
            n_test=int(data["n_test"]),
            treated_rate=_float(data.get("treated_rate")),
            control_rate=_float(data.get("control_rate")),
            ate=Estimate.from_payload(data["ate"]),
            methods=tuple(UpliftEvaluation.from_payload(m) for m in data.get("methods", ())),
            split=str(data.get("split", "")),
            n_boot=int(data.get("n_boot", 0)),
            seed=int(data.get("seed", 0)),
            status=str(data.get("status", "ok")),
            excluded=tuple(data.get("excluded", ())),
        )


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

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> CalibrationBin:
        return cls(
            *(_float(data.get(f)) for f in ("lo", "hi")),
            int(data["n"]),
            *(_float(data.get(f)) for f in ("mean_predicted", "observed", "ci_low", "ci_high")),
        )


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

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> PropensityResult:
        """The result stored by ``empathic propensity`` (results kind ``propensity``; :meth:`to_dict` is its payload).

        >>> r = PropensityResult("rating >= 4", "rating >= 4", 100, 60, ("joy",), 0.7, (0.6, 0.8), 0.2,
        ...                      (CalibrationBin(0.0, 0.1, 5, 0.05, 0.0, 0.0, 0.4),),
        ...                      (DriverEffect("rating >= 4", "joy", 0.5, 0.2, 0.8, 0.01, 100),), 5, 100)
        >>> PropensityResult.from_payload(r.to_dict()) == r
        True
        """
        target = str(data["target"])
        auc_ci = data.get("auc_ci") or (None, None)
        return cls(
            target=target,
            target_rule=str(data.get("target_rule") or target),
            n=int(data["n"]),
            positives=int(data["positives"]),
            features=tuple(data.get("features", ())),
            auc=_float(data.get("auc")),
            auc_ci=(_float(auc_ci[0]), _float(auc_ci[1])),
            brier=_float(data.get("brier")),
            calibration=tuple(CalibrationBin.from_payload(b) for b in data.get("calibration", ())),
            effects=tuple(_effect(target, e) for e in data.get("effects", ())),
            folds=int(data["folds"]),
            n_boot=int(data["n_boot"]),
            seed=int(data.get("seed", 0)),
            status=str(data.get("status", "ok")),
        )


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
