"""A/B test inference on mergeable sufficient statistics. Pure functions, no I/O; the maths is SciPy's.

SQL (or a file streamed in chunks) computes per-arm :class:`~empathic.types.MetricStats` (n, sum, sum of
squares, and the pre-period cross-products for CUPED) that add with ``+``; everything here works from
those records alone.

* Means: Welch's unequal-variance t test (Welch–Satterthwaite degrees of freedom, ``scipy.stats.t``).
* Proportions (``binary=True``): two-proportion z test, pooled variance for the p-value and unpooled
  (Wald) variance for the confidence intervals (``scipy.stats.norm``).
* CUPED (Deng et al. 2013): with a pre-period covariate ``x`` for every unit, each arm's mean is adjusted to
  ``ȳ - θ (x̄ - x̄_all)`` with one ``θ`` pooled within arms; its variance is
  ``var(y) + θ² var(x) - 2θ cov(x, y)``, so the same tests run on the adjusted moments.
* Relative lift ``mean_t / mean_c - 1``: delta-method CI.
* Bayesian: Beta(1, 1)-binomial posteriors compared by seeded Monte Carlo for proportions, the normal
  approximation of the difference (flat prior) for means. ``expected_loss`` is the expected shortfall
  ``E[max(mean_c - mean_t, 0)]`` of shipping the treatment.
* Numerical trouble never raises: ``status`` says ``too_few_units`` (an arm with n < 2) or
  ``zero_variance`` (the difference has zero standard error); the numbers are then NaN.

>>> from empathic.types import MetricStats
>>> control, treatment = MetricStats.from_values([0] * 800 + [1] * 200), MetricStats(1000, 250.0, 250.0)
>>> r = compare(control, treatment, binary=True, variant="B", metric="conversion")
>>> r.status.value, round(r.abs_lift, 3), round(r.p_value, 4), r.abs_lift_ci[0] > 0
('ok', 0.05, 0.0074, True)
>>> srm_check({"A": 5000, "B": 5100}, {"A": 0.5, "B": 0.5})[1] > 0.05
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import stats as sps

from empathic.experiment.sequential import normal_mixture_cs
from empathic.types import MetricStats, ResultStatus, VariantResult

NAN = float("nan")


def _moments(s: MetricStats, binary: bool) -> tuple[float, float]:
    """Mean and variance of one unit: p(1 - p) for proportions (as the z tests use), else the sample variance."""
    m = s.mean
    return m, (m * (1.0 - m) if binary else s.variance)


def cuped_theta(arms: Iterable[MetricStats]) -> float:
    """The CUPED slope ``θ = cov(x, y) / var(x)``, pooled within arms; NaN without a usable covariate.

    >>> a = MetricStats.from_values([1.0, 2.0, 3.0], pre=[1.0, 2.0, 3.0])
    >>> b = MetricStats.from_values([3.0, 5.0, 7.0], pre=[0.0, 1.0, 2.0])
    >>> cuped_theta([a, b])
    1.5
    """
    sxx = sxy = 0.0
    for s in arms:
        if not s.has_pre:
            return NAN
        sxx += s.pre_sum_sq - s.pre_sum**2 / s.n
        sxy += s.cross - s.sum * s.pre_sum / s.n
    return sxy / sxx if sxx > 0 else NAN


def cuped_moments(s: MetricStats, theta: float, pre_mean: float) -> tuple[float, float]:
    """Adjusted mean ``ȳ - θ (x̄ - pre_mean)`` and per-unit variance ``var(y) + θ² var(x) - 2θ cov(x, y)``.

    >>> cuped_moments(MetricStats.from_values([1.0, 2.0, 3.0], pre=[1.0, 2.0, 3.0]), 1.0, 1.0)
    (1.0, 0.0)
    """
    if s.n < 2:
        return s.mean, NAN
    var_x = (s.pre_sum_sq - s.pre_sum**2 / s.n) / (s.n - 1)
    cov = (s.cross - s.sum * s.pre_sum / s.n) / (s.n - 1)
    var = s.variance + theta * theta * var_x - 2.0 * theta * cov
    return s.mean - theta * (s.pre_sum / s.n - pre_mean), max(var, 0.0)


def _mean_ci(s: MetricStats, binary: bool, alpha: float) -> tuple[float, float]:
    if s.n < 2:
        return NAN, NAN
    m, v = _moments(s, binary)
    q = sps.norm.ppf(1.0 - alpha / 2.0) if binary else sps.t.ppf(1.0 - alpha / 2.0, s.n - 1)
    half = q * math.sqrt(v / s.n)
    return m - half, m + half


def control_result(
    control: MetricStats, *, binary: bool, metric: str = "", variant: str = "control", alpha: float = 0.05
) -> VariantResult:
    """The control arm's own row (its mean and CI, no lift), so a report table has every arm.

    >>> control_result(MetricStats(100, 10.0, 10.0), binary=True).status
    <ResultStatus.CONTROL: 'control'>
    """
    lo, hi = _mean_ci(control, binary, alpha)
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
    theta: float | None = None,
    pre_mean: float = NAN,
    sequential_tuning: float = 10_000.0,
) -> VariantResult:
    """Treatment against control: lifts with ``1 - alpha`` CIs, two-sided p-value, Bayesian summaries and
    an always-valid confidence sequence of the absolute lift (see :mod:`empathic.experiment.sequential`).

    For ``binary`` metrics ``sum`` is the count of successes. ``theta`` (with ``pre_mean``, the covariate's
    mean over all arms) switches on CUPED. ``seed``/``draws`` drive the Beta Monte Carlo, so the same inputs
    always give the same result.

    >>> c, t = MetricStats(50, 500.0, 5098.0), MetricStats(60, 660.0, 7389.8)  # means 10 and 11, var 2 and 2.2
    >>> r = compare(c, t, binary=False)
    >>> round(r.abs_lift, 6), round(r.rel_lift, 6), r.p_value < 0.001, r.chance_to_beat_control > 0.99
    (1.0, 0.1, True, True)
    >>> compare(MetricStats(1, 3.0, 9.0), t, binary=False).status
    <ResultStatus.TOO_FEW_UNITS: 'too_few_units'>
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"The 'alpha' parameter of compare must be a float in (0, 1). Got {alpha!r}.")
    lo, hi = _mean_ci(treatment, binary, alpha)
    head = (variant, metric, treatment.n, treatment.mean, lo, hi)
    if control.n < 2 or treatment.n < 2:
        return VariantResult(*head, status=ResultStatus.TOO_FEW_UNITS)

    use_cuped = theta is not None and math.isfinite(theta) and control.has_pre and treatment.has_pre
    mc, vc = _moments(control, binary)
    mt, vt = _moments(treatment, binary)
    reduction = NAN
    if use_cuped:
        assert theta is not None
        # the adjusted moments use the sample variance, also for 0/1 metrics (the covariate is not 0/1)
        mc, vc = cuped_moments(control, theta, pre_mean)
        mt, vt = cuped_moments(treatment, theta, pre_mean)
        plain = control.variance / control.n + treatment.variance / treatment.n
        reduction = 1.0 - (vc / control.n + vt / treatment.n) / plain if plain > 0 else NAN
    se = math.sqrt(vc / control.n + vt / treatment.n)
    if not se > 0.0:
        return VariantResult(*head, status=ResultStatus.ZERO_VARIANCE)

    diff = mt - mc
    if binary:
        q = float(sps.norm.ppf(1.0 - alpha / 2.0))
        if use_cuped:
            se_test = se
        else:
            pooled = (control.sum + treatment.sum) / (control.n + treatment.n)
            se_test = math.sqrt(pooled * (1.0 - pooled) * (1.0 / control.n + 1.0 / treatment.n))
        p_value = float(2.0 * sps.norm.sf(abs(diff) / se_test)) if se_test > 0 else NAN
    else:
        a, b = vc / control.n, vt / treatment.n
        df = (a + b) ** 2 / (a * a / (control.n - 1) + b * b / (treatment.n - 1))  # Welch–Satterthwaite
        q = float(sps.t.ppf(1.0 - alpha / 2.0, df))
        p_value = float(2.0 * sps.t.sf(abs(diff) / se, df))

    rel, rel_ci = NAN, (NAN, NAN)
    if mc != 0.0:
        rel = mt / mc - 1.0
        # delta method for g(mc, mt) = mt / mc: gradient (-mt / mc², 1 / mc), arms independent
        rel_se = math.sqrt(vt / treatment.n / mc**2 + mt**2 * vc / control.n / mc**4)
        rel_ci = (rel - q * rel_se, rel + q * rel_se)

    if binary and not use_cuped:
        rng = np.random.default_rng(seed)
        pc = rng.beta(1.0 + control.sum, 1.0 + control.n - control.sum, draws)
        pt = rng.beta(1.0 + treatment.sum, 1.0 + treatment.n - treatment.sum, draws)
        chance = float(np.mean(pt > pc))
        loss = float(np.mean(np.maximum(pc - pt, 0.0)))
    else:
        # D ~ N(diff, se²): P(D > 0) and E[max(-D, 0)] in closed form
        zd = diff / se
        chance = float(sps.norm.cdf(zd))
        loss = float(se * sps.norm.pdf(zd) - diff * sps.norm.cdf(-zd))

    cs = normal_mixture_cs(diff, se, control.n + treatment.n, alpha=alpha, tuning=sequential_tuning)
    return VariantResult(
        *head,
        abs_lift=diff,
        abs_lift_ci=(diff - q * se, diff + q * se),
        rel_lift=rel,
        rel_lift_ci=rel_ci,
        p_value=p_value,
        chance_to_beat_control=chance,
        expected_loss=loss,
        cs_low=cs[0],
        cs_high=cs[1],
        cuped=use_cuped,
        variance_reduction=reduction,
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
    arms = sorted(counts)
    weight = sum(expected.values())
    total = sum(counts.values())
    if total <= 0 or weight <= 0 or any(w <= 0 for w in expected.values()):
        return NAN, NAN
    observed = np.array([counts[a] for a in arms], dtype=float)
    exp = np.array([total * expected[a] / weight for a in arms])
    res = sps.chisquare(observed, exp)
    return float(res.statistic), float(res.pvalue)


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


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (false discovery rate), via ``scipy.stats.false_discovery_control``.

    >>> [round(p, 4) for p in benjamini_hochberg([0.01, 0.04, 0.03, 0.005])]
    [0.02, 0.04, 0.04, 0.02]
    """
    keep = [i for i, p in enumerate(p_values) if not math.isnan(p)]
    out = [NAN] * len(p_values)
    if keep:
        adj = sps.false_discovery_control([p_values[i] for i in keep], method="bh")
        for i, a in zip(keep, np.atleast_1d(adj), strict=True):
            out[i] = float(a)
    return out


CORRECTIONS = {"holm": holm, "bh": benjamini_hochberg, "none": lambda ps: [float(p) for p in ps]}
