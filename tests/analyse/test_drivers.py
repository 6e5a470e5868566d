"""Key-driver regressions: golden values, robust SEs, logistic recovery, coverage, real reviews."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from empathic.analyse.drivers import DriverModel, normal_p_value
from empathic.types import DriverEffect


def _effect(model: DriverModel, feature: str) -> DriverEffect:
    return next(e for e in model.effects_ if e.feature == feature)


# -- linear: golden values ----------------------------------------------------------------------------------


def test_ols_matches_textbook_simple_regression() -> None:
    # x = 1..5, y = 2,4,5,4,5: slope 0.6, intercept 2.2, SSE 2.4, s² = 0.8, Sxx = 10
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])
    m = DriverModel("y", kind="linear", standardize=False, cov_type="classical").fit(x, y, ["x"])
    assert m.coef_[0] == pytest.approx(0.6)
    assert m.intercept_ == pytest.approx(2.2)
    assert m.se_[0] == pytest.approx(np.sqrt(0.8 / 10))  # 0.2828
    assert np.sqrt(m.cov_[0, 0]) == pytest.approx(np.sqrt(0.8 * (1 / 5 + 9 / 10)))  # 0.9381
    e = m.effects_[0]
    assert (e.target, e.feature, e.n, e.kind) == ("y", "x", 5, "emotion")
    assert e.ci_low == pytest.approx(0.6 - 1.959963984540054 * np.sqrt(0.08))
    assert e.p_value == pytest.approx(normal_p_value(0.6 / np.sqrt(0.08)))


def test_ols_matches_lstsq_and_the_classical_formula() -> None:
    X = np.array(
        [[1.0, 0.5, 3.0], [2.0, 1.5, 1.0], [3.0, 0.0, 4.0], [4.0, 2.5, 1.0], [5.0, 1.0, 5.0], [6.0, 3.0, 9.0],
         [7.0, 2.0, 2.0], [8.0, 4.5, 6.0], [9.0, 3.5, 5.0], [10.0, 5.0, 3.0]]
    )  # fmt: skip
    y = np.array([3.1, 4.0, 6.2, 6.9, 9.5, 12.1, 11.0, 14.8, 15.2, 16.0])
    m = DriverModel("y", kind="linear", standardize=False, cov_type="classical").fit(X, y, ["a", "b", "c"])
    Z = np.column_stack([np.ones(10), X])
    beta, *_ = np.linalg.lstsq(Z, y, rcond=None)
    resid = y - Z @ beta
    se = np.sqrt(np.diag(resid @ resid / (10 - 4) * np.linalg.inv(Z.T @ Z)))
    np.testing.assert_allclose(m.coef_, beta[1:], rtol=1e-10)
    assert m.intercept_ == pytest.approx(beta[0])
    np.testing.assert_allclose(m.se_, se[1:], rtol=1e-10)


def test_hc3_matches_a_straightforward_implementation() -> None:
    X = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [3.0, 5.0], [4.0, 4.0], [5.0, 8.0], [6.0, 6.0], [9.0, 7.0]])
    y = np.array([1.0, 2.5, 2.0, 5.5, 4.0, 9.0, 6.5, 12.0])
    m = DriverModel("y", kind="linear", standardize=False).fit(X, y, ["a", "b"])
    Z = np.column_stack([np.ones(len(X)), X])
    inv = np.linalg.inv(Z.T @ Z)
    beta = inv @ Z.T @ y
    hat = Z @ inv @ Z.T
    meat = np.zeros((3, 3))
    for i in range(len(X)):
        e = y[i] - Z[i] @ beta
        meat += e**2 / (1 - hat[i, i]) ** 2 * np.outer(Z[i], Z[i])
    np.testing.assert_allclose(m.cov_, inv @ meat @ inv, rtol=1e-10)
    np.testing.assert_allclose(m.se_, np.sqrt(np.diag(inv @ meat @ inv))[1:], rtol=1e-10)


def test_standardized_coefficient_is_change_per_sd() -> None:
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(10, 4, 300), rng.integers(0, 2, 300)])
    y = 1.0 + 0.25 * X[:, 0] + 0.8 * X[:, 1] + rng.normal(size=300)
    raw = DriverModel("y", standardize=False).fit(X, y, ["score", "theme"])
    std = DriverModel("y").fit(X, y, ["score", "theme"], ["emotion", "theme"])
    sd = X[:, 0].std(ddof=1)
    assert std.coef_[0] == pytest.approx(raw.coef_[0] * sd)
    assert std.se_[0] == pytest.approx(raw.se_[0] * sd)
    assert std.coef_[1] == pytest.approx(raw.coef_[1])  # 0/1 indicators are not rescaled
    assert _effect(std, "theme").kind == "theme"
    np.testing.assert_allclose(std.predict(X), raw.predict(X))


# -- logistic ---------------------------------------------------------------------------------------------


def test_logistic_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(42)
    n, true = 5000, np.array([-0.5, 1.0, -0.7, 0.0])
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-(true[0] + X @ true[1:])))).astype(int)
    m = DriverModel("recommended", standardize=False).fit(X, y, ["a", "b", "c"])
    assert m.kind_ == "logistic" and m.converged_
    assert np.all(np.abs(m.coef_ - true[1:]) < 3 * m.se_)
    assert abs(m.intercept_ - true[0]) < 3 * np.sqrt(m.cov_[0, 0])
    assert 0.02 < m.se_[0] < 0.06  # Wald SE of the order 1/sqrt(n·p(1-p))
    assert _effect(m, "a").ci_low > 0 and _effect(m, "b").ci_high < 0
    assert m.predict(X).min() >= 0 and m.predict(X).max() <= 1


def test_logistic_stays_finite_under_separation() -> None:
    x = np.arange(40, dtype=float)[:, None]
    y = (x[:, 0] >= 20).astype(int)
    m = DriverModel("y", kind="logistic").fit(x, y, ["x"])
    assert np.isfinite(m.coef_).all() and m.coef_[0] > 0 and np.isfinite(m.se_).all()


def test_ci_coverage_is_about_95_percent() -> None:
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(200):
        x = rng.normal(size=(200, 1))
        y = 2.0 + 0.5 * x[:, 0] + rng.normal(size=200) * (0.5 + np.abs(x[:, 0]))  # heteroskedastic
        e = DriverModel("y", kind="linear", standardize=False).fit(x, y, ["x"]).effects_[0]
        hits += e.ci_low <= 0.5 <= e.ci_high
    assert 0.90 <= hits / 200 <= 0.99


# -- data problems and parameters -------------------------------------------------------------------------


def test_constant_column_is_skipped() -> None:
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.normal(size=100), np.full(100, 0.3), rng.normal(size=100)])
    y = X[:, 0] + rng.normal(size=100)
    m = DriverModel("y").fit(X, y, ["joy", "fear", "anger"])
    assert m.skipped_ == ["fear"]
    assert m.feature_names_ == ["joy", "anger"] and len(m.coef_) == 2
    assert m.effects_[0].feature == "joy"
    assert m.predict(X).shape == (100,)


def test_rows_with_missing_values_are_dropped() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 2))
    y = X[:, 0] + rng.normal(size=50)
    X[3, 1] = np.nan
    y[7] = np.nan
    assert DriverModel("y").fit(X, y, ["a", "b"]).n_ == 48


def test_collinear_features_raise_a_clear_error() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=60)
    X = np.column_stack([a, 2 * a + 1, rng.normal(size=60)])
    with pytest.raises(ValueError, match=r"singular.*\['joy', 'joy2'\] are collinear"):
        DriverModel("y").fit(X, rng.normal(size=60), ["joy", "joy2", "anger"])
    assert np.isfinite(DriverModel("y", ridge=1.0).fit(X, rng.normal(size=60), ["joy", "joy2", "anger"]).se_).all()


def test_effects_are_sorted_by_absolute_coefficient_and_deterministic() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 3))
    y = 0.2 * X[:, 0] - 0.9 * X[:, 1] + 0.5 * X[:, 2] + rng.normal(size=400)
    first = DriverModel("rating").fit(X, y, ["a", "b", "c"]).effects_
    second = DriverModel("rating").fit(X.copy(), y.copy(), ["a", "b", "c"]).effects_
    assert [e.feature for e in first] == ["b", "c", "a"]
    assert first == second


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "probit"}, "The 'kind' parameter of DriverModel must be one of"),
        ({"ridge": -1}, "The 'ridge' parameter of DriverModel must be >= 0. Got -1."),
        ({"max_iter": 0}, "The 'max_iter' parameter of DriverModel must be an int >= 1. Got 0."),
        ({"cov_type": "hc1"}, "The 'cov_type' parameter of DriverModel must be one of"),
    ],
)
def test_invalid_parameters_are_reported(params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        DriverModel("y", **params).fit(np.eye(5), np.arange(5.0), list("abcde"))


def test_bad_inputs_are_reported() -> None:
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="must name the 2 columns"):
        DriverModel("y").fit(X, np.arange(10.0), ["a"])
    with pytest.raises(ValueError, match="0/1 target"):
        DriverModel("y", kind="logistic").fit(X, np.arange(10.0), ["a", "b"])
    with pytest.raises(ValueError, match="more rows than coefficients"):
        DriverModel("y").fit(X[:3], np.arange(3.0), ["a", "b"])


# -- real data --------------------------------------------------------------------------------------------


def _reviews(path: Path, n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    texts, rating, recommended = [], [], []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = (row.get("Review Text") or "").strip()
            if text:
                texts.append(text)
                rating.append(float(row["Rating"]))
                recommended.append(float(row["Recommended IND"]))
            if len(texts) == n:
                break
    return texts, np.array(rating), np.array(recommended)


@pytest.mark.slow
@pytest.mark.shared_data
def test_emotions_drive_womens_clothing_ratings(shared_data: Path) -> None:
    from empathic.analyse.emotion.analyser import get_emotion_model
    from empathic.analyse.emotion.taxonomy import EKMAN, group_proba

    path = shared_data / "womens_clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz"
    # 3,000 reviews: at 2,000 anger's effect on recommendation sits at the edge of significance (95% CI upper
    # bound +0.004, p 0.057, after sentence splitting kept URLs and abbreviations whole); at 3,000 it is -0.09
    n = 3000
    texts, rating, recommended = _reviews(path, n)
    # neutral is left out as the baseline: it is nearly the complement of joy in reviews, and with both in
    # the model joy's own effect is not identified apart from "less neutral"
    names = [g for g in EKMAN if g != "neutral"]
    groups = group_proba(get_emotion_model("minilm-finetuned").predict_proba(texts), EKMAN)
    X = groups[:, [list(EKMAN).index(g) for g in names]]
    by_rating = DriverModel("rating", kind="linear").fit(X, rating, names)
    by_reco = DriverModel("recommended", kind="logistic").fit(X, recommended, names)
    assert by_rating.n_ == by_reco.n_ == n and by_reco.converged_
    for model in (by_rating, by_reco):
        assert _effect(model, "joy").ci_low > 0
        assert _effect(model, "anger").ci_high < 0
        assert _effect(model, "sadness").ci_high < 0
