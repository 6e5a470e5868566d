"""Pre-test benchmark on the Upworthy archive (../shared/data/upworthy): the numbers in docs/benchmarks.md.

1. grouped 5-fold CV (folds = whole tests, seed 13) of the shipped recipes and the anchor
   (frozen MiniLM embedding + logistic regression, no n-grams), accuracy on significant pairs
   (|z| > 1.96) with a bootstrap CI over tests;
2. the shipped models through ``pretest evaluate`` on the shared file (in-sample: they were trained on it);
3. Robertson et al. (2023) direction check: per-word effects with test fixed effects, clustered CIs;
4. speed of ranking 200 headlines, full model vs light, measured in the same run.

    nice -n 10 .venv/bin/python bench/pretest.py [--data ../shared/data/upworthy] [--cache /tmp/pt_feats_full.npz]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from empathic.predict.pretest import evaluate
from empathic.predict.pretest.lexicon import LexiconPretest
from empathic.predict.pretest.minilm import MinilmPretest
from empathic.predict.pretest.pairs import build_pairs, read_packages
from empathic.predict.pretest.validity import word_effects
from empathic.train.pretest_linear import LIGHT_RECIPE, Recipe, cross_validate, headline_features


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy"))
    ap.add_argument("--cache", type=Path, default=None, help="feature cache (.npz), as for `empathic train pretest`")
    ap.add_argument("--skip-cv", action="store_true")
    args = ap.parse_args()
    file = next(iter(sorted(args.data.glob("*.csv.gz")))) if args.data.is_dir() else args.data
    packages = read_packages(file)
    pairs = build_pairs(packages)
    report: dict[str, object] = {"file": file.name}
    full, light = MinilmPretest(), LexiconPretest()
    if not args.skip_cv:
        heads = headline_features(packages, light=False, cache=args.cache)
        shipped = Recipe(**{**full.manifest["recipe"], "dense": full.manifest["recipe"]["dense"]})
        anchor = Recipe(dense={"embedding": 1.0}, ngram_max=0, C=1.0, cap=0, significant_only=True)
        report["cv"] = {
            "shipped (minilm-ngram)": cross_validate(heads, packages, pairs, shipped),
            "light (lexicon-ngram)": cross_validate(heads, packages, pairs, LIGHT_RECIPE),
            "anchor: MiniLM embedding + logistic regression": cross_validate(heads, packages, pairs, anchor),
        }
    report["in_sample_evaluate"] = {m.name: evaluate(file, model=m).to_dict() for m in (full, light)}
    report["robertson"] = {
        label: {k: v.to_dict() for k, v in word_effects(packages, exclude_flagged=ex).items()}
        for label, ex in (("all weeks", False), ("flagged weeks excluded", True))
    }
    texts = packages.headline[:200]
    times = {}
    for m in (full, light):
        m.score(texts[:2])  # load models
        t0 = time.perf_counter()
        m.score(texts)
        times[m.name] = time.perf_counter() - t0
    speedup = round(times["minilm-ngram"] / times["lexicon-ngram"], 1)
    report["speed"] = {"headlines": len(texts), "light_speedup_vs_full": speedup}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
