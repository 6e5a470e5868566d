"""Experiment data from files: CSV, CSV.gz or Parquet streamed in chunks into mergeable sufficient statistics.

This is the edge of the experiment stage (it reads files; the inference modules do no I/O). Each chunk
becomes per-arm :class:`~empathic.types.MetricStats` computed with ``numpy.bincount`` and the chunks add with
``+``, so memory stays flat whatever the file size.

Three shapes of input:

* one row per unit: ``variant`` + metric columns (+ an optional pre-period covariate) → :func:`stream_stats`;
* the same with a unit id, to store unit rows in a workspace → :func:`iter_observations`;
* one row per arm, already aggregated (``n`` + success counts, e.g. impressions and clicks) → :func:`arm_rows`.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "ab.csv")
>>> _ = open(path, "w").write("arm,click\\nA,0\\nA,1\\nB,1\\nB,1\\n")
>>> stats = stream_stats(path, variant_col="arm", metrics=["click"], binary=["click"])
>>> stats["A"]["click"].mean, stats["B"]["click"].n
(0.5, 2)
"""

from __future__ import annotations

import csv as pycsv
import gzip
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from empathic.errors import ColumnError, ExperimentDataError, InputFileError
from empathic.types import ExperimentObservation, MetricStats

BATCH_ROWS = 1_000_000
FORMATS = ("csv", "parquet")


def _format(path: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputFileError(f"Unknown experiment file format {fmt!r}.", hint=f"Use one of: {', '.join(FORMATS)}.")
        return fmt
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise InputFileError(
        f"Cannot tell the format of {path.name} from its name.",
        hint="Name it .csv, .csv.gz or .parquet, or pass the format explicitly.",
    )


def iter_batches(
    path: str | Path,
    columns: Sequence[str],
    *,
    fmt: str | None = None,
    batch_rows: int = BATCH_ROWS,
    text_columns: Sequence[str] | None = None,
) -> Iterator[pa.RecordBatch]:
    """Record batches of only ``columns``; CSV types are inferred except ``text_columns`` (default: the first)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"No file at {path}.", hint="Check the path.")
    kind = _format(path, fmt)
    cols = list(dict.fromkeys(columns))
    if kind == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        _check_columns(cols, pf.schema_arrow.names, path)
        yield from pf.iter_batches(batch_size=batch_rows, columns=cols)
        return
    from pyarrow import csv

    gz = path.name.lower().endswith(".gz")
    try:
        with (
            gzip.open(path, "rt", encoding="utf-8-sig", newline="")
            if gz
            else path.open(encoding="utf-8-sig", newline="")
        ) as fh:
            names = next(pycsv.reader(fh), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"Could not read {path} as CSV: {exc}.", hint="Check that it is a CSV (or gzipped CSV) with a header."
        ) from exc
    _check_columns(cols, names, path)
    # Python's gzip feeds the Arrow reader: one sequential stream, decompressed in one place
    stream = gzip.open(path, "rb") if gz else pa.input_stream(str(path))  # noqa: SIM115 - closed in finally
    # about batch_rows rows per block: estimate from 16 bytes per field per row, at least 1 MiB
    block = max(1 << 20, min(1 << 28, batch_rows * 16 * max(1, len(names))))
    reader = csv.open_csv(
        stream,
        read_options=csv.ReadOptions(block_size=block),
        convert_options=csv.ConvertOptions(
            include_columns=cols, column_types=dict.fromkeys(text_columns or cols[:1], pa.string())
        ),
    )
    try:
        yield from reader
    except pa.ArrowInvalid as exc:
        raise InputFileError(f"Could not read {path}: {exc}.", hint="Check the file for broken rows.") from exc
    finally:
        stream.close()


def _check_columns(wanted: Sequence[str], have: Sequence[str], path: Path) -> None:
    missing = [c for c in wanted if c not in have]
    if missing:
        raise ColumnError(
            f"Column(s) {', '.join(missing)} not in {path.name}.",
            hint=f"Columns in the file: {', '.join(have)}.",
        )


def _floats(col: pa.Array | pa.ChunkedArray, name: str) -> np.ndarray:
    try:
        arr = pc.cast(col, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ExperimentDataError(
            f"Column {name!r} holds values that are not numbers ({exc}).", hint="Metric columns must be numeric."
        ) from exc
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=float)  # nulls become NaN


def _codes(col: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    # a dictionary column (Parquet categorical) is already encoded: use its codes as they are
    enc = col if pa.types.is_dictionary(col.type) else pc.dictionary_encode(pc.cast(col, pa.string()))
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    idx = enc.indices.to_numpy(zero_copy_only=False)
    idx = np.where(pc.is_null(enc.indices).to_numpy(zero_copy_only=False), -1, idx).astype(np.int64)
    return idx, [str(v) for v in enc.dictionary.to_pylist()]


def batch_stats(
    codes: np.ndarray,
    names: Sequence[str],
    values: dict[str, np.ndarray],
    pre: np.ndarray | None = None,
    binary: Collection[str] = (),
) -> dict[str, dict[str, MetricStats]]:
    """Per-arm stats of one chunk: ``codes`` index ``names`` (-1 = no variant); NaN values are left out.

    >>> s = batch_stats(np.array([0, 1, 0]), ["a", "b"], {"y": np.array([1.0, 2.0, 3.0])})
    >>> s["a"]["y"], s["b"]["y"].mean
    (MetricStats(n=2, sum=4.0, sum_sq=10.0, pre_n=0, pre_sum=0.0, pre_sum_sq=0.0, cross=0.0), 2.0)
    """
    k = len(names)
    out: dict[str, dict[str, MetricStats]] = {}
    for metric, v in values.items():
        ok = (codes >= 0) & ~np.isnan(v)
        if metric in binary and np.any((v[ok] != 0.0) & (v[ok] != 1.0)):
            bad = v[ok][(v[ok] != 0.0) & (v[ok] != 1.0)][:3]
            raise ExperimentDataError(
                f"Metric {metric!r} is declared binary but holds other values than 0 and 1 (e.g. {bad.tolist()}).",
                hint="Leave it out of --binary to analyse it as a mean.",
            )
        c, x = codes[ok], v[ok]
        n = np.bincount(c, minlength=k)
        s = np.bincount(c, weights=x, minlength=k)
        ss = np.bincount(c, weights=x * x, minlength=k)
        if pre is not None:
            p = pre[ok]
            has = ~np.isnan(p)
            p0 = np.where(has, p, 0.0)
            pn = np.bincount(c, weights=has.astype(float), minlength=k)
            ps = np.bincount(c, weights=p0, minlength=k)
            pss = np.bincount(c, weights=p0 * p0, minlength=k)
            cr = np.bincount(c, weights=x * p0, minlength=k)
        else:
            pn = ps = pss = cr = np.zeros(k)
        for i, name in enumerate(names):
            if n[i]:
                out.setdefault(name, {})[metric] = MetricStats(
                    int(n[i]), float(s[i]), float(ss[i]), int(pn[i]), float(ps[i]), float(pss[i]), float(cr[i])
                )
    return out


def merge(
    into: dict[str, dict[str, MetricStats]], part: dict[str, dict[str, MetricStats]]
) -> dict[str, dict[str, MetricStats]]:
    """Add ``part`` into ``into`` (in place) and return it."""
    for variant, by_metric in part.items():
        arm = into.setdefault(variant, {})
        for metric, s in by_metric.items():
            arm[metric] = arm.get(metric, MetricStats()) + s
    return into


def stream_stats(
    path: str | Path,
    *,
    variant_col: str,
    metrics: Sequence[str],
    pre_col: str | None = None,
    binary: Collection[str] = (),
    fmt: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> dict[str, dict[str, MetricStats]]:
    """Variant -> metric -> sufficient statistics of a one-row-per-unit file, streamed in chunks."""
    cols = [variant_col, *metrics, *([pre_col] if pre_col else [])]
    total: dict[str, dict[str, MetricStats]] = {}
    for batch in iter_batches(path, cols, fmt=fmt, batch_rows=batch_rows):
        codes, names = _codes(batch.column(variant_col))
        values = {m: _floats(batch.column(m), m) for m in metrics}
        pre = _floats(batch.column(pre_col), pre_col) if pre_col else None
        merge(total, batch_stats(codes, names, values, pre, binary))
    return total


def iter_observations(
    path: str | Path,
    *,
    unit_col: str,
    variant_col: str,
    metrics: Sequence[str],
    pre_col: str | None = None,
    binary: Collection[str] = (),
    fmt: str | None = None,
    batch_rows: int = 100_000,
) -> Iterator[list[ExperimentObservation]]:
    """Chunks of unit-level observations (one per unit and metric with a value), for a workspace store."""
    cols = [variant_col, unit_col, *metrics, *([pre_col] if pre_col else [])]
    for batch in iter_batches(path, cols, fmt=fmt, batch_rows=batch_rows, text_columns=[variant_col, unit_col]):
        variants = batch.column(variant_col).to_pylist()
        units = [None if u is None else str(u) for u in pc.cast(batch.column(unit_col), pa.string()).to_pylist()]
        pre = _floats(batch.column(pre_col), pre_col) if pre_col else None
        rows: list[ExperimentObservation] = []
        for m in metrics:
            v = _floats(batch.column(m), m)
            if m in binary:
                bad = ~np.isnan(v) & (v != 0.0) & (v != 1.0)
                if bad.any():
                    raise ExperimentDataError(
                        f"Metric {m!r} is declared binary but holds other values than 0 and 1 "
                        f"(e.g. {v[bad][:3].tolist()}).",
                        hint="Leave it out of --binary to analyse it as a mean.",
                    )
            for i in np.flatnonzero(~np.isnan(v)):
                if variants[i] is None or units[i] is None:
                    continue
                p = None if pre is None or np.isnan(pre[i]) else float(pre[i])
                rows.append(ExperimentObservation(units[i], str(variants[i]), m, float(v[i]), p))
        yield rows


def arm_rows(
    path: str | Path,
    *,
    variant_col: str,
    n_col: str,
    metrics: Sequence[str],
    experiment_col: str | None = None,
    fmt: str | None = None,
) -> dict[str, dict[str, dict[str, MetricStats]]]:
    """Experiment -> variant -> metric -> stats of a file with one already-aggregated row per arm.

    ``n_col`` holds the units (e.g. impressions) and every metric column a count of successes (clicks,
    conversions), so each metric is a proportion: ``sum = sum_sq = successes``. Without ``experiment_col``
    the experiment key is ``""``.
    """
    cols = [variant_col, n_col, *metrics, *([experiment_col] if experiment_col else [])]
    out: dict[str, dict[str, dict[str, MetricStats]]] = {}
    texts = [variant_col, *([experiment_col] if experiment_col else [])]
    for batch in iter_batches(path, cols, fmt=fmt, text_columns=texts):
        variants = [str(v) for v in batch.column(variant_col).to_pylist()]
        exps = [str(e) for e in batch.column(experiment_col).to_pylist()] if experiment_col else [""] * len(variants)
        n = _floats(batch.column(n_col), n_col)
        for m in metrics:
            k = _floats(batch.column(m), m)
            for i, (e, a) in enumerate(zip(exps, variants, strict=True)):
                if not (0 <= k[i] <= n[i]) or k[i] != int(k[i]) or n[i] != int(n[i]):
                    raise ExperimentDataError(
                        f"Row {i + 1} ({e} / {a}): {m} = {k[i]:g} with {n_col} = {n[i]:g}; an aggregated arm needs "
                        "whole counts with 0 <= successes <= units.",
                        hint="Check the columns, or give one row per unit instead of --n-col.",
                    )
                arm = out.setdefault(e, {}).setdefault(a, {})
                arm[m] = arm.get(m, MetricStats()) + MetricStats(int(n[i]), float(k[i]), float(k[i]))
    return out
