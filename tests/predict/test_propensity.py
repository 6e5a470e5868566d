"""Purchase propensity: AUC / calibration golden values, planted drivers, a real slice, the workspace path."""

from __future__ import annotations

import csv
import gzip
import io
import math

import numpy as np
import pytest

from empathic.errors import AnalysisError
from empathic.predict.propensity import (
    TargetRule,
    analyse_propensity,
    calibration_bins,
    roc_auc,
    text_features,
    wilson_interval,
)
from empathic.types import Document, DocumentKind


def test_auc_by_hand_with_ties() -> None:
    # positives 0.35 and 0.8 against negatives 0.1 and 0.4: pairs won 1 + 2 of 4
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    # a tie between a positive and a negative counts one half
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert math.isnan(roc_auc([1, 1], [0.2, 0.3]))


def test_auc_matches_scikit_learn_and_weights_are_duplicates() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y, s = rng.integers(0, 2, 300), np.round(rng.random(300), 1)  # many ties
    assert roc_auc(y, s) == pytest.approx(metrics.roc_auc_score(y, s))
    w = rng.integers(0, 3, 300)
    rep = np.repeat(np.arange(300), w)
    assert roc_auc(y, s, w) == pytest.approx(roc_auc(y[rep], s[rep]))


def test_calibration_bins_and_wilson_by_hand() -> None:
    bins = calibration_bins([0, 0, 1, 1, 1], [0.05, 0.15, 0.12, 0.95, 1.0], bins=10)
    assert [(b.lo, b.n, b.observed) for b in bins] == [(0.0, 1, 0.0), (0.1, 2, 0.5), (0.9, 2, 1.0)]
    assert bins[1].mean_predicted == pytest.approx(0.135)
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.2775, abs=1e-4)


def test_planted_drivers_are_found_with_the_right_signs() -> None:
    rng = np.random.default_rng(1)
    n = 3000
    X = rng.random((n, 3))  # joy, anger, noise
    eta = -0.5 + 3.0 * X[:, 0] - 2.0 * X[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    r = analyse_propensity(X, y, ["joy", "anger", "noise"], target="recommend", n_boot=200, seed=0)
    effects = {e.feature: e for e in r.effects}
    assert effects["joy"].ci_low > 0 > effects["anger"].ci_high
    assert effects["noise"].ci_low < 0 < effects["noise"].ci_high
    assert r.auc_ci[0] < r.auc < r.auc_ci[1] and r.auc > 0.7
    # well specified, so well calibrated: every populated bin's interval covers its mean prediction (or nearly)
    assert sum(b.ci_low - 0.03 <= b.mean_predicted <= b.ci_high + 0.03 for b in r.calibration) >= len(r.calibration) - 1
    assert r.status == "ok" and r.to_dict()["effects"][0]["feature"] in ("joy", "anger")


def test_one_class_is_a_status_not_an_exception() -> None:
    r = analyse_propensity(np.random.default_rng(0).random((50, 2)), np.ones(50), ["a", "b"], target="t")
    assert r.status == "too_few_per_class" and math.isnan(r.auc)


def test_target_rules() -> None:
    doc = Document(source="s", source_id="1", kind=DocumentKind.REVIEW, text="x", rating=4.0,
                   attrs={"Recommended IND": "1", "flag": "maybe"})  # fmt: skip
    assert TargetRule.parse("rating >= 4").value(doc) == 1.0
    assert TargetRule.parse("rating>4").value(doc) == 0.0
    assert TargetRule.parse("Recommended IND").value(doc) == 1.0
    assert TargetRule.parse("flag").value(doc) is None
    assert TargetRule.parse("rating >= 4.5").label == "rating >= 4.5"
    with pytest.raises(AnalysisError):
        TargetRule.parse("  ")


def _clothing(shared_data, limit: int) -> tuple[list[str], np.ndarray]:
    path = shared_data / "womens_clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz"
    texts, y = [], []
    with gzip.open(path, "rb") as fh:
        for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
            if (row["Review Text"] or "").strip():
                texts.append(row["Review Text"])
                y.append(float(row["Recommended IND"]))
            if len(texts) == limit:
                break
    return texts, np.array(y)


@pytest.mark.slow
@pytest.mark.shared_data
def test_recommendation_from_emotions_on_a_real_slice(shared_data) -> None:
    """200 real reviews through the shipped int8 ONNX emotion model: emotions predict Recommended IND."""
    from empathic.analyse.emotion.models import FinetunedEmotion
    from empathic.analyse.emotion.taxonomy import LABELS

    texts, y = _clothing(shared_data, 200)
    probs = FinetunedEmotion(threads=1).predict_proba(texts)
    tx, tx_names = text_features(texts)
    r = analyse_propensity(np.column_stack([probs, tx]), y, [*LABELS, *tx_names], target="Recommended IND",
                           n_boot=300)  # fmt: skip
    assert r.n == 200 and r.status == "ok"
    assert r.auc_ci[0] > 0.6, f"AUC {r.auc:.3f} ({r.auc_ci[0]:.3f} to {r.auc_ci[1]:.3f})"
    assert {e.kind for e in r.effects} == {"emotion", "text"}
