"""Contracts of empathic.experiment.stats: golden values from literal aggregates, merge property, real data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from empathic.experiment.stats import benjamini_hochberg, compare, control_result, holm, srm_check
from empathic.types import MetricStats, ResultStatus


def test_metric_stats_moments_and_empty() -> None:
    s = MetricStats.from_values([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    assert (s.n, s.sum, s.sum_sq) == (8, 40.0, 232.0)
    assert s.mean == 5.0
    assert s.variance == pytest.approx(32.0 / 7.0)
    assert math.isnan(MetricStats().mean) and math.isnan(MetricStats(1, 3.0, 9.0).variance)


def test_merged_equals_sequential() -> None:
    rng = np.random.default_rng(42)
    for _ in range(20):
        data = rng.lognormal(1.0, 1.0, size=int(rng.integers(10, 500)))
        cuts = np.sort(rng.choice(np.arange(1, data.size), size=3, replace=False))
        parts = np.split(data, cuts)
        merged = sum((MetricStats.from_values(p) for p in parts), MetricStats())
        whole = MetricStats.from_values(data)
        assert merged.n == whole.n
        assert merged.sum == pytest.approx(whole.sum, rel=1e-12)
        assert merged.sum_sq == pytest.approx(whole.sum_sq, rel=1e-12)
        assert merged.variance == pytest.approx(float(np.var(data, ddof=1)), rel=1e-9)
        # and the inference built on them agrees
        other = MetricStats.from_values(rng.normal(3.0, 1.0, 100))
        a, b = compare(other, merged, binary=False), compare(other, whole, binary=False)
        assert a.p_value == pytest.approx(b.p_value, rel=1e-9, abs=1e-300)


def test_two_proportion_golden() -> None:
    control, treatment = MetricStats(1000, 200.0, 200.0), MetricStats(1000, 250.0, 250.0)
    r = compare(control, treatment, binary=True, variant="B", metric="conversion")
    # hand computation: pooled p = 0.225, se = sqrt(.225 * .775 * (2 / 1000)), z = 0.05 / se
    z = 0.05 / math.sqrt(0.225 * 0.775 * 0.002)
    assert z == pytest.approx(2.68, abs=5e-3)
    assert r.p_value == pytest.approx(0.0074, abs=1e-3)
    assert r.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    # unpooled Wald CI for the difference
    se = math.sqrt(0.2 * 0.8 / 1000 + 0.25 * 0.75 / 1000)
    assert r.abs_lift == pytest.approx(0.05)
    assert r.abs_lift_ci == pytest.approx((0.05 - 1.959964 * se, 0.05 + 1.959964 * se), abs=1e-6)
    # relative lift 25 %, delta method
    rel_se = math.sqrt(0.25 * 0.75 / 1000 / 0.2**2 + 0.25**2 * 0.2 * 0.8 / 1000 / 0.2**4)
    assert r.rel_lift == pytest.approx(0.25)
    assert r.rel_lift_ci == pytest.approx((0.25 - 1.959964 * rel_se, 0.25 + 1.959964 * rel_se), abs=1e-6)
    assert r.ci_low == pytest.approx(0.25 - 1.959964 * math.sqrt(0.25 * 0.75 / 1000), abs=1e-6)
    assert r.status == ResultStatus.OK == "ok"
    # Bayesian: posterior difference ~ N(0.05, se²) to within Monte Carlo error
    assert r.chance_to_beat_control == pytest.approx(1 - 0.5 * math.erfc(0.05 / se / math.sqrt(2)), abs=0.005)
    assert 0 < r.expected_loss < 1e-4


def test_bayesian_is_seeded() -> None:
    c, t = MetricStats(500, 50.0, 50.0), MetricStats(500, 58.0, 58.0)
    a, b = compare(c, t, binary=True, seed=7), compare(c, t, binary=True, seed=7)
    assert a == b
    assert 0.5 < a.chance_to_beat_control < 0.9


def _agg(n: int, mean: float, var: float) -> MetricStats:
    return MetricStats(n, n * mean, var * (n - 1) + n * mean**2)


def test_welch_against_scipy_and_statsmodels() -> None:
    # control: n=40, mean 10, var 4; treatment: n=25, mean 11.5, var 9 (aggregates built from those)
    c, t = _agg(40, 10.0, 4.0), _agg(25, 11.5, 9.0)
    assert (c.mean, c.variance, t.variance) == pytest.approx((10.0, 4.0, 9.0))
    r = compare(c, t, binary=False, alpha=0.10)
    ref = sps.ttest_ind_from_stats(11.5, 3.0, 25, 10.0, 2.0, 40, equal_var=False)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    se = math.sqrt(4.0 / 40 + 9.0 / 25)  # = sqrt(0.46)
    df = 0.46**2 / ((4.0 / 40) ** 2 / 39 + (9.0 / 25) ** 2 / 24)  # Welch–Satterthwaite, = 37.9...
    q = sps.t.ppf(0.95, df)
    assert r.abs_lift == pytest.approx(1.5)
    assert r.abs_lift_ci == pytest.approx((1.5 - q * se, 1.5 + q * se), abs=1e-9)
    assert r.rel_lift == pytest.approx(0.15)
    rel_se = math.sqrt(9.0 / 25 / 100 + 11.5**2 * 4.0 / 40 / 10**4)
    assert r.rel_lift_ci == pytest.approx((0.15 - q * rel_se, 0.15 + q * rel_se), abs=1e-9)
    # Bayesian: posterior of the difference N(1.5, se²)
    assert r.chance_to_beat_control == pytest.approx(sps.norm.cdf(1.5 / se), rel=1e-9)
    # expected loss by numerical integration of E[max(-D, 0)], D ~ N(1.5, se²)
    d = np.linspace(1.5 - 12 * se, 0.0, 200_001)
    y = -d * sps.norm.pdf(d, 1.5, se)
    assert r.expected_loss == pytest.approx(float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(d))), rel=1e-4)


def test_welch_on_raw_data_matches_statsmodels() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(5.0, 2.0, 300), rng.normal(5.4, 3.0, 200)
    r = compare(MetricStats.from_values(a), MetricStats.from_values(b), binary=False)
    cm = CompareMeans(DescrStatsW(b), DescrStatsW(a))
    _, p, _ = cm.ttest_ind(usevar="unequal")
    lo, hi = cm.tconfint_diff(alpha=0.05, usevar="unequal")
    assert r.p_value == pytest.approx(p, rel=1e-9)
    assert r.abs_lift_ci == pytest.approx((lo, hi), rel=1e-9)
    assert r.ci_low == pytest.approx(DescrStatsW(b).tconfint_mean()[0], rel=1e-9)


def test_two_proportion_matches_statsmodels() -> None:
    r = compare(MetricStats(4000, 120.0, 120.0), MetricStats(4100, 161.0, 161.0), binary=True)
    _z, p = proportions_ztest([161, 120], [4100, 4000])
    assert r.p_value == pytest.approx(p, rel=1e-9)
    lo, hi = confint_proportions_2indep(161, 4100, 120, 4000, method="wald", compare="diff")
    assert r.abs_lift_ci == pytest.approx((lo, hi), rel=1e-9)
    assert (r.ci_low, r.ci_high) == pytest.approx(proportion_confint(161, 4100, method="normal"), rel=1e-9)


def test_numerical_trouble_is_a_status_not_an_exception() -> None:
    ok = MetricStats.from_values([1.0, 2.0, 3.0])
    assert compare(MetricStats(), ok, binary=False).status == "too_few_units"
    assert compare(ok, MetricStats(1, 2.0, 4.0), binary=False).status == "too_few_units"
    flat = MetricStats.from_values([5.0] * 10)
    r = compare(flat, flat, binary=False)
    assert r.status == "zero_variance" and math.isnan(r.p_value) and r.mean == 5.0
    assert compare(MetricStats(100, 0.0, 0.0), MetricStats(100, 0.0, 0.0), binary=True).status == "zero_variance"
    # control mean 0 but treatment varies: lift and p-value exist, relative lift does not
    r = compare(MetricStats(100, 0.0, 0.0), MetricStats(100, 5.0, 5.0), binary=True)
    assert r.status == "ok" and r.abs_lift == pytest.approx(0.05) and math.isnan(r.rel_lift)
    assert control_result(ok, binary=False).status == "control"
    with pytest.raises(ValueError, match="alpha"):
        compare(ok, ok, binary=False, alpha=1.5)


def test_srm_check() -> None:
    # 1044 / 956 against 50/50: chi2 = 2 * 44² / 1000 = 3.872, just past the 3.84 cut-off of df=1
    chi2, p = srm_check({"A": 1044, "B": 956}, {"A": 0.5, "B": 0.5})
    assert chi2 == pytest.approx(3.872) and p == pytest.approx(0.0491, abs=1e-4)
    chi2, p = srm_check({"A": 5000, "B": 5000}, {"A": 1, "B": 1})
    assert (chi2, p) == (0.0, 1.0)
    chi2, p = srm_check({"A": 300, "B": 340, "C": 260}, {"A": 1, "B": 1, "C": 1})
    assert chi2 == pytest.approx((0 + 40**2 + 40**2) / 300) and p == pytest.approx(math.exp(-chi2 / 2))
    # weights need not sum to one; mismatched arms are a programming error
    assert srm_check({"A": 300, "B": 100}, {"A": 3, "B": 1})[0] == pytest.approx(0.0)
    assert all(math.isnan(v) for v in srm_check({"A": 0, "B": 0}, {"A": 1, "B": 1}))
    with pytest.raises(ValueError, match="same two or more arms"):
        srm_check({"A": 1, "B": 2}, {"A": 1, "C": 1})


def test_holm() -> None:
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])
    out = holm([0.02, float("nan"), 0.01])
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.02)
    assert holm([]) == []


def test_corrections_match_statsmodels() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        p = rng.uniform(0, 0.2, int(rng.integers(2, 9)))
        assert holm(list(p)) == pytest.approx(list(multipletests(p, method="holm")[1]), rel=1e-12)
        assert benjamini_hochberg(list(p)) == pytest.approx(list(multipletests(p, method="fdr_bh")[1]), rel=1e-12)
    out = benjamini_hochberg([0.02, float("nan"), 0.01])
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.02)
