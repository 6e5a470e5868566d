"""Files streamed in chunks give the same sufficient statistics as the whole data at once, in every format."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq
import pytest

from empathic.errors import ColumnError, ExperimentDataError, InputFileError
from empathic.experiment.sources import arm_rows, iter_observations, stream_stats
from empathic.types import MetricStats


def _frame(seed: int = 0, n: int = 5000) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    arm = rng.choice(["control", "b", "c"], n)
    pre = rng.gamma(2.0, 3.0, n)
    return {
        "unit": np.arange(n).astype(str),
        "arm": arm,
        "click": (rng.random(n) < np.where(arm == "b", 0.12, 0.10)).astype(int),
        "spend": np.round(pre * 0.5 + rng.exponential(2.0, n), 4),
        "pre": np.round(pre, 4),
    }


def _write_csv(path: Path, d: dict[str, np.ndarray], gz: bool = False) -> Path:
    lines = [",".join(d)] + [",".join(str(d[k][i]) for k in d) for i in range(len(d["arm"]))]
    text = "\n".join(lines) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _expected(d: dict[str, np.ndarray]) -> dict[str, dict[str, MetricStats]]:
    return {
        a: {m: MetricStats.from_values(d[m][d["arm"] == a], pre=d["pre"][d["arm"] == a]) for m in ("click", "spend")}
        for a in sorted(set(d["arm"]))
    }


def _same(a: dict[str, dict[str, MetricStats]], b: dict[str, dict[str, MetricStats]]) -> None:
    assert set(a) == set(b)
    for arm in a:
        assert set(a[arm]) == set(b[arm])
        for m, s in a[arm].items():
            t = b[arm][m]
            assert (s.n, s.pre_n) == (t.n, t.pre_n)
            for f in ("sum", "sum_sq", "pre_sum", "pre_sum_sq", "cross"):
                assert getattr(s, f) == pytest.approx(getattr(t, f), rel=1e-11), (arm, m, f)


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "parquet", "parquet-dictionary"])
def test_streamed_in_chunks_equals_all_at_once(tmp_path: Path, fmt: str) -> None:
    d = _frame()
    if fmt.startswith("parquet"):
        path = tmp_path / "ab.parquet"
        table = pa.table(d)
        if fmt == "parquet-dictionary":  # categorical arm column: its codes are used as they are
            table = table.set_column(1, "arm", pa.compute.dictionary_encode(table["arm"]))
        pq.write_table(table, path, row_group_size=700)
    else:
        path = _write_csv(tmp_path / f"ab.{fmt}", d, gz=fmt.endswith("gz"))
    kw = {"variant_col": "arm", "metrics": ["click", "spend"], "pre_col": "pre", "binary": ["click"]}
    small = stream_stats(path, batch_rows=333, **kw)  # many chunks, merged with +
    whole = stream_stats(path, **kw)
    _same(small, _expected(d))
    _same(whole, small)


def test_missing_values_and_variants_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("arm,y,pre\nA,1,\nA,,2\n,5,1\nB,2,1\nB,4,3\n")
    s = stream_stats(path, variant_col="arm", metrics=["y"], pre_col="pre")
    assert s["A"]["y"] == MetricStats(1, 1.0, 1.0, 0, 0.0, 0.0, 0.0) and not s["A"]["y"].has_pre
    assert s["B"]["y"] == MetricStats.from_values([2.0, 4.0], pre=[1.0, 3.0])


def test_bad_inputs_raise_coded_errors(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "ab.csv", _frame(n=50))
    with pytest.raises(ColumnError, match="nope") as e:
        stream_stats(path, variant_col="arm", metrics=["nope"])
    assert e.value.code == "EMP402" and "spend" in (e.value.hint or "")
    with pytest.raises(ExperimentDataError, match="binary") as e2:
        stream_stats(path, variant_col="arm", metrics=["spend"], binary=["spend"])
    assert e2.value.code == "EMP952"
    with pytest.raises(InputFileError):
        stream_stats(tmp_path / "absent.csv", variant_col="arm", metrics=["click"])
    (tmp_path / "ab.xlsx").write_bytes(b"PK")
    with pytest.raises(InputFileError, match="format"):
        stream_stats(tmp_path / "ab.xlsx", variant_col="arm", metrics=["click"], fmt="xlsx")
    with pytest.raises(InputFileError, match="Cannot tell"):
        stream_stats(tmp_path / "ab.xlsx", variant_col="arm", metrics=["click"])


def test_unit_observations(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("id,arm,y,pre\n007,A,1.5,2\n008,B,,1\n009,B,2.5,\n")
    rows = [r for chunk in iter_observations(path, unit_col="id", variant_col="arm", metrics=["y"], pre_col="pre")
            for r in chunk]  # fmt: skip
    assert [(r.unit_id, r.variant, r.value, r.pre) for r in rows] == [("007", "A", 1.5, 2.0), ("009", "B", 2.5, None)]


def test_aggregated_arm_rows(tmp_path: Path) -> None:
    path = tmp_path / "arms.csv"
    path.write_text("exp,variant,shown,clicks\nx,control,1000,50\nx,b,980,70\ny,control,10,1\n")
    got = arm_rows(path, variant_col="variant", n_col="shown", metrics=["clicks"], experiment_col="exp")
    assert got["x"]["b"]["clicks"] == MetricStats(980, 70.0, 70.0) and set(got["y"]) == {"control"}
    path.write_text("variant,shown,clicks\ncontrol,10,11\n")
    with pytest.raises(ExperimentDataError, match="successes"):
        arm_rows(path, variant_col="variant", n_col="shown", metrics=["clicks"])
