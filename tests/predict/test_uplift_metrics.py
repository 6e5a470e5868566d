"""Uplift metrics: golden values computed by hand, weights as duplicated rows, bootstrap CIs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from empathic.predict.uplift.metrics import (
    bootstrap_uplift_metrics,
    curve_points,
    qini_auc_score,
    qini_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
)

# ranked by score 8..1:  treated 1 1 0 1 0 1 0 0  /  outcome 1 1 0 1 0 0 1 0
Y = np.array([1, 1, 0, 1, 0, 0, 1, 0])
T = np.array([1, 1, 0, 1, 0, 1, 0, 0])
S = np.arange(8, 0, -1)


def test_qini_curve_by_hand() -> None:
    # Y_t - Y_c * N_t / N_c after each row; row 7 is the first control responder: 3 - 1 * 4/3
    x, v = qini_curve(Y, S, T)
    assert x.tolist() == list(range(9))
    assert np.allclose(v, [0, 1, 2, 2, 3, 3, 3, 3 - 4 / 3, 2])


def test_uplift_curve_by_hand() -> None:
    # (Y_t/N_t - Y_c/N_c) * n: row 3 = (2/2 - 0/1) * 3, row 7 = (3/4 - 1/3) * 7
    _, v = uplift_curve(Y, S, T)
    assert np.allclose(v, [0, 1, 2, 3, 4, 5, 4.5, 35 / 12, 4])


def test_normalised_areas_by_hand() -> None:
    # Qini: model area 50/3, random line 8*2/2 = 8, perfect curve (0,0)(3,3)(7,3)(8,2) has area 19
    assert qini_auc_score(Y, S, T) == pytest.approx((50 / 3 - 8) / (19 - 8))
    # uplift: model area 293/12, random 16, perfect (0,0)(3,3)(6,6)(7,5.25)(8,4) has area 28.25
    assert uplift_auc_score(Y, S, T) == pytest.approx((293 / 12 - 16) / (28.25 - 16))


def test_uplift_at_k_by_hand() -> None:
    assert uplift_at_k(Y, S, T, k=0.5) == 1.0  # 3 treated responders, 1 control non-responder
    assert math.isnan(uplift_at_k(Y, S, T, k=0.25))  # top 2 are both treated: no control rate
    # by group: top 2 of each arm -> treated 1, 1; control rows 3, 5 (outcome 0, 0)
    assert uplift_at_k(Y, S, T, k=0.5, strategy="by_group") == 1.0
    assert uplift_at_k(Y, S, T, k=0.75) == pytest.approx(3 / 4 - 0 / 2)


def test_ties_are_one_curve_point() -> None:
    x, _ = qini_curve(Y, np.array([2, 2, 2, 2, 1, 1, 1, 1]), T)
    assert x.tolist() == [0, 4, 8]


def test_integer_weights_equal_duplicated_rows() -> None:
    rng = np.random.default_rng(3)
    y, t, s = rng.integers(0, 2, 60), rng.integers(0, 2, 60), rng.permutation(60).astype(float)
    w = rng.integers(0, 4, 60)
    rep = np.repeat(np.arange(60), w)
    for fn in (qini_auc_score, uplift_auc_score):
        assert fn(y, s, t, sample_weight=w) == pytest.approx(fn(y[rep], s[rep], t[rep]))
    for k in (0.1, 0.3, 0.5):
        assert uplift_at_k(y, s, t, k=k, sample_weight=w) == pytest.approx(uplift_at_k(y[rep], s[rep], t[rep], k=k))


def test_random_scores_are_near_zero_and_ci_covers() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    t = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.2 + 0.05 * t).astype(int)
    m = bootstrap_uplift_metrics(y, rng.random(n), t, n_boot=200, seed=1)
    assert m["qini"].ci_low < 0 < m["qini"].ci_high, "no signal: the CI must include zero"
    assert m["uplift@30%"].ci_low < 0.05 < m["uplift@30%"].ci_high, "random top 30% has the average uplift"
    again = bootstrap_uplift_metrics(y, rng.random(n) * 0 + np.arange(n), t, n_boot=0)
    assert math.isnan(again["qini"].ci_low)


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match="only 0"):
        qini_curve([1, 0], [0.1, 0.2], [2, 0])
    with pytest.raises(ValueError, match="one value per row"):
        qini_curve([1, 0], [0.1], [1, 0])
    with pytest.raises(ValueError, match="strategy"):
        uplift_at_k(Y, S, T, strategy="first")


def test_curve_points_are_resampled_on_shares() -> None:
    share, v = curve_points(*qini_curve(Y, S, T), n_points=5)
    assert share == (0.0, 0.25, 0.5, 0.75, 1.0) and v[0] == 0 and v[-1] == 2 and v[2] == 3
