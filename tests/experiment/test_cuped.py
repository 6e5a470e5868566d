"""CUPED on sufficient statistics: same answer as the textbook unit-level adjustment, and less variance."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from empathic.experiment.analysis import analyze
from empathic.experiment.stats import cuped_theta
from empathic.types import MetricStats


def _data(seed: int = 5) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    pre_c, pre_t = rng.gamma(2.0, 5.0, 4000), rng.gamma(2.0, 5.0, 3800)
    y_c = 3.0 + 0.8 * pre_c + rng.normal(0, 4.0, pre_c.size)
    y_t = 3.6 + 0.8 * pre_t + rng.normal(0, 4.0, pre_t.size)
    return pre_c, y_c, pre_t, y_t


def test_cuped_equals_unit_level_adjustment() -> None:
    pre_c, y_c, pre_t, y_t = _data()
    sc, st = MetricStats.from_values(y_c, pre=pre_c), MetricStats.from_values(y_t, pre=pre_t)
    # unit-level: theta pooled within arms, Y - theta (X - mean X over all units), then Welch
    xc, xt = pre_c - pre_c.mean(), pre_t - pre_t.mean()
    theta = (xc @ (y_c - y_c.mean()) + xt @ (y_t - y_t.mean())) / (xc @ xc + xt @ xt)
    assert cuped_theta([sc, st]) == pytest.approx(theta, rel=1e-9)
    x_all = np.concatenate([pre_c, pre_t]).mean()
    adj_c, adj_t = y_c - theta * (pre_c - x_all), y_t - theta * (pre_t - x_all)
    cm = CompareMeans(DescrStatsW(adj_t), DescrStatsW(adj_c))
    _, p, _ = cm.ttest_ind(usevar="unequal")
    lo, hi = cm.tconfint_diff(usevar="unequal")

    res = analyze({"c": {"y": sc}, "t": {"y": st}}, control="c", experiment="x")
    r = res.result("t", "y")
    assert r.cuped
    assert r.abs_lift == pytest.approx(adj_t.mean() - adj_c.mean(), rel=1e-9)
    assert r.p_value == pytest.approx(p, rel=1e-6)
    assert r.abs_lift_ci == pytest.approx((lo, hi), rel=1e-6)
    plain = analyze({"c": {"y": MetricStats.from_values(y_c)}, "t": {"y": MetricStats.from_values(y_t)}}, control="c")
    p_r = plain.result("t", "y")
    assert not p_r.cuped
    width = r.abs_lift_ci[1] - r.abs_lift_ci[0]
    assert width < 0.6 * (p_r.abs_lift_ci[1] - p_r.abs_lift_ci[0])  # corr ~0.8: variance down by ~2/3
    assert r.variance_reduction == pytest.approx(1 - (width / (p_r.abs_lift_ci[1] - p_r.abs_lift_ci[0])) ** 2, abs=0.01)


def test_cuped_merged_equals_sequential() -> None:
    pre_c, y_c, pre_t, y_t = _data(9)
    rng = np.random.default_rng(1)
    parts = np.array_split(rng.permutation(y_c.size), 7)
    merged = sum((MetricStats.from_values(y_c[i], pre=pre_c[i]) for i in parts), MetricStats())
    whole = MetricStats.from_values(y_c, pre=pre_c)
    for field in ("n", "sum", "sum_sq", "pre_n", "pre_sum", "pre_sum_sq", "cross"):
        assert getattr(merged, field) == pytest.approx(getattr(whole, field), rel=1e-12)
    st = MetricStats.from_values(y_t, pre=pre_t)
    a = analyze({"c": {"y": merged}, "t": {"y": st}}, control="c").result("t", "y")
    b = analyze({"c": {"y": whole}, "t": {"y": st}}, control="c").result("t", "y")
    assert a.p_value == pytest.approx(b.p_value, rel=1e-8) and a.abs_lift == pytest.approx(b.abs_lift, rel=1e-10)


def test_cuped_needs_the_covariate_for_every_unit() -> None:
    pre_c, y_c, pre_t, y_t = _data()
    partial = MetricStats.from_values(y_c, pre=pre_c) + MetricStats.from_values([1.0, 2.0])
    assert not partial.has_pre
    res = analyze({"c": {"y": partial}, "t": {"y": MetricStats.from_values(y_t, pre=pre_t)}}, control="c")
    assert not res.result("t", "y").cuped
    assert res.result("t", "y").status == "ok"
    res = analyze(
        {"c": {"y": MetricStats.from_values(y_c, pre=pre_c)}, "t": {"y": MetricStats.from_values(y_t, pre=pre_t)}},
        control="c",
        cuped=False,
    )
    assert not res.result("t", "y").cuped
