"""Grouped CV of the fine-tuned pairwise MiniLM scorer and its blend with the linear pre-test model.

The scorer and its recipe live in ``empathic.predict.finetune`` (the shipped ``minilm-pairwise`` model is
one fold of this protocol). Same folds as the linear model's CV (``empathic.predict.train``: whole
tests per fold, 5 folds, seed 13). Per outer fold: 1/8 of the training tests (grouped, seeded) are an
inner validation set; one scorer per seed is fine-tuned on the other 7/8, the seeds' weights are
averaged (soup); the blend weight ``u = (1 - a) * linear + a * scorer`` (each standardised on the inner
validation headlines) is picked on the inner validation set's significant pairs only; the outer fold's
significant pairs are then scored with the linear model refitted on all training folds, each seed's
scorer, the mean of the seeds' scores, the soup, and the blends. Needs torch (never at run time):

    pip install -e '.[train]'   # in a venv; pins torch==2.13.0 (CPU build)
    nice -n 5 python bench/pretest_finetune.py --cache /tmp/pt_feats_full.npz --out /tmp/pt_ft_cv5.json

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

from empathic.predict.finetune import (
    FinetuneConfig,
    embedding_states,
    fit_scorer,
    inner_split,
    pick_blend,
    score_states,
    soup,
    standardise,
    token_ids,
)
from empathic.predict.pairs import bootstrap_ci, build_pairs, pairwise_accuracy, read_packages
from empathic.predict.train import Recipe, _utilities, fit_linear, grouped_folds, headline_features

log = logging.getLogger("pretest_finetune")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None, help=".npz cache of the linear model's headline features")
    ap.add_argument("--folds", type=str, default="0,1,2,3,4", help="outer folds to run (of 5)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--seeds", type=str, default="13,14", help="fine-tuning seeds (their weights are averaged)")
    ap.add_argument("--epochs", type=int, default=FinetuneConfig.epochs)
    ap.add_argument("--lr", type=float, default=FinetuneConfig.lr)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    cfg = replace(FinetuneConfig(), epochs=args.epochs, lr=args.lr, seeds=tuple(int(s) for s in args.seeds.split(",")))
    torch.set_num_threads(cfg.threads)
    packages = read_packages(args.data)
    heads = headline_features(packages, light=False, cache=args.cache)
    pairs = build_pairs(packages)
    t0 = time.perf_counter()
    states = embedding_states(token_ids(heads.texts, cfg.max_len))
    log.info("embedding states of %d headlines in %.0f s", len(states), time.perf_counter() - t0)
    hp = np.stack([heads.index[pairs.a], heads.index[pairs.b]], axis=1)
    fold = grouped_folds(pairs, args.k, args.seed)
    sig = np.abs(pairs.z) > 1.96
    recipe = Recipe()
    inner_pair = inner_split(pairs.test, cfg.inner_share, args.seed)
    names = ["linear", *(f"seed{s}" for s in cfg.seeds), "mean_of_seeds", "soup", "blend_soup", "blend_mean"]
    keep = {m: np.full(len(pairs), np.nan) for m in names}
    res: dict = {"config": {k: str(v) for k, v in vars(cfg).items()}, "folds": {}}
    for f in [int(x) for x in args.folds.split(",")]:
        outer_train = (fold != f) & (pairs.z != 0)
        inner_train = outer_train & ~inner_pair
        inner_val = (fold != f) & inner_pair & sig
        test = (fold == f) & sig
        t1 = time.perf_counter()
        models = [fit_scorer(states, hp, pairs.z, pairs.test, inner_train, cfg, s) for s in cfg.seeds]
        secs = time.perf_counter() - t1
        need = np.unique(np.concatenate([hp[test].ravel(), hp[inner_val].ravel()]))
        ref = np.unique(hp[inner_val].ravel())  # standardise on the inner validation headlines

        def full(model: object, need: np.ndarray = need, ref: np.ndarray = ref) -> np.ndarray:
            u = np.zeros(len(heads.texts))
            u[need] = score_states(model, states, need)
            m, s = standardise(u, ref)
            return (u - m) / s

        per_seed = [full(m) for m in models]
        u = {f"seed{s}": v for s, v in zip(cfg.seeds, per_seed, strict=True)}
        mean = np.mean(per_seed, axis=0)
        m_, s_ = standardise(mean, ref)
        u["mean_of_seeds"] = (mean - m_) / s_
        u["soup"] = full(soup(models))
        lin = _utilities(fit_linear(heads, packages, pairs, outer_train, recipe), heads, recipe)
        m_, s_ = standardise(lin, ref)
        u["linear"] = (lin - m_) / s_
        a_ = {}
        for which in ("soup", "mean"):
            src = u["soup" if which == "soup" else "mean_of_seeds"]
            ia, ib = hp[inner_val, 0], hp[inner_val, 1]
            a = pick_blend(u["linear"][ia], u["linear"][ib], src[ia], src[ib], pairs.z[inner_val])
            u[f"blend_{which}"] = (1 - a) * u["linear"] + a * src
            a_[which] = a
        out = {m: pairwise_accuracy(u[m][hp[test, 0]], u[m][hp[test, 1]], pairs.z[test]) for m in names}
        for m, c in out.items():
            keep[m][test] = c
        res["folds"][f] = {
            "pairs": int(test.sum()),
            "train_pairs": int(inner_train.sum()),
            "finetune_seconds": round(secs, 1),
            "blend_weight": a_,
            **{m: round(float(c.mean()), 4) for m, c in out.items()},
        }
        log.info("fold %d: %s", f, res["folds"][f])
        if args.out:
            args.out.write_text(json.dumps(res, indent=2) + "\n")
    ok = ~np.isnan(keep["linear"])
    for m, c in keep.items():
        lo, hi = bootstrap_ci(c[ok], pairs.test[ok], seed=args.seed)
        res[m] = {"pairwise_accuracy": round(float(c[ok].mean()), 4), "ci95": [round(lo, 4), round(hi, 4)]}
        if m != "linear":
            d = c[ok] - keep["linear"][ok]
            lo, hi = bootstrap_ci(d, pairs.test[ok], seed=args.seed)
            res[m]["minus_linear"] = {"mean": round(float(d.mean()), 4), "ci95": [round(lo, 4), round(hi, 4)]}
    res["pairs"], res["tests"] = int(ok.sum()), len(np.unique(pairs.test[ok]))
    print(json.dumps(res, indent=2))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
