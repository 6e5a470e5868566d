"""Grouped CV of the joint (cross-encoder) pairwise scorer, alone and blended with the linear and siamese models.

Same 5 folds as every pre-test CV (whole tests, seed 13). ``--train``: per outer fold, the joint scorer
(``bench/joint_scorer.py``) fine-tunes on every training pair with z != 0 and the margins of every pair of
the held-out fold are saved (``DIR/joint_foldF.npz``); folds can run side by side (``--folds 0 --threads 1``).
``--combine``: joins them with a ``pretest_finetune.py --save`` run of the siamese scorer (its linear and
seed scores on the same folds) and reports, with test-clustered bootstrap CIs:

* ``linear``, ``siamese``, ``joint`` alone; ``blend_ls_headline`` (run E's rule: equal weights of the
  headline-standardised scores);
* the recipe declared before the run: each model's margins divided by their sd over the held-out fold's
  pairs (no labels used) and summed with equal weights: ``blend_lj`` (linear + joint), ``blend_ls``
  (linear + siamese) and ``blend_lsj`` (all three: the primary figure).

    nice -n 5 python bench/pretest_joint.py --train --folds 0 --threads 1 --save /tmp/ftJ   # one per fold
    nice -n 5 python bench/pretest_finetune.py --cache /tmp/pt_feats_full.npz --seeds 13 --epochs 3 \\
        --threads 1 --save /tmp/ftE --folds 0                                                # siamese, run E
    python bench/pretest_joint.py --combine --cache /tmp/pt_feats_full.npz --save /tmp/ftJ --siamese /tmp/ftE

Results: docs/benchmarks.md, pre-test section.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from empathic.predict.pretest.pairs import build_pairs, compare_to_baseline, pairwise_accuracy, read_packages
from empathic.train.pretest_linear import grouped_folds, headline_features

log = logging.getLogger("pretest_joint")


def train(args: argparse.Namespace, texts: list[str], hp: np.ndarray, z: np.ndarray, fold: np.ndarray) -> None:
    import torch
    from joint_scorer import JointConfig, fit_joint, joint_margins  # beside this script

    torch.set_num_threads(args.threads)
    cfg = replace(JointConfig(), epochs=args.epochs)
    args.save.mkdir(parents=True, exist_ok=True)
    for f in [int(x) for x in args.folds.split(",")]:
        t0 = time.perf_counter()
        model = fit_joint(texts, hp, z, (fold != f) & (z != 0), cfg, args.seed_ft)
        secs = time.perf_counter() - t0
        rows = np.flatnonzero(fold == f)
        margin = joint_margins(model, texts, hp[rows], cfg.max_len)
        np.savez(args.save / f"joint_fold{f}.npz", rows=rows, margin=margin, train_seconds=secs)
        sig = np.abs(z[rows]) > 1.96
        acc = float(pairwise_accuracy(margin[sig], np.zeros(sig.sum()), z[rows][sig]).mean())
        log.info("fold %d: joint alone %.4f on %d significant pairs, %.1f min", f, acc, sig.sum(), secs / 60)


def combine(args: argparse.Namespace, hp: np.ndarray, z: np.ndarray, test: np.ndarray, fold: np.ndarray) -> dict:
    names = ["linear", "siamese", "joint", "blend_ls_headline", "blend_lj", "blend_ls", "blend_lsj"]
    keep = {m: np.full(len(z), np.nan) for m in names}
    res: dict = {"folds": {}}
    sig = np.abs(z) > 1.96
    for f in range(args.k):
        jf, sf = args.save / f"joint_fold{f}.npz", args.siamese / f"fold{f}_seeds{args.siamese_seed}.npz"
        if not (jf.is_file() and sf.is_file()):
            continue
        j, s = np.load(jf), np.load(sf)
        rows = j["rows"]
        a, b = hp[rows, 0], hp[rows, 1]
        m = {
            "linear": s["linear"][a] - s["linear"][b],
            "siamese": s[f"seed{args.siamese_seed}"][a] - s[f"seed{args.siamese_seed}"][b],
            "joint": j["margin"],
        }
        m["blend_ls_headline"] = 0.5 * m["linear"] + 0.5 * m["siamese"]
        unit = {k: m[k] / m[k].std() for k in ("linear", "siamese", "joint")}
        m["blend_lj"] = unit["linear"] + unit["joint"]
        m["blend_ls"] = unit["linear"] + unit["siamese"]
        m["blend_lsj"] = unit["linear"] + unit["siamese"] + unit["joint"]
        ok = sig[rows]
        fold_res = {"pairs": int(ok.sum())}
        for k in names:
            c = pairwise_accuracy(m[k][ok], np.zeros(ok.sum()), z[rows][ok])
            keep[k][rows[ok]] = c
            fold_res[k] = round(float(c.mean()), 4)
        fold_res["joint_train_minutes"] = round(float(j["train_seconds"]) / 60, 1)
        res["folds"][f] = fold_res
        print(f"fold {f}: {fold_res}", flush=True)
    res.update(compare_to_baseline(keep, test, seed=args.seed))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None, help=".npz cache of the linear model's headline features")
    ap.add_argument("--train", action="store_true", help="fine-tune the joint scorer on the --folds")
    ap.add_argument("--combine", action="store_true", help="join saved joint and siamese scores, report")
    ap.add_argument("--folds", type=str, default="0,1,2,3,4")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13, help="fold and bootstrap seed")
    ap.add_argument("--seed-ft", type=int, default=13, help="fine-tuning seed")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save", type=Path, required=True, help="folder of the joint scorer's saved margins")
    ap.add_argument("--siamese", type=Path, default=None, help="the --save folder of pretest_finetune.py")
    ap.add_argument("--siamese-seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    packages = read_packages(args.data)
    pairs = build_pairs(packages)
    fold = grouped_folds(pairs, args.k, args.seed)
    if args.train:
        texts = sorted(set(packages.headline))  # the headline rows of headline_features()
        row = {t: i for i, t in enumerate(texts)}
        index = np.array([row[h] for h in packages.headline], dtype=np.int64)
        hp = np.stack([index[pairs.a], index[pairs.b]], axis=1)
        train(args, texts, hp, pairs.z, fold)
    if args.combine:
        heads = headline_features(packages, light=False, cache=args.cache)
        hp = np.stack([heads.index[pairs.a], heads.index[pairs.b]], axis=1)
        res = combine(args, hp, pairs.z, pairs.test, fold)
        print(json.dumps(res, indent=2))
        if args.out:
            args.out.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
