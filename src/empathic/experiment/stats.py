"""A/B test inference on mergeable sufficient statistics. Pure functions, no I/O.

SQL or a distributed engine computes per-arm ``MetricStats`` (n, sum, sum of squares) that add with
``+``; everything here works from those records alone.

* Means: Welch's unequal-variance test with the **normal** approximation (z instead of Student t,
  accurate for the large arms of online experiments; use it with care below ~30 units per arm).
* Proportions (``binary=True``): two-proportion z test, pooled variance for the p-value and
  unpooled (Wald) variance for the confidence intervals.
* Relative lift ``mean_t / mean_c - 1``: delta-method CI.
* Bayesian: Beta(1, 1)-binomial posteriors compared by seeded Monte Carlo for proportions, normal
  approximation of the difference for means. ``expected_loss`` is the expected absolute shortfall
  ``E[max(mean_c - mean_t, 0)]`` of shipping the treatment.
* Numerical trouble never raises: ``status`` says ``too_few_units`` (an arm with n < 2) or
  ``zero_variance`` (the difference has zero standard error); the numbers are then NaN.

>>> control, treatment = MetricStats.from_values([0] * 800 + [1] * 200), MetricStats(1000, 250.0, 250.0)
>>> r = compare(control, treatment, binary=True, variant="B", metric="conversion")
>>> r.status.value, round(r.abs_lift, 3), round(r.p_value, 4), r.abs_lift_ci[0] > 0
('ok', 0.05, 0.0074, True)
>>> srm_check({"A": 5000, "B": 5100}, {"A": 0.5, "B": 0.5})[1] > 0.05
True
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

NAN = float("nan")

# records (to move into empathic.types) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricStats:
    """Sufficient statistics of one metric in one arm; merge partial aggregates with ``+``.

    >>> a, b = MetricStats.from_values([1.0, 2.0]), MetricStats.from_values([3.0])
    >>> a + b == MetricStats.from_values([1.0, 2.0, 3.0]), (a + b).mean, (a + b).variance
    (True, 2.0, 1.0)
    """

    n: int = 0
    sum: float = 0.0
    sum_sq: float = 0.0

    def __add__(self, other: MetricStats) -> MetricStats:
        if not isinstance(other, MetricStats):
            return NotImplemented
        return MetricStats(self.n + other.n, self.sum + other.sum, self.sum_sq + other.sum_sq)

    @classmethod
    def from_values(cls, values: Iterable[float]) -> MetricStats:
        x = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float).ravel()
        return cls(int(x.size), float(x.sum()), float(np.dot(x, x)))

    @property
    def mean(self) -> float:
        return self.sum / self.n if self.n > 0 else NAN

    @property
    def variance(self) -> float:
        """Sample variance (n - 1 denominator); NaN below two units."""
        if self.n < 2:
            return NAN
        # sum_sq - sum²/n cancels badly when the mean is large against the spread: clamp the tiny negatives
        return max((self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1), 0.0)


class ResultStatus(enum.StrEnum):
    """Why a comparison has (or lacks) numbers. Stable names: reports filter on them."""

    OK = "ok"
    ZERO_VARIANCE = "zero_variance"  # the difference of means has zero standard error
    TOO_FEW_UNITS = "too_few_units"  # an arm has fewer than two units
    CONTROL = "control"  # the row of the control arm itself: no lift


@dataclass(frozen=True, slots=True)
class VariantResult:
    """One arm of one metric against control. ``ci_*`` is the arm's own mean CI; lifts are vs control."""

    variant: str
    metric: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    abs_lift: float = NAN
    abs_lift_ci: tuple[float, float] = (NAN, NAN)
    rel_lift: float = NAN
    rel_lift_ci: tuple[float, float] = (NAN, NAN)
    p_value: float = NAN
    chance_to_beat_control: float = NAN
    expected_loss: float = NAN
    status: ResultStatus = ResultStatus.OK


# distributions (math only) -------------------------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """Standard normal CDF, via ``erfc`` so the far tails keep their precision.

    >>> round(normal_cdf(1.959964), 6)
    0.975
    """
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def normal_ppf(p: float) -> float:
    """Inverse of :func:`normal_cdf` by bisection (exact to ~1e-12, cheap for the few calls made here).

    >>> round(normal_ppf(0.975), 4)
    1.96
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"normal_ppf needs a probability strictly between 0 and 1. Got {p!r}.")
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if normal_cdf(mid) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return 0.5 * (lo + hi)


def gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma ``Q(a, x)`` (Numerical Recipes: series below ``a + 1``, else a
    Lentz continued fraction).

    >>> round(gamma_q(1.0, 2.0), 12) == round(math.exp(-2.0), 12)
    True
    """
    if a <= 0.0 or x < 0.0:
        raise ValueError(f"gamma_q needs a > 0 and x >= 0. Got a={a!r}, x={x!r}.")
    if x == 0.0:
        return 1.0
    log_prefix = -x + a * math.log(x) - math.lgamma(a)
    eps, tiny = 1e-15, 1e-300
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * eps:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return min(1.0, math.exp(log_prefix) * h)


def chi2_sf(x: float, df: int) -> float:
    """Upper tail of the chi-square distribution: ``P(X >= x)``.

    >>> round(chi2_sf(3.841459, 1), 4), round(chi2_sf(5.991465, 2), 4)
    (0.05, 0.05)
    """
    return gamma_q(df / 2.0, x / 2.0) if x > 0 else 1.0


# inference -----------------------------------------------------------------------------------------------


def _moments(s: MetricStats, binary: bool) -> tuple[float, float]:
    """Mean and variance of one unit: p(1 - p) for proportions (as the z tests use), else the sample variance."""
    m = s.mean
    return m, (m * (1.0 - m) if binary else s.variance)


def _mean_ci(s: MetricStats, binary: bool, z: float) -> tuple[float, float]:
    m, v = _moments(s, binary)
    if s.n < 2:
        return NAN, NAN
    half = z * math.sqrt(v / s.n)
    return m - half, m + half


def control_result(
    control: MetricStats, *, binary: bool, metric: str = "", variant: str = "control", alpha: float = 0.05
) -> VariantResult:
    """The control arm's own row (its mean and CI, no lift), so a report table has every arm.

    >>> control_result(MetricStats(100, 10.0, 10.0), binary=True).status
    <ResultStatus.CONTROL: 'control'>
    """
    lo, hi = _mean_ci(control, binary, normal_ppf(1.0 - alpha / 2.0))
    return VariantResult(variant, metric, control.n, control.mean, lo, hi, status=ResultStatus.CONTROL)


def compare(
    control: MetricStats,
    treatment: MetricStats,
    *,
    binary: bool,
    alpha: float = 0.05,
    variant: str = "treatment",
    metric: str = "",
    seed: int = 0,
    draws: int = 100_000,
) -> VariantResult:
    """Treatment against control: lifts with ``1 - alpha`` CIs, two-sided p-value and Bayesian summaries.

    Means use Welch's standard error with the normal approximation (not Student t). For ``binary``
    metrics ``sum`` is the count of successes. ``seed``/``draws`` drive the Beta Monte Carlo, so the
    same inputs always give the same result.

    >>> c, t = MetricStats(50, 500.0, 5098.0), MetricStats(60, 660.0, 7389.8)  # means 10 and 11, var 2 and 2.2
    >>> r = compare(c, t, binary=False)
    >>> round(r.abs_lift, 6), round(r.rel_lift, 6), r.p_value < 0.001, r.chance_to_beat_control > 0.99
    (1.0, 0.1, True, True)
    >>> compare(MetricStats(1, 3.0, 9.0), t, binary=False).status
    <ResultStatus.TOO_FEW_UNITS: 'too_few_units'>
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"The 'alpha' parameter of compare must be a float in (0, 1). Got {alpha!r}.")
    z = normal_ppf(1.0 - alpha / 2.0)
    lo, hi = _mean_ci(treatment, binary, z)
    head = (variant, metric, treatment.n, treatment.mean, lo, hi)
    if control.n < 2 or treatment.n < 2:
        return VariantResult(*head, status=ResultStatus.TOO_FEW_UNITS)

    mc, vc = _moments(control, binary)
    mt, vt = _moments(treatment, binary)
    se = math.sqrt(vc / control.n + vt / treatment.n)
    if not se > 0.0:
        return VariantResult(*head, status=ResultStatus.ZERO_VARIANCE)

    diff = mt - mc
    if binary:
        pooled = (control.sum + treatment.sum) / (control.n + treatment.n)
        se_test = math.sqrt(pooled * (1.0 - pooled) * (1.0 / control.n + 1.0 / treatment.n))
    else:
        se_test = se
    p_value = 2.0 * normal_cdf(-abs(diff) / se_test)

    rel, rel_ci = NAN, (NAN, NAN)
    if mc != 0.0:
        rel = mt / mc - 1.0
        # delta method for g(mc, mt) = mt / mc: gradient (-mt / mc², 1 / mc), arms independent
        rel_se = math.sqrt(vt / treatment.n / mc**2 + mt**2 * vc / control.n / mc**4)
        rel_ci = (rel - z * rel_se, rel + z * rel_se)

    if binary:
        rng = np.random.default_rng(seed)
        pc = rng.beta(1.0 + control.sum, 1.0 + control.n - control.sum, draws)
        pt = rng.beta(1.0 + treatment.sum, 1.0 + treatment.n - treatment.sum, draws)
        chance = float(np.mean(pt > pc))
        loss = float(np.mean(np.maximum(pc - pt, 0.0)))
    else:
        # D ~ N(diff, se²): P(D > 0) and E[max(-D, 0)] in closed form
        zd = diff / se
        chance = normal_cdf(zd)
        loss = se * normal_pdf(zd) - diff * normal_cdf(-zd)

    return VariantResult(
        *head,
        abs_lift=diff,
        abs_lift_ci=(diff - z * se, diff + z * se),
        rel_lift=rel,
        rel_lift_ci=rel_ci,
        p_value=p_value,
        chance_to_beat_control=chance,
        expected_loss=loss,
        status=ResultStatus.OK,
    )


def srm_check(counts: Mapping[str, int], expected: Mapping[str, float]) -> tuple[float, float]:
    """Sample-ratio mismatch: Pearson chi-square of observed arm sizes against expected shares.

    ``expected`` holds weights per arm (normalised here). Returns ``(chi2, p_value)``; a small p-value
    means the assignment is broken and the experiment's results should not be trusted. With no units at
    all the answer is ``(nan, nan)``.

    >>> chi2, p = srm_check({"A": 21588, "B": 21306, "C": 21306}, {"A": 1, "B": 1, "C": 1})
    >>> round(chi2, 3), round(p, 3)
    (2.477, 0.29)
    """
    if set(counts) != set(expected) or len(counts) < 2:
        raise ValueError(
            f"srm_check needs the same two or more arms in 'counts' and 'expected'. "
            f"Got counts={sorted(counts)}, expected={sorted(expected)}."
        )
    weight = sum(expected.values())
    total = sum(counts.values())
    if total <= 0 or weight <= 0 or any(w <= 0 for w in expected.values()):
        return NAN, NAN
    chi2 = 0.0
    for arm, observed in counts.items():
        e = total * expected[arm] / weight
        chi2 += (observed - e) ** 2 / e
    return chi2, chi2_sf(chi2, len(counts) - 1)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the input order (NaN stays NaN and does not count).

    >>> holm([0.01, 0.04, 0.03, 0.005])
    [0.03, 0.06, 0.06, 0.02]
    """
    idx = sorted((i for i, p in enumerate(p_values) if not math.isnan(p)), key=lambda i: p_values[i])
    m = len(idx)
    out = [NAN] * len(p_values)
    running = 0.0
    for rank, i in enumerate(idx):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out
