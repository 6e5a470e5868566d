"""Scoring speed of two ``minilm-pairwise`` scorer exports, as a ratio, in one process.

Times :func:`empathic.predict.pretest.pairwise.scorer_scores` on the first ``--n`` distinct Upworthy headlines for each
model folder (``scorer.onnx`` + ``tokenizer.json``), alternating the folders ``--runs`` times after a warm-up,
and reports medians and the ratio of the second folder's time to the first's. E.g. v2 (all int8) against v3
(FFN output projections in fp32):

    git archive ebc0382 src/empathic/predict/assets/upworthy-pretest-v2 | tar -x -C /tmp
    python bench/pretest_scorer_speed.py /tmp/src/empathic/predict/assets/upworthy-pretest-v2 \\
        src/empathic/predict/assets/upworthy-pretest-v3

Results: docs/benchmarks.md, pre-test section.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from empathic.models.onnx import OnnxEncoder
from empathic.predict.pretest.pairs import read_packages
from empathic.predict.pretest.pairwise import scorer_scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("first", type=Path, help="model folder timed first (the reference)")
    ap.add_argument("second", type=Path, help="model folder compared with it")
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    texts = sorted(set(read_packages(args.data).headline))[: args.n]
    encoders = {
        str(d): OnnxEncoder(
            d / "scorer.onnx", d / "tokenizer.json", outputs=("score",), max_length=64, threads=args.threads
        )
        for d in (args.first, args.second)
    }
    for enc in encoders.values():
        scorer_scores(enc, texts[:100])
    seconds: dict[str, list[float]] = {k: [] for k in encoders}
    for _ in range(args.runs):
        for k, enc in encoders.items():
            t0 = time.perf_counter()
            scorer_scores(enc, texts)
            seconds[k].append(time.perf_counter() - t0)
    med = {k: float(np.median(v)) for k, v in seconds.items()}
    first, second = str(args.first), str(args.second)
    print(
        json.dumps(
            {
                "headlines": len(texts),
                "threads": args.threads,
                "median_seconds": {k: round(v, 3) for k, v in med.items()},
                "headlines_per_second": {k: round(len(texts) / v) for k, v in med.items()},
                "time_ratio_second_to_first": round(med[second] / med[first], 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
