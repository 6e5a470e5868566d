"""How long binary experiment events take to aggregate and analyse on the embedded default store (SQLite).

Usage: nice -n 10 .venv/bin/python bench/experiment_scale.py [--events 100000000] [--chunk 1000000]
       [--units 1000000] [--parquet-rows 10000000] [--csv-rows 2000000] [--json]

Three paths, each timed in the same run (speed is also given as a ratio against numpy on the same data):

1. **pre-aggregated per chunk** (what ``empathic experiment ingest`` does without --unit-col): ``--events``
   binary events (two arms, 10.0% / 10.2%) are generated in chunks, each chunk is reduced to per-arm
   sufficient statistics with the same ``batch_stats`` the file reader uses, and written to SQLite as one
   mergeable part; then the per-arm stats come back with one SQL ``GROUP BY`` and are analysed. Event
   generation is timed separately and not counted as aggregation.
2. **unit rows** (``--unit-col``): ``--units`` events written as unit rows through the store API, then the
   SQL ``GROUP BY`` over them; extrapolated linearly to ``--events``.
3. **files**: a Parquet file (``--parquet-rows``) and a CSV (``--csv-rows``) streamed through
   ``stream_stats``; extrapolated linearly to ``--events``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from empathic.experiment.analysis import analyze
from empathic.experiment.sources import batch_stats, merge, stream_stats
from empathic.store import open_store
from empathic.types import ExperimentObservation, ExperimentSpec, MetricStats

ARMS = ["control", "b"]
RATES = np.array([0.100, 0.102])


def _chunk(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    codes = rng.integers(0, 2, n)
    click = (rng.random(n) < RATES[codes]).astype(np.float64)
    return codes, click


def pre_aggregated(store, events: int, chunk: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    store.save_experiment(ExperimentSpec("scale", "control", ("click",), ("click",)))
    gen = agg = write = 0.0
    total: dict[str, dict[str, MetricStats]] = {}
    for i in range(0, events, chunk):
        t0 = time.perf_counter()
        codes, click = _chunk(rng, min(chunk, events - i))
        t1 = time.perf_counter()
        part = batch_stats(codes, ARMS, {"click": click}, binary={"click"})
        t2 = time.perf_counter()
        store.write_experiment_aggregates("scale", f"chunk-{i // chunk:06d}", part)
        t3 = time.perf_counter()
        merge(total, part)
        gen, agg, write = gen + t1 - t0, agg + t2 - t1, write + t3 - t2
    t0 = time.perf_counter()
    stats = store.experiment_stats("scale")
    t1 = time.perf_counter()
    result = analyze(stats, control="control", binary={"click"}, experiment="scale")
    t2 = time.perf_counter()
    assert stats["b"]["click"].n == total["b"]["click"].n
    assert sum(s["click"].n for s in stats.values()) == events
    b = result.result("b", "click")
    return {
        "events": events,
        "chunk": chunk,
        "generate_s": round(gen, 2),
        "aggregate_numpy_s": round(agg, 2),
        "write_parts_sqlite_s": round(write, 3),
        "group_by_s": round(t1 - t0, 4),
        "analyse_s": round(t2 - t1, 4),
        "aggregate_and_analyse_s": round(agg + write + (t2 - t0), 2),
        "lift": b.abs_lift,
        "lift_ci": b.abs_lift_ci,
        "p_value": b.p_value,
    }


def unit_rows(store, n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    codes, click = _chunk(rng, n)
    t0 = time.perf_counter()
    peer = batch_stats(codes, ARMS, {"click": click}, binary={"click"})
    t_numpy = time.perf_counter() - t0
    store.save_experiment(ExperimentSpec("units", "control", ("click",), ("click",)))
    t0 = time.perf_counter()
    step = 100_000
    for i in range(0, n, step):
        rows = [
            ExperimentObservation(f"u{j}", ARMS[c], "click", v)
            for j, c, v in zip(
                range(i, i + step), codes[i : i + step].tolist(), click[i : i + step].tolist(), strict=False
            )
        ]
        store.write_experiment_units("units", rows)
    t_insert = time.perf_counter() - t0
    t0 = time.perf_counter()
    stats = store.experiment_stats("units")
    t_group = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyze(stats, control="control", binary={"click"})
    t_an = time.perf_counter() - t0
    assert stats["b"]["click"].n == peer["b"]["click"].n and stats["b"]["click"].sum == peer["b"]["click"].sum
    return {
        "units": n,
        "insert_s": round(t_insert, 2),
        "group_by_s": round(t_group, 3),
        "analyse_s": round(t_an, 4),
        "numpy_peer_s": round(t_numpy, 4),
        "group_by_vs_numpy": round(t_group / t_numpy, 1),
        "insert_rows_per_s": round(n / t_insert),
        "group_by_rows_per_s": round(n / t_group),
    }


def files(tmp: Path, parquet_rows: int, csv_rows: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    out: dict = {}
    pq_path = tmp / "events.parquet"
    writer = None
    for i in range(0, parquet_rows, 1_000_000):
        codes, click = _chunk(rng, min(1_000_000, parquet_rows - i))
        table = pa.table(
            {
                "arm": pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8()), pa.array(ARMS)),
                "click": pa.array(click.astype(np.int8)),
            }
        )
        writer = writer or pq.ParquetWriter(pq_path, table.schema)
        writer.write_table(table)
    if writer:
        writer.close()
    t0 = time.perf_counter()
    s = stream_stats(pq_path, variant_col="arm", metrics=["click"], binary=["click"])
    t = time.perf_counter() - t0
    assert sum(v["click"].n for v in s.values()) == parquet_rows
    out["parquet"] = {"rows": parquet_rows, "seconds": round(t, 2), "rows_per_s": round(parquet_rows / t)}
    csv_path = tmp / "events.csv"
    codes, click = _chunk(rng, csv_rows)
    with csv_path.open("w") as fh:
        fh.write("arm,click\n")
        names = np.array(ARMS)[codes]
        for i in range(0, csv_rows, 500_000):
            fh.write(
                "".join(f"{a},{int(c)}\n" for a, c in zip(names[i : i + 500_000], click[i : i + 500_000], strict=True))
            )
    t0 = time.perf_counter()
    s = stream_stats(csv_path, variant_col="arm", metrics=["click"], binary=["click"])
    t = time.perf_counter() - t0
    assert sum(v["click"].n for v in s.values()) == csv_rows
    out["csv"] = {"rows": csv_rows, "seconds": round(t, 2), "rows_per_s": round(csv_rows / t)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000_000)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--parquet-rows", type=int, default=10_000_000)
    ap.add_argument("--csv-rows", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        store = open_store("sqlite", url=f"sqlite:///{tmp / 'bench.sqlite'}")
        try:
            pre = pre_aggregated(store, args.events, args.chunk, args.seed)
            units = unit_rows(store, args.units, args.seed + 1)
        finally:
            store.close()
        db_mb = (tmp / "bench.sqlite").stat().st_size / 2**20
        file_paths = files(tmp, args.parquet_rows, args.csv_rows, args.seed + 2)
    scale = args.events / args.units
    units["extrapolated_to_events_s"] = round((units["insert_s"] + units["group_by_s"]) * scale)
    for v in file_paths.values():
        v["extrapolated_to_events_s"] = round(v["seconds"] * args.events / v["rows"])
    out = {"pre_aggregated": pre, "unit_rows": units, "files": file_paths, "sqlite_mb_after_unit_rows": round(db_mb, 1)}
    if args.json:
        print(json.dumps(out, indent=2, default=float))
        return
    print(json.dumps(out, indent=2, default=float))


if __name__ == "__main__":
    main()
