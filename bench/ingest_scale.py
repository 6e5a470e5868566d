"""Ingest throughput and peak memory at two file sizes, in one run (memory must stay flat).

Usage: .venv/bin/python bench/ingest_scale.py [--small 100000] [--large 1000000] [--json]

Each size is ingested by a fresh subprocess (`empathic ingest --json`) into a fresh workspace;
the child's own peak RSS comes from wait4. Speed is reported as a ratio between the two sizes
(rows/s at large ÷ rows/s at small), since absolute times on a shared machine are noise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "soft",
    "fabric",
    "fits",
    "true",
    "to",
    "size",
    "runs",
    "small",
    "zip",
    "broke",
    "love",
    "the",
    "colour",
    "shipping",
    "was",
    "slow",
    "great",
    "value",
    "would",
    "buy",
    "again",
    "pockets",
    "too",
    "short",
    "warm",
    "and",
    "light",
    "returned",
    "it",
    "customer",
    "service",
    "helped",
    "quickly",
]


def make_file(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        f.write("id,text,rating,age_band,region\n")
        for i in range(rows):
            text = " ".join(rng.choices(WORDS, k=rng.randint(5, 60)))
            f.write(
                f"{i},{text},{rng.randint(1, 5)},{rng.choice(['18-24', '25-34', '35-44'])},"
                f"{rng.choice(['north', 'south'])}\n"
            )


def measured_ingest(path: Path, ws: Path, *options: str) -> tuple[dict, float, int]:
    """``empathic init`` then ``empathic ingest --json`` in a child process: (summary, seconds, peak RSS bytes).

    The peak is the child's own (``wait4`` rusage), and the ingest accounting is checked.
    """
    exe = [sys.executable, "-m", "empathic.cli"]
    subprocess.run([*exe, "init", str(ws)], check=True, capture_output=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout:
        proc = subprocess.Popen(
            [*exe, "ingest", str(path), "-w", str(ws), "--id-col", "id", *options, "--json"],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child alone
        seconds = time.perf_counter() - t0
        assert status == 0, f"ingest of {path.name} failed with status {status}"
        stdout.seek(0)
        summary = json.loads(stdout.read())
    assert summary["read"] == summary["stored"] + summary["skipped"] + summary["quarantined"]
    return summary, seconds, usage.ru_maxrss * 1024


def ingest(path: Path, ws: Path) -> dict[str, float]:
    summary, seconds, peak = measured_ingest(path, ws, "--rating-col", "rating")
    return {
        "rows": summary["read"],
        "stored": summary["stored"],
        "seconds": seconds,
        "rows_per_s": summary["read"] / seconds,
        "peak_rss_mib": peak / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=100_000)
    ap.add_argument("--large", type=int, default=1_000_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, rows in (("small", args.small), ("large", args.large)):
            path = Path(tmp) / f"{label}.csv"
            make_file(path, rows)
            results[label] = ingest(path, Path(tmp) / f"ws_{label}") | {"file_mib": path.stat().st_size / 2**20}
    results["rss_ratio_large_vs_small"] = results["large"]["peak_rss_mib"] / results["small"]["peak_rss_mib"]
    results["speed_ratio_large_vs_small"] = results["large"]["rows_per_s"] / results["small"]["rows_per_s"]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
