"""Experiments and bandits: mergeable sufficient statistics, results, bandit state."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from empathic.types.core import _frozen_map

# -- experiments and bandits (issue 6) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricStats:
    """Sufficient statistics of one metric in one arm; merge partial aggregates with ``+``.

    ``pre_*`` and ``cross`` hold the pre-period covariate ``x`` of the same units (for CUPED):
    ``pre_n`` units had one, ``pre_sum = Σx``, ``pre_sum_sq = Σx²``, ``cross = Σ value·x``.

    >>> a, b = MetricStats.from_values([1.0, 2.0]), MetricStats.from_values([3.0])
    >>> a + b == MetricStats.from_values([1.0, 2.0, 3.0]), (a + b).mean, (a + b).variance
    (True, 2.0, 1.0)
    """

    n: int = 0
    sum: float = 0.0
    sum_sq: float = 0.0
    pre_n: int = 0
    pre_sum: float = 0.0
    pre_sum_sq: float = 0.0
    cross: float = 0.0

    def __add__(self, other: MetricStats) -> MetricStats:
        if not isinstance(other, MetricStats):
            return NotImplemented
        return MetricStats(
            self.n + other.n,
            self.sum + other.sum,
            self.sum_sq + other.sum_sq,
            self.pre_n + other.pre_n,
            self.pre_sum + other.pre_sum,
            self.pre_sum_sq + other.pre_sum_sq,
            self.cross + other.cross,
        )

    @classmethod
    def from_values(cls, values: Any, pre: Any = None) -> MetricStats:
        """Aggregate an array of values (and optionally the pre-period covariate of the same units)."""
        import numpy as np

        x = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float).ravel()
        if pre is None:
            return cls(int(x.size), float(x.sum()), float(np.dot(x, x)))
        p = np.asarray(pre if isinstance(pre, np.ndarray) else list(pre), dtype=float).ravel()
        return cls(
            int(x.size), float(x.sum()), float(np.dot(x, x)), int(p.size), float(p.sum()), float(np.dot(p, p)),
            float(np.dot(x, p)),
        )  # fmt: skip

    @property
    def mean(self) -> float:
        return self.sum / self.n if self.n > 0 else float("nan")

    @property
    def variance(self) -> float:
        """Sample variance (n - 1 denominator); NaN below two units."""
        if self.n < 2:
            return float("nan")
        # sum_sq - sum²/n cancels badly when the mean is large against the spread: clamp the tiny negatives
        return max((self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1), 0.0)

    @property
    def has_pre(self) -> bool:
        """Every unit has the pre-period covariate (CUPED needs that)."""
        return self.n > 0 and self.pre_n == self.n


class ResultStatus(enum.StrEnum):
    """Why a comparison has (or lacks) numbers. Stable names: reports filter on them."""

    OK = "ok"
    ZERO_VARIANCE = "zero_variance"  # the difference of means has zero standard error
    TOO_FEW_UNITS = "too_few_units"  # an arm has fewer than two units
    CONTROL = "control"  # the row of the control arm itself: no lift


_NAN2 = (float("nan"), float("nan"))


@dataclass(frozen=True, slots=True)
class VariantResult:
    """One arm of one metric against control.

    ``ci_*`` is the arm's own mean CI; lifts are vs control. ``cs_*`` is the always-valid (sequential)
    confidence sequence of the absolute lift, safe to look at after every new unit. ``p_value_adjusted``
    corrects for the number of variants (Holm or Benjamini–Hochberg, per metric). ``cuped`` says whether the
    lift was variance-reduced by a pre-period covariate; ``variance_reduction`` is then ``1 - var_cuped / var``.
    """

    variant: str
    metric: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    abs_lift: float = float("nan")
    abs_lift_ci: tuple[float, float] = _NAN2
    rel_lift: float = float("nan")
    rel_lift_ci: tuple[float, float] = _NAN2
    p_value: float = float("nan")
    p_value_adjusted: float = float("nan")
    chance_to_beat_control: float = float("nan")
    expected_loss: float = float("nan")
    cs_low: float = float("nan")
    cs_high: float = float("nan")
    cuped: bool = False
    variance_reduction: float = float("nan")
    status: ResultStatus = ResultStatus.OK

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else float(x)

        return {
            "variant": self.variant,
            "metric": self.metric,
            "n": self.n,
            "mean": num(self.mean),
            "ci": [num(self.ci_low), num(self.ci_high)],
            "abs_lift": num(self.abs_lift),
            "abs_lift_ci": [num(v) for v in self.abs_lift_ci],
            "rel_lift": num(self.rel_lift),
            "rel_lift_ci": [num(v) for v in self.rel_lift_ci],
            "p_value": num(self.p_value),
            "p_value_adjusted": num(self.p_value_adjusted),
            "chance_to_beat_control": num(self.chance_to_beat_control),
            "expected_loss": num(self.expected_loss),
            "sequential_cs": [num(self.cs_low), num(self.cs_high)],
            "cuped": self.cuped,
            "variance_reduction": num(self.variance_reduction),
            "status": self.status.value,
        }


@dataclass(frozen=True, slots=True)
class ExperimentSpec:
    """What an experiment stored in a workspace is: its control arm, metrics and planned traffic shares."""

    name: str
    control: str
    metrics: tuple[str, ...] = ()
    binary: tuple[str, ...] = ()  # metrics that are 0/1 (proportions)
    weights: Mapping[str, float] = field(default_factory=dict)  # planned share per arm; empty = equal

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", _frozen_map(self.weights))


@dataclass(frozen=True)
class ExperimentListing:
    """A stored experiment and its units per arm (the most units any metric of that arm has)."""

    spec: ExperimentSpec
    units: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _frozen_map(self.units))

    def to_dict(self) -> dict[str, Any]:
        s = self.spec
        return {
            "experiment": s.name,
            "control": s.control,
            "metrics": list(s.metrics),
            "binary": list(s.binary),
            "weights": dict(s.weights),
            "units": dict(self.units),
        }


@dataclass(frozen=True, slots=True)
class ExperimentObservation:
    """One unit's value of one metric (``pre`` is its pre-period covariate, for CUPED)."""

    unit_id: str
    variant: str
    metric: str
    value: float
    pre: float | None = None


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    """Readout of one experiment: every arm and metric, plus the sample-ratio-mismatch check.

    ``srm_ok`` is False when the arm sizes are so far from the planned shares (p < ``srm_threshold``)
    that the assignment itself is suspect and the lifts should not be trusted.
    """

    experiment: str
    control: str
    variants: tuple[str, ...]
    metrics: tuple[str, ...]
    results: tuple[VariantResult, ...]
    units: Mapping[str, int]
    srm_chi2: float
    srm_p_value: float
    srm_ok: bool
    alpha: float = 0.05
    correction: str = "holm"
    srm_threshold: float = 0.001

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _frozen_map(self.units))

    def result(self, variant: str, metric: str) -> VariantResult:
        """The row of one arm and metric."""
        for r in self.results:
            if r.variant == variant and r.metric == metric:
                return r
        raise KeyError((variant, metric))

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else float(x)

        return {
            "experiment": self.experiment,
            "control": self.control,
            "variants": list(self.variants),
            "metrics": list(self.metrics),
            "alpha": self.alpha,
            "correction": self.correction,
            "units": dict(self.units),
            "srm": {
                "chi2": num(self.srm_chi2),
                "p_value": num(self.srm_p_value),
                "ok": self.srm_ok,
                "threshold": self.srm_threshold,
            },
            "results": [r.to_dict() for r in self.results],
        }


class BanditKind(enum.StrEnum):
    """Reward model of a Thompson-sampling bandit."""

    BERNOULLI = "bernoulli"  # rewards 0/1: Beta(1, 1) prior
    GAUSSIAN = "gaussian"  # real rewards: Student-t posterior of the mean (Jeffreys prior)


@dataclass(frozen=True, slots=True)
class BanditState:
    """Rewards seen so far per arm of one bandit in one segment (``MetricStats``: n, sum, sum of squares)."""

    bandit: str
    segment: str
    kind: BanditKind
    arms: Mapping[str, MetricStats]

    def __post_init__(self) -> None:
        object.__setattr__(self, "arms", _frozen_map(self.arms))

    def to_dict(self) -> dict[str, Any]:
        return {
            "bandit": self.bandit,
            "segment": self.segment,
            "kind": self.kind.value,
            "arms": {a: {"n": s.n, "sum": s.sum, "mean": None if s.n == 0 else s.mean} for a, s in self.arms.items()},
        }


@dataclass(frozen=True, slots=True)
class BanditRecommendation:
    """The arm Thompson sampling picks now, and each arm's posterior chance of being the best."""

    bandit: str
    segment: str
    arm: str
    prob_best: Mapping[str, float]
    state: BanditState

    def __post_init__(self) -> None:
        object.__setattr__(self, "prob_best", _frozen_map(self.prob_best))

    def to_dict(self) -> dict[str, Any]:
        return {
            "bandit": self.bandit,
            "segment": self.segment,
            "arm": self.arm,
            "prob_best": dict(self.prob_best),
            "state": self.state.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """Offline replay (Li et al. 2011) of a policy on logged uniformly random events.

    ``matched`` events (where the policy chose the logged arm) are the unbiased sample of the policy's
    reward; ``mean_reward`` has a normal-approximation CI.
    """

    policy: str
    events: int
    matched: int
    mean_reward: float
    ci_low: float
    ci_high: float
    pulls: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pulls", _frozen_map(self.pulls))

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else float(x)

        return {
            "policy": self.policy,
            "events": self.events,
            "matched": self.matched,
            "mean_reward": num(self.mean_reward),
            "ci": [num(self.ci_low), num(self.ci_high)],
            "pulls": dict(self.pulls),
        }


@dataclass(frozen=True, slots=True)
class ExperimentIngestSummary:
    """What ``empathic experiment ingest`` stored: experiments touched, rows read, how they were kept.

    ``mode`` is ``units`` (unit rows, SQL aggregates them), ``aggregated`` (the file streamed into one
    mergeable part per arm and metric) or ``arms`` (one pre-aggregated row per arm in the file).
    """

    file: str
    experiments: tuple[str, ...]
    mode: str
    rows: int
    arms: Mapping[str, int] = field(default_factory=dict)  # variant -> units (first experiment)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "arms", _frozen_map(self.arms))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "experiments": list(self.experiments),
            "mode": self.mode,
            "rows": self.rows,
            "arms": dict(self.arms),
            "seconds": round(self.seconds, 3),
        }
