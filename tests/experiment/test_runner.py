"""Experiments through a workspace store (SQL GROUP BY) and from files; the Hillstrom arms reproduced."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from empathic.app.experiment import experiment_from_store, experiments_from_store, ingest_experiment
from empathic.errors import ExperimentDataError, ExperimentNotFoundError
from empathic.experiment.runner import analyze_file
from empathic.store import open_store

ARMS = ("Mens E-Mail", "Womens E-Mail", "No E-Mail")


def _units_csv(path: Path, n: int = 3000, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    arm = rng.choice(["control", "b"], n)
    pre = rng.gamma(2.0, 3.0, n)
    click = (rng.random(n) < np.where(arm == "b", 0.14, 0.10)).astype(int)
    spend = pre * 0.7 + rng.exponential(2.0, n) + (arm == "b") * 0.3
    rows = ["uid,arm,click,spend,pre"] + [f"u{i},{arm[i]},{click[i]},{spend[i]:.5f},{pre[i]:.5f}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("backend", ["sqlite", "memory"])
def test_store_paths_agree_with_the_file_path(tmp_path: Path, backend: str) -> None:
    path = _units_csv(tmp_path / "ab.csv")
    kw = {"variant_col": "arm", "control": "control", "metrics": ["click", "spend"], "binary": ["click"]}
    url = {"url": f"sqlite:///{tmp_path / 's.sqlite'}"} if backend == "sqlite" else {}
    store = open_store(backend, **url)
    try:
        s1 = ingest_experiment(store, path, experiment="units", unit_col="uid", pre_col="pre", **kw)
        s1b = ingest_experiment(store, path, experiment="units", unit_col="uid", pre_col="pre", **kw)  # idempotent
        s2 = ingest_experiment(store, path, experiment="parts", pre_col="pre", **kw)
        ingest_experiment(store, path, experiment="parts", pre_col="pre", **kw)  # same file name: part replaced
        assert (s1.mode, s2.mode) == ("units", "aggregated") and s1.arms == s1b.arms == s2.arms
        assert sum(s2.arms.values()) == 3000
        by_units = experiment_from_store(store, "units")
        by_parts = experiment_from_store(store, "parts")
        from_file = analyze_file(path, pre_col="pre", **kw)
        for a, b in ((by_units, by_parts), (by_units, from_file)):
            for x, y in zip(a.results, b.results, strict=True):
                assert (x.variant, x.metric, x.n, x.cuped) == (y.variant, y.metric, y.n, y.cuped)
                assert x.p_value == pytest.approx(y.p_value, rel=1e-9, nan_ok=True)
                assert x.abs_lift_ci == pytest.approx(y.abs_lift_ci, rel=1e-9, nan_ok=True)
        assert by_units.result("b", "spend").cuped and by_units.result("b", "spend").variance_reduction > 0.3
        assert [r.experiment for r in experiments_from_store(store)] == ["parts", "units"]
        with pytest.raises(ExperimentNotFoundError, match="parts, units"):
            experiment_from_store(store, "nope")
        with pytest.raises(ExperimentDataError, match="control"):
            ingest_experiment(store, path, experiment="x", **(kw | {"control": "missing"}))
    finally:
        store.close()


def _hillstrom(path: Path) -> dict[tuple[str, str], np.ndarray]:
    values: dict[tuple[str, str], list[float]] = {(a, m): [] for a in ARMS for m in ("visit", "conversion", "spend")}
    with gzip.open(path, "rt", newline="") as fh:
        for row in csv.DictReader(fh):
            for m in ("visit", "conversion", "spend"):
                values[(row["segment"], m)].append(float(row[m]))
    return {k: np.asarray(v) for k, v in values.items()}


@pytest.mark.shared_data
def test_hillstrom_arms_reproduced(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "hillstrom" / "hillstrom.csv.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    kw = {"variant_col": "segment", "control": "No E-Mail", "metrics": ["visit", "conversion", "spend"]}
    r = analyze_file(path, binary=["visit", "conversion"], **kw)
    rate = {(x.variant, x.metric): x.mean for x in r.results}
    # the published arm results (MineThatData 2008): visit, conversion and spend per arm
    assert [round(100 * rate[(a, "visit")], 2) for a in ARMS] == [18.28, 15.14, 10.62]
    assert [round(100 * rate[(a, "conversion")], 2) for a in ARMS] == [1.25, 0.88, 0.57]
    assert [round(rate[(a, "spend")], 2) for a in ARMS] == [1.42, 1.08, 0.65]
    assert r.units == {"No E-Mail": 21306, "Mens E-Mail": 21307, "Womens E-Mail": 21387} and r.srm_ok

    raw = _hillstrom(path)
    for arm in ARMS[:2]:
        for m in ("visit", "conversion"):
            x, c = raw[(arm, m)], raw[("No E-Mail", m)]
            got = r.result(arm, m)
            assert (got.ci_low, got.ci_high) == pytest.approx(proportion_confint(x.sum(), x.size, method="normal"))
            ci = confint_proportions_2indep(x.sum(), x.size, c.sum(), c.size, method="wald", compare="diff")
            assert got.abs_lift_ci == pytest.approx(ci, rel=1e-9)
            assert got.p_value_adjusted < 1e-3 and got.chance_to_beat_control > 0.999
        x, c = raw[(arm, "spend")], raw[("No E-Mail", "spend")]
        cm = CompareMeans(DescrStatsW(x), DescrStatsW(c))
        got = r.result(arm, "spend")
        assert got.abs_lift_ci == pytest.approx(cm.tconfint_diff(usevar="unequal"), rel=1e-9)
        assert got.p_value == pytest.approx(cm.ttest_ind(usevar="unequal")[1], rel=1e-6)
        assert got.cs_low < got.abs_lift_ci[0] and got.cs_high > got.abs_lift_ci[1]

    # the same numbers from the workspace store, aggregated by SQL over unit rows
    store = open_store("sqlite", url=f"sqlite:///{tmp_path / 'h.sqlite'}")
    try:
        # the file has no unit id: the streamed part path; and CUPED with the pre-period spend (history)
        ingest_experiment(store, path, experiment="hillstrom", binary=["visit", "conversion"], **kw)
        stored = experiment_from_store(store, "hillstrom")
        for x, y in zip(stored.results, r.results, strict=True):
            assert x.mean == pytest.approx(y.mean, rel=1e-12) and x.p_value == pytest.approx(
                y.p_value, rel=1e-9, nan_ok=True
            )
    finally:
        store.close()
    cuped = analyze_file(path, binary=["visit", "conversion"], pre_col="history", **kw)
    assert all(x.cuped for x in cuped.results if x.status == "ok")
    assert all(x.variance_reduction >= 0 for x in cuped.results if x.status == "ok")
