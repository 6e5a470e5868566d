"""Grouped CV of the fine-tuned pairwise MiniLM scorer and its blend with the linear pre-test model.

The scorer and its recipe live in ``empathic.train.pretest_scorer`` (the shipped ``minilm-pairwise`` model is
one fold of this protocol). Same folds as the linear model's CV (``empathic.train.pretest_linear``: whole
tests per fold, 5 folds, seed 13). Per outer fold: 1/8 of the training tests (grouped, seeded) are an
inner validation set; one scorer per seed is fine-tuned on the other 7/8, the seeds' weights are
averaged (soup); the blend weight ``u = (1 - a) * linear + a * scorer`` (each standardised on the inner
validation headlines) is picked on the inner validation set's significant pairs only; the outer fold's
significant pairs are then scored with the linear model refitted on all training folds, each seed's
scorer, the mean of the seeds' scores, the soup, and the blends. Needs torch (never at run time):

    pip install -e '.[train]'   # in a venv; pins torch==2.13.0 (CPU build)
    nice -n 5 python bench/pretest_finetune.py --cache /tmp/pt_feats_full.npz --out /tmp/ftD.json
    # the shipped recipe (defaults: 4 epochs, every training test, equal blend); the variants of
    # docs/benchmarks.md: --epochs 3 --inner-share 8 (blend picked on held-out tests), --seeds 13,14

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
from empathic.train.pretest_linear import (
    Recipe,
    fit_linear,
    grouped_folds,
    headline_features,
    share_of_tests,
    utilities,
)
from empathic.train.pretest_scorer import (
    FinetuneConfig,
    embedding_states,
    fit_scorer,
    inner_split,
    logodds_scale,
    pick_blend,
    score_states,
    soup,
    standardised,
    token_ids,
)

log = logging.getLogger("pretest_finetune")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None, help=".npz cache of the linear model's headline features")
    ap.add_argument("--folds", type=str, default="0,1,2,3,4", help="outer folds to run (of 5)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--seeds", type=str, default="13", help="fine-tuning seeds (their weights are averaged)")
    ap.add_argument("--epochs", type=int, default=FinetuneConfig.epochs)
    ap.add_argument("--lr", type=float, default=FinetuneConfig.lr)
    ap.add_argument(
        "--inner-share",
        type=int,
        default=FinetuneConfig.inner_share,
        help="hold out 1 training test in N to pick the blend; 0: the scorer trains on every training test, blend 0.5",
    )
    ap.add_argument("--target", choices=("sign", "posterior"), default=FinetuneConfig.target, help="pair labels")
    ap.add_argument(
        "--train-share", type=float, default=1.0, help="train on whole tests holding this share of each fold's pairs"
    )
    ap.add_argument("--threads", type=int, default=FinetuneConfig.threads, help="torch threads")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--snapshots", action="store_true", help="with --save: also save each seed's scores after every earlier epoch"
    )
    ap.add_argument(
        "--save", type=Path, default=None, help="folder for each fold's standardised scores (.npz) and scorer weights"
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    seeds = tuple(int(s) for s in args.seeds.split(","))
    cfg = replace(
        FinetuneConfig(),
        epochs=args.epochs,
        lr=args.lr,
        seeds=seeds,
        inner_share=args.inner_share,
        threads=args.threads,
        target=args.target,
    )
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
    inner_pair = (
        inner_split(pairs.test, cfg.inner_share, args.seed) if cfg.inner_share else np.zeros(len(pairs), dtype=bool)
    )
    oof_d, oof_z = [], []  # blend-half score differences of every held-out pair with z != 0 (log-odds scale)
    names = [
        "linear",
        *(f"seed{s}" for s in cfg.seeds),
        "mean_of_seeds",
        "soup",
        "blend_soup",
        "blend_mean",
        "blend_half",
    ]
    keep = {m: np.full(len(pairs), np.nan) for m in names}
    res: dict = {"config": {k: str(v) for k, v in vars(cfg).items()}, "folds": {}}
    for f in [int(x) for x in args.folds.split(",")]:
        outer_train = share_of_tests(pairs, (fold != f) & (pairs.z != 0), args.train_share, args.seed)
        inner_train = outer_train & ~inner_pair
        inner_val = (fold != f) & inner_pair & sig
        test = (fold == f) & sig
        need = np.unique(
            np.concatenate([hp[(fold == f) & (pairs.z != 0)].ravel(), hp[test].ravel(), hp[inner_val].ravel()])
        )
        # standardise on the inner validation headlines (without them: on the training headlines)
        ref = np.unique(hp[inner_val].ravel()) if inner_val.any() else np.unique(hp[outer_train].ravel())
        need = np.union1d(need, ref)

        def full(model: object, need: np.ndarray = need, ref: np.ndarray = ref) -> np.ndarray:
            u = np.zeros(len(heads.texts))
            u[need] = score_states(model, states, need)
            return standardised(u, ref)

        t1 = time.perf_counter()
        curve: dict[int, dict[str, float]] = {}

        def on_epoch(
            ep: int, model: object, test: np.ndarray = test, iv: np.ndarray = inner_val, f: int = f, curve: dict = curve
        ) -> None:
            rows = np.unique(np.concatenate([hp[test].ravel(), hp[iv].ravel()]))
            u_ = np.zeros(len(heads.texts))
            u_[rows] = score_states(model, states, rows)
            curve[ep] = {
                name: round(float(pairwise_accuracy(u_[hp[m, 0]], u_[hp[m, 1]], pairs.z[m]).mean()), 4)
                for name, m in (("inner_val", iv), ("test", test))
            }
            log.info("fold %d epoch %d: scorer alone %s", f, ep, curve[ep])

        snaps: dict[str, np.ndarray] = {}
        # snapshots: the held-out fold's headlines, standardised on 3,000 of the training headlines
        snap_ref = np.random.default_rng(f).choice(ref, min(3000, len(ref)), replace=False)
        snap_rows = np.union1d(need[np.isin(need, ref, invert=True)], snap_ref)

        def snapshot(
            seed: int,
            first: object = on_epoch,
            score: object = full,
            saved: dict = snaps,
            rows: np.ndarray = snap_rows,
            sref: np.ndarray = snap_ref,
        ) -> object:
            def on(ep: int, model: object) -> None:
                if seed == cfg.seeds[0]:
                    first(ep, model)
                if args.snapshots and ep < cfg.epochs:
                    saved[f"seed{seed}_ep{ep}"] = score(model, rows, sref)

            return on

        models = [fit_scorer(states, hp, pairs.z, pairs.test, inner_train, cfg, s, snapshot(s)) for s in cfg.seeds]
        secs = time.perf_counter() - t1

        per_seed = [full(m) for m in models]
        u = {f"seed{s}": v for s, v in zip(cfg.seeds, per_seed, strict=True)}
        u["mean_of_seeds"] = standardised(np.mean(per_seed, axis=0), ref)
        u["soup"] = full(soup(models))
        # the weight is picked with a linear model that has not seen the inner validation tests, then
        # applied to the linear model refitted on every training fold (as the shipped model does)
        lin = utilities(fit_linear(heads, packages, pairs, outer_train, recipe), heads, recipe)
        u["linear"] = standardised(lin, ref)
        lin_inner = u["linear"]
        if inner_val.any():
            lin_inner = standardised(
                utilities(fit_linear(heads, packages, pairs, inner_train, recipe), heads, recipe), ref
            )
        a_ = {}
        ia, ib = hp[inner_val, 0], hp[inner_val, 1]
        for which in ("soup", "mean"):
            src = u["soup" if which == "soup" else "mean_of_seeds"]
            a = pick_blend(lin_inner[ia], lin_inner[ib], src[ia], src[ib], pairs.z[inner_val]) if len(ia) else 0.5
            u[f"blend_{which}"] = (1 - a) * u["linear"] + a * src
            a_[which] = a
        u["blend_half"] = 0.5 * u["linear"] + 0.5 * u["soup"]
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            tag = f"fold{f}_seeds{'-'.join(map(str, cfg.seeds))}"
            np.savez(args.save / f"{tag}.npz", need=need, snap_ref=snap_ref, **u, **snaps)
            for s_, m_ in zip(cfg.seeds, models, strict=True):
                torch.save(m_.state_dict(), args.save / f"fold{f}_seed{s_}.pt")
        every = (fold == f) & (pairs.z != 0)
        oof_d.append(u["blend_half"][hp[every, 0]] - u["blend_half"][hp[every, 1]])
        oof_z.append(pairs.z[every])
        out = {m: pairwise_accuracy(u[m][hp[test, 0]], u[m][hp[test, 1]], pairs.z[test]) for m in names}
        for m, c in out.items():
            keep[m][test] = c
        res["folds"][f] = {
            "pairs": int(test.sum()),
            "train_pairs": int(inner_train.sum()),
            "finetune_seconds": round(secs, 1),
            "blend_weight": a_,
            "scorer_by_epoch": curve,
            "inner_val": {
                "pairs": int(inner_val.sum()),
                "linear": round(float(pairwise_accuracy(lin_inner[ia], lin_inner[ib], pairs.z[inner_val]).mean()), 4),
                "soup": round(float(pairwise_accuracy(u["soup"][ia], u["soup"][ib], pairs.z[inner_val]).mean()), 4),
            },
            **{m: round(float(c.mean()), 4) for m, c in out.items()},
        }
        log.info("fold %d: %s", f, res["folds"][f])
        if args.out:
            args.out.write_text(json.dumps(res, indent=2) + "\n")
    res.update(compare_to_baseline(keep, pairs.test, seed=args.seed))
    res["logodds_scale_half"] = logodds_scale(np.concatenate(oof_d), np.concatenate(oof_z))
    print(json.dumps(res, indent=2))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
