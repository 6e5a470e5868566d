"""Uplift backends: conformance (planted persuadables), the evaluation protocol, Hillstrom, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from empathic import registry
from empathic.errors import AnalysisError, BackendNotInstalledError, ColumnError
from empathic.predict.uplift_eval import evaluate_uplift, outcome_like, random_split, read_columns
from empathic.testing import parametrize_with_checks, registered
from empathic.testing.uplift import planted_uplift


@parametrize_with_checks("uplift_model", registered("uplift_model"))
def test_every_backend_passes_each_check(obj, check) -> None:
    check()


def test_split_is_train_test_split() -> None:
    sk = pytest.importorskip("sklearn.model_selection")
    train, test = random_split(1001, 0.5, 42)
    sk_train, sk_test = sk.train_test_split(np.arange(1001), test_size=0.5, random_state=42)
    assert np.array_equal(train, sk_train) and np.array_equal(test, sk_test)


def _planted_columns(n: int = 4000) -> dict[str, np.ndarray]:
    X, y, t, _ = planted_uplift(n)
    return {
        "x0": X[:, 0],
        "x1": X[:, 1],
        "region": np.where(X[:, 2] > 0, "north", "south"),
        "arm": np.where(t == 1, "mail", "none"),
        "visit": y,
        "spend": np.where(y == 1, np.round(np.abs(X[:, 2]) * 50, 2), 0.0),  # recorded after the outcome
    }


def test_evaluate_uplift_ranks_the_planted_segment() -> None:
    r = evaluate_uplift(
        _planted_columns(), outcome="visit", treatment_col="arm", control="none", methods=["two-model-logistic"],
        n_boot=100,
    )  # fmt: skip
    assert r.excluded == ("spend",), "a post-outcome column is left out by default"
    assert set(r.features) == {"x0", "x1", "region=north", "region=south"}
    m = r.methods[0]
    assert m.status == "ok" and m.qini.ci_low > 0
    # persuadables (31%) gain 0.4, so the top 30% gains far more than the average treated-minus-control
    assert m.uplift_at["30%"].ci_low > r.ate.ci_high
    assert len(m.curve["share"]) == len(m.curve["qini"]) == 51 and m.curve["share"][-1] == 1.0
    d = r.to_dict()
    assert d["methods"][0]["uplift_at"]["10%"]["value"] is not None and d["n_test"] == 2000


def test_outcome_like_columns() -> None:
    y = np.array([0, 0, 1, 1, 1])
    cols = {"spend": np.array([0, 0, 3.5, 0, 9]), "age": np.array([30, 41, 30, 52, 41])}
    assert outcome_like(cols, y.astype(float), ["spend", "age"]) == ["spend"]


def test_errors_name_the_fix() -> None:
    cols = _planted_columns(200)
    with pytest.raises(ColumnError, match="No column 'clicks'"):
        evaluate_uplift(cols, outcome="clicks", treatment_col="arm", control="none")
    with pytest.raises(ColumnError, match="Values of arm: mail, none"):
        evaluate_uplift(cols, outcome="visit", treatment_col="arm", control="nobody")
    with pytest.raises(AnalysisError, match="must be 0/1"):
        evaluate_uplift(cols, outcome="x0", treatment_col="arm", control="none")


def test_missing_scikit_learn_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "empathic.predict.uplift.sklearn", raising=False)
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    with pytest.raises(BackendNotInstalledError, match=r"empathic\[predict\]"):
        registry.get("uplift_model", "two-model")


@pytest.mark.slow
@pytest.mark.shared_data
def test_hillstrom_womens_vs_none_matches_the_published_protocol(shared_data) -> None:
    """scikit-uplift's example (Womens vs No E-Mail, visit, 50/50 split, seed 42) reports uplift@30% 0.0661."""
    cols = read_columns(shared_data / "hillstrom" / "hillstrom.csv.gz")
    r = evaluate_uplift(
        cols, outcome="visit", treatment_col="segment", control="No E-Mail", treatment="Womens E-Mail",
        methods=["two-model-logistic", "class-transformation-logistic"], n_boot=100,
    )  # fmt: skip
    assert (r.n_train, r.n_test) == (21346, 21347), "the Mens arm is dropped, then split in half"
    assert r.excluded == ("conversion", "spend")
    assert len(r.features) == 5 + 7 + 3 + 3  # 5 numbers; history_segment, zip_code, channel one-hot
    for m in r.methods:
        at30 = m.uplift_at["30%"]
        assert m.qini.ci_low > 0, f"{m.method}: targeting by model beats random"
        assert at30.ci_low > r.ate.value, f"{m.method}: the top 30% gains more than the average customer"
        assert at30.ci_low < 0.0661 < at30.ci_high, f"{m.method}: the published value lies in our CI"
