"""Confidence sequences: golden values from the mSPRT formula and coverage under continuous peeking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from empathic.experiment.sequential import (
    mixture_rho2,
    msprt_statistic,
    normal_mixture_cs,
    normal_mixture_half_width,
)
from empathic.experiment.stats import compare
from empathic.types import MetricStats


def test_cs_is_the_set_of_nulls_the_msprt_does_not_reject() -> None:
    est, se, t, alpha = 0.013, 0.004, 50_000, 0.05
    lo, hi = normal_mixture_cs(est, se, t, alpha=alpha)
    tau2 = se * se * t * mixture_rho2(alpha)
    # at the boundary the mixture likelihood ratio equals 1/alpha (Johari et al. 2017)
    assert msprt_statistic(est, se * se, tau2, null=lo) == pytest.approx(1 / alpha, rel=1e-9)
    assert msprt_statistic(est, se * se, tau2, null=hi) == pytest.approx(1 / alpha, rel=1e-9)
    assert msprt_statistic(est, se * se, tau2, null=est) < 1 / alpha


def test_golden_half_width() -> None:
    # hand computation at alpha = 0.05, tuning 10,000, t = 10,000: rho² t = 5.991465 + log(6.991465)
    tr = -2 * math.log(0.05) + math.log(-2 * math.log(0.05) + 1)
    assert tr == pytest.approx(7.936, abs=1e-3)
    expected = math.sqrt(2 * (tr + 1) / tr * math.log(math.sqrt(tr + 1) / 0.05))
    assert normal_mixture_half_width(1.0, 10_000) == pytest.approx(expected, rel=1e-12)
    # (1 + 1/7.936) * 2 = 2.252; log(sqrt(8.936) / 0.05) = 4.091; sqrt(2.252 * 4.091) = 3.035, 1.55 × the 1.96
    assert expected == pytest.approx(3.0352, abs=1e-3)
    # the sequence is tightest (relative to se) near the tuning size and always wider than the z interval
    widths = [normal_mixture_half_width(1.0, t) for t in (100, 1_000, 10_000, 100_000)]
    assert all(w > sps.norm.ppf(0.975) for w in widths)
    assert math.isnan(normal_mixture_half_width(1.0, 0))
    with pytest.raises(ValueError, match="alpha"):
        mixture_rho2(alpha=1.5)


def test_coverage_under_continuous_peeking() -> None:
    """Under H0, looking after every 50 units: the CS excludes 0 in <= alpha of the streams, the naive CI far more."""
    rng = np.random.default_rng(2024)
    streams, steps, batch = 400, 60, 50
    x = rng.normal(0.0, 1.0, size=(streams, steps * batch)).reshape(streams, steps, batch)
    y = rng.normal(0.0, 1.0, size=(streams, steps * batch)).reshape(streams, steps, batch)
    n = batch * np.arange(1, steps + 1)
    diff = np.cumsum(y.sum(axis=2) - x.sum(axis=2), axis=1) / n
    se = np.sqrt(2.0 / n)  # known unit variance in both arms
    half_cs = np.array([normal_mixture_half_width(s, 2 * k, tuning=2_000) for s, k in zip(se, n, strict=True)])
    cs_errors = np.mean(np.any(np.abs(diff) > half_cs, axis=1))
    naive_errors = np.mean(np.any(np.abs(diff) > 1.959964 * se, axis=1))
    assert cs_errors <= 0.05 + 0.02  # valid at every look (Monte Carlo slack)
    assert naive_errors > 0.15  # peeking at a fixed-horizon CI inflates the error several-fold


def test_compare_carries_the_sequence() -> None:
    c, t = MetricStats(20_000, 1_000.0, 1_000.0), MetricStats(20_000, 1_150.0, 1_150.0)
    r = compare(c, t, binary=True)
    assert r.cs_low < r.abs_lift_ci[0] < r.abs_lift < r.abs_lift_ci[1] < r.cs_high
    se = (r.abs_lift_ci[1] - r.abs_lift_ci[0]) / 2 / sps.norm.ppf(0.975)
    assert (r.cs_low, r.cs_high) == pytest.approx(normal_mixture_cs(r.abs_lift, se, 40_000), rel=1e-9)
