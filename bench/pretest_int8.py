"""Out-of-sample cost of the int8 export: the grouped CV's saved scorers, fp32 (torch) vs static int8 ONNX.

The shipped ``minilm-pairwise`` scorer runs as static int8 ONNX, while ``pretest_finetune.py`` measures
the fp32 torch scorer. This script takes each fold's saved scorer weights (``pretest_finetune.py --save
DIR``), exports and quantises them as ``empathic train pretest-scorer`` does (400 calibration headlines
drawn from the training folds), scores the held-out fold and reports, with test-clustered CIs, each
seed's scorer and the blend with the linear model (equal weights) in fp32 and in each int8 variant, plus
the mean of the seeds. Variants: ``minmax`` (the shipped setting), ``percentile``, ``entropy``, and
``NAME:REGEX`` to keep the nodes whose names match REGEX in fp32 (e.g. ``minmax:layer\\.5/``). Needs
torch and onnx (``pip install -e '.[train]'``):

    python bench/pretest_int8.py --cache /tmp/pt_feats_full.npz --scores /tmp/ftF --seeds 13,14 \\
        --variants minmax,percentile --out /tmp/int8.json

Results: docs/benchmarks.md, pre-test section.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from empathic.models.onnx import OnnxEncoder
from empathic.models.quantize import static_int8
from empathic.predict.pretest.pairs import build_pairs, compare_to_baseline, pairwise_accuracy, read_packages
from empathic.predict.pretest.pairwise import scorer_scores
from empathic.train.minilm import weights_dir
from empathic.train.pretest_linear import grouped_folds, headline_features
from empathic.train.pretest_scorer import FinetuneConfig, export_onnx, scorer, standardised


def _int8_scores(fp32: Path, out: Path, variant: str, calib: list[str], texts: list[str], max_len: int) -> np.ndarray:
    method, _, keep = variant.partition(":")
    tok = weights_dir() / "tokenizer.json"
    static_int8(fp32, out, tok, calib, outputs=("score",), method=method, keep_fp32=keep or None)
    return scorer_scores(OnnxEncoder(out, tok, outputs=("score",), max_length=max_len, threads=1), texts)


def main() -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None, help=".npz cache of the linear model's headline features")
    ap.add_argument("--scores", type=Path, required=True, help="the --save folder of pretest_finetune.py")
    ap.add_argument("--seeds", type=str, default="13")
    ap.add_argument("--folds", type=str, default="0,1,2,3,4")
    ap.add_argument("--variants", type=str, default="minmax")
    ap.add_argument("--calib", type=int, default=400, help="calibration headlines (from the training folds)")
    ap.add_argument("--ref", type=int, default=2000, help="training headlines that standardise the scores")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    seeds, variants = [int(s) for s in args.seeds.split(",")], args.variants.split(",")
    max_len = FinetuneConfig.max_len
    packages = read_packages(args.data)
    heads = headline_features(packages, light=False, cache=args.cache)
    texts = list(heads.texts)
    pairs = build_pairs(packages)
    hp = np.stack([heads.index[pairs.a], heads.index[pairs.b]], axis=1)
    fold = grouped_folds(pairs, args.k, args.seed)
    sig = np.abs(pairs.z) > 1.96
    kinds = ["fp32", *variants]
    names = ["linear", *(f"{k}_{m}" for k in kinds for m in (*(f"seed{s}" for s in seeds), "mean", "blend_mean"))]
    names += [f"{k}_blend_seed{s}" for k in kinds for s in seeds]
    keep = {m: np.full(len(pairs), np.nan) for m in names}
    res: dict = {"seeds": seeds, "variants": variants, "folds": {}}
    for f in [int(x) for x in args.folds.split(",")]:
        train_rows = np.unique(hp[(fold != f) & (pairs.z != 0)].ravel())
        rng = np.random.default_rng(args.seed)
        calib = [texts[i] for i in rng.choice(train_rows, min(args.calib, len(train_rows)), replace=False)]
        ref = np.random.default_rng(args.seed + f).choice(train_rows, min(args.ref, len(train_rows)), replace=False)
        test = (fold == f) & sig
        rows = np.union1d(np.unique(hp[(fold == f) & (pairs.z != 0)].ravel()), ref)
        saved = {s: np.load(args.scores / f"fold{f}_seeds{s}.npz") for s in seeds}
        u = {"linear": standardised(saved[seeds[0]]["linear"], ref)}
        corr: dict[str, float] = {}
        t0 = time.perf_counter()
        for s in seeds:
            u[f"fp32_seed{s}"] = standardised(saved[s][f"seed{s}"], ref)
            model = scorer()
            model.load_state_dict(torch.load(args.scores / f"fold{f}_seed{s}.pt"))
            model.eval()
            with tempfile.TemporaryDirectory() as tmp:
                fp32 = Path(tmp) / "fp32.onnx"
                export_onnx(model, fp32)
                for v in variants:
                    raw = np.zeros(len(texts))
                    raw[rows] = _int8_scores(fp32, Path(tmp) / "int8.onnx", v, calib, [texts[i] for i in rows], max_len)
                    u[f"{v}_seed{s}"] = standardised(raw, ref)
                    corr[f"{v}_seed{s}"] = round(float(np.corrcoef(raw[rows], saved[s][f"seed{s}"][rows])[0, 1]), 5)
        for k in kinds:
            u[f"{k}_mean"] = standardised(np.mean([u[f"{k}_seed{s}"] for s in seeds], axis=0), ref)
            for m in (*(f"seed{s}" for s in seeds), "mean"):
                u[f"{k}_blend_{m}"] = 0.5 * u["linear"] + 0.5 * u[f"{k}_{m}"]
        out = {m: pairwise_accuracy(u[m][hp[test, 0]], u[m][hp[test, 1]], pairs.z[test]) for m in names}
        for m, c in out.items():
            keep[m][test] = c
        res["folds"][f] = {
            "pairs": int(test.sum()),
            "seconds": round(time.perf_counter() - t0, 1),
            "int8_vs_fp32_corr": corr,
            **{m: round(float(c.mean()), 4) for m, c in out.items()},
        }
        print(f"fold {f}: {json.dumps(res['folds'][f])}", flush=True)
        if args.out:
            args.out.write_text(json.dumps(res, indent=2) + "\n")
    res.update(compare_to_baseline(keep, pairs.test, seed=args.seed))
    print(json.dumps(res, indent=2))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
