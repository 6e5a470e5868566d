"""Learning curve of the linear pre-test model: grouped-CV accuracy against the share of training data.

Same protocol as the shipped ``minilm-ngram`` CV (5 folds of whole tests, seed 13, accuracy on the held-out
fold's significant pairs, bootstrap CI over tests), but each fold trains on a random subset of whole
training tests holding about that share of its training pairs (nested subsets: one seeded order of the
tests). How steeply accuracy rises with data says how much more A/B-test data (rather than a bigger model)
could buy:

    nice -n 10 .venv/bin/python bench/pretest_learning_curve.py --cache /tmp/pt_feats_full.npz

Results: docs/benchmarks.md, pre-test section.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from empathic.predict.pretest.pairs import build_pairs, read_packages
from empathic.train.pretest_linear import Recipe, cross_validate, grouped_folds, headline_features, share_of_tests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None, help=".npz cache of the headline features")
    ap.add_argument("--shares", type=str, default="0.125,0.25,0.5,0.75,1.0")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    packages = read_packages(args.data)
    heads = headline_features(packages, light=False, cache=args.cache)
    pairs = build_pairs(packages)
    fold = grouped_folds(pairs, 5, args.seed)
    sig = np.abs(pairs.z) > 1.96
    out: dict[str, object] = {"pairs": int(sig.sum()), "tests": len(np.unique(pairs.test[sig])), "curve": []}
    for share in (float(s) for s in args.shares.split(",")):
        cv = cross_validate(heads, packages, pairs, Recipe(), seed=args.seed, share=share)
        tests = [
            len(np.unique(pairs.test[share_of_tests(pairs, (fold != f) & (pairs.z != 0), share, args.seed)]))
            for f in range(5)
        ]
        row = {
            "share": share,
            "train_tests_per_fold": int(np.mean(tests)),
            "pairwise_accuracy": cv["pairwise_accuracy"],
            "ci95": cv["ci95"],
        }
        print(row, flush=True)
        out["curve"].append(row)  # type: ignore[union-attr]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
