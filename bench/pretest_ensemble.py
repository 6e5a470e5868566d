"""Grouped CV of ensembles of fine-tuned pairwise scorers, from the scores saved by ``pretest_finetune.py``.

One ``pretest_finetune.py --save DIR`` run per seed (they can run side by side, ``--threads 1`` each) leaves,
per outer fold, the standardised held-out scores of the linear model and of that seed's scorer. This script
joins them on the same folds and pairs and reports, with test-clustered bootstrap CIs:

* ``linear`` — the linear ``minilm-ngram`` recipe refitted on the training folds;
* ``seedN`` and ``blend_seedN`` — each scorer alone, and blended with the linear model (equal weights);
* ``mean`` and ``blend_mean`` — the mean of the seeds' standardised scores, alone and blended (equal weights
  of the linear score and the re-standardised mean: the recipe fixed before the run);
* with ``--snapshot-epochs 2`` (runs saved with ``--snapshots``): ``snap_mean`` / ``blend_snap_mean`` — each
  seed's scores after those epochs and after the last one averaged, then the mean over seeds, as above;
* with ``--soup``: ``soup`` / ``blend_soup`` — one scorer whose weights are the seeds' average (needs torch).

    nice -n 5 python bench/pretest_finetune.py --cache /tmp/pt_feats_full.npz --seeds 13 --epochs 3 \\
        --threads 1 --save /tmp/ftE --out /tmp/ftE13.json &   # and the same with --seeds 14
    python bench/pretest_ensemble.py --cache /tmp/pt_feats_full.npz --scores /tmp/ftE --seeds 13,14

Results: docs/benchmarks.md, pre-test section.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from empathic.predict.pretest.pairs import build_pairs, compare_to_baseline, pairwise_accuracy, read_packages
from empathic.train.pretest_linear import grouped_folds, headline_features
from empathic.train.pretest_scorer import logodds_scale, standardised


def _soup_scores(paths: list[Path], texts: list[str], need: np.ndarray, max_len: int) -> np.ndarray:
    import torch

    from empathic.train.pretest_scorer import embedding_states, score_states, scorer, token_ids

    states = [torch.load(p) for p in paths]
    model = scorer()
    model.load_state_dict({k: sum(s[k] for s in states) / len(states) for k in states[0]})
    hidden = embedding_states(token_ids(texts, max_len))
    u = np.zeros(len(texts))
    u[need] = score_states(model, hidden, need)
    return u


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None, help=".npz cache of the linear model's headline features")
    ap.add_argument("--scores", type=Path, required=True, help="the --save folder of pretest_finetune.py")
    ap.add_argument("--seeds", type=str, default="13,14")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--snapshot-epochs", type=str, default="", help="earlier epochs to average in (e.g. 2)")
    ap.add_argument("--soup", action="store_true", help="also score the weight average of the seeds (needs torch)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    packages = read_packages(args.data)
    heads = headline_features(packages, light=False, cache=args.cache)
    pairs = build_pairs(packages)
    hp = np.stack([heads.index[pairs.a], heads.index[pairs.b]], axis=1)
    fold = grouped_folds(pairs, args.k, args.seed)
    sig = np.abs(pairs.z) > 1.96
    names = ["linear", *(f"seed{s}" for s in seeds), *(f"blend_seed{s}" for s in seeds), "mean", "blend_mean"]
    snap_epochs = [int(e) for e in args.snapshot_epochs.split(",") if e]
    if snap_epochs:
        names += ["snap_mean", "blend_snap_mean"]
    if args.soup:
        names += ["soup", "blend_soup"]
    keep = {m: np.full(len(pairs), np.nan) for m in names}
    oof_d, oof_z = [], []
    res: dict = {"seeds": seeds, "folds": {}}
    for f in range(args.k):
        files = [args.scores / f"fold{f}_seeds{s}.npz" for s in seeds]
        if not all(p.is_file() for p in files):
            continue
        saved = [np.load(p) for p in files]
        ref = np.unique(hp[(fold != f) & (pairs.z != 0)].ravel())
        u = {"linear": saved[0]["linear"]}
        for s, z in zip(seeds, saved, strict=True):
            u[f"seed{s}"] = z[f"seed{s}"]
            u[f"blend_seed{s}"] = 0.5 * u["linear"] + 0.5 * u[f"seed{s}"]
        u["mean"] = standardised(np.mean([u[f"seed{s}"] for s in seeds], axis=0), ref)
        u["blend_mean"] = 0.5 * u["linear"] + 0.5 * u["mean"]
        if snap_epochs:
            sref = saved[0]["snap_ref"]
            per_seed = [
                standardised(np.mean([z[f"seed{s}"], *(z[f"seed{s}_ep{e}"] for e in snap_epochs)], axis=0), sref)
                for s, z in zip(seeds, saved, strict=True)
            ]
            u["snap_mean"] = standardised(np.mean(per_seed, axis=0), sref)
            u["blend_snap_mean"] = 0.5 * u["linear"] + 0.5 * u["snap_mean"]
        if args.soup:
            need = np.union1d(saved[0]["need"], ref)
            pts = [args.scores / f"fold{f}_seed{s}.pt" for s in seeds]
            u["soup"] = standardised(_soup_scores(pts, list(heads.texts), need, 64), ref)
            u["blend_soup"] = 0.5 * u["linear"] + 0.5 * u["soup"]
        test = (fold == f) & sig
        every = (fold == f) & (pairs.z != 0)
        oof_d.append(u["blend_mean"][hp[every, 0]] - u["blend_mean"][hp[every, 1]])
        oof_z.append(pairs.z[every])
        out = {m: pairwise_accuracy(u[m][hp[test, 0]], u[m][hp[test, 1]], pairs.z[test]) for m in names}
        for m, c in out.items():
            keep[m][test] = c
        res["folds"][f] = {"pairs": int(test.sum()), **{m: round(float(c.mean()), 4) for m, c in out.items()}}
        print(f"fold {f}: {res['folds'][f]}", flush=True)
    res.update(compare_to_baseline(keep, pairs.test, seed=args.seed))
    res["logodds_scale_blend_mean"] = logodds_scale(np.concatenate(oof_d), np.concatenate(oof_z))
    print(json.dumps(res, indent=2))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
