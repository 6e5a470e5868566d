"""Training the project's emotion models (offline jobs; they read files and write model folders).

* ``train_heads``: frozen all-MiniLM-L6-v2 int8 ONNX encoder + :class:`.heads.LogisticHeads` (numpy only).
* ``calibrate``: thresholds of a fine-tuned model tuned on dev through Empathic's own inference path; the
  fine-tune itself (torch, ``pip install 'empathic[train]'``) is :func:`.emotion_finetune.train_finetuned`.

Both tune per-label thresholds on dev only and write ``manifest.json`` with every file's sha256.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from empathic.analyse.emotion.data import read_goemotions
from empathic.analyse.emotion.metrics import cross_fitted_macro_f1, evaluate, tune_group_thresholds, tune_thresholds
from empathic.analyse.emotion.models import ASSETS, FinetunedEmotion, HeadsEmotion
from empathic.analyse.emotion.taxonomy import LABELS
from empathic.models import manifest as model_folder
from empathic.models.onnx import OnnxEncoder
from empathic.train.heads import LogisticHeads

ENCODER_ASSET = ASSETS / HeadsEmotion.asset


def write_manifest(folder: Path, manifest: dict[str, Any], files: list[str]) -> dict[str, Any]:
    """Write ``folder/manifest.json``: ``manifest``, the 28 labels in order and the sha256 of ``files``."""
    return model_folder.write_manifest(folder, {**manifest, "labels": list(LABELS)}, files)


def dev_report(y_dev: np.ndarray, p_dev: np.ndarray, seed: int) -> dict[str, Any]:
    thresholds = tune_thresholds(y_dev, p_dev)
    groups = tune_group_thresholds(y_dev, p_dev)
    return {
        "thresholds": thresholds.tolist(),
        "group_thresholds": groups,
        "dev": evaluate(y_dev, p_dev, thresholds, groups),
        "dev_at_0.5": evaluate(y_dev, p_dev, np.full(len(LABELS), 0.5)),
        "dev_cross_fitted_macro_f1": cross_fitted_macro_f1(y_dev, p_dev, seed),
    }


def embed(
    encoder: OnnxEncoder, texts: list[str], batch: int = 2048, progress: Callable[[int, int], None] | None = None
) -> np.ndarray:
    parts = []
    for i in range(0, len(texts), batch):
        chunk = texts[i : i + batch]
        rows = encoder.chunk(chunk)
        emb = encoder.run(rows)["embedding"].astype(np.float64)
        summed = np.zeros((len(chunk), emb.shape[1]))
        np.add.at(summed, rows.owner, emb * rows.tokens[:, None])
        weights = np.bincount(rows.owner, weights=rows.tokens, minlength=len(chunk))[:, None]
        parts.append(summed / np.maximum(weights, 1e-12))
        if progress:
            progress(min(i + batch, len(texts)), len(texts))
    X = np.concatenate(parts)
    return X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)


def train_heads(
    data: str | Path,
    out: str | Path,
    *,
    seed: int = 13,
    encoder_dir: Path = ENCODER_ASSET,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Fit logistic heads on frozen encoder embeddings of GoEmotions train; thresholds from dev."""
    started = time.perf_counter()
    data, out = Path(data), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    src = json.loads((encoder_dir / "manifest.json").read_text()) if (encoder_dir / "manifest.json").exists() else {}
    model_file = src.get("model_file", "encoder.onnx")
    for f in (model_file, "tokenizer.json"):
        if (encoder_dir / f).resolve() != (out / f).resolve():
            shutil.copyfile(encoder_dir / f, out / f)
    # embed exactly as inference will (HeadsEmotion runs the dynamic-int8 encoder one text per call)
    encoder = OnnxEncoder(
        out / model_file,
        out / "tokenizer.json",
        outputs=("embedding",),
        max_length=128,
        batch_size=HeadsEmotion.default_batch_size,
    )
    train_texts, y_train = read_goemotions(data / "train.tsv")
    dev_texts, y_dev = read_goemotions(data / "dev.tsv")
    X_train = embed(encoder, train_texts, progress=progress)
    X_dev = embed(encoder, dev_texts)
    heads = LogisticHeads(alpha=1e-4, learning_rate=0.05, max_iter=600).fit(X_train, y_train)
    p_dev = heads.predict_proba(X_dev)
    report = dev_report(y_dev, p_dev, seed)
    np.savez(out / "heads.npz", W=heads.coef_.astype(np.float32), b=heads.intercept_.astype(np.float32))
    manifest = {
        "name": "minilm-heads",
        "version": "1",
        "model_file": model_file,
        "heads_file": "heads.npz",
        "max_length": 128,
        "embedding": "mean-pooled last hidden state (not normalised; heads see it L2-normalised)",
        "thresholds": report["thresholds"],
        "group_thresholds": report["group_thresholds"],
        "training": {
            "data": "GoEmotions train.tsv (43,410)",
            "thresholds": "tuned on dev.tsv",
            "seed": seed,
            "heads": {"alpha": 1e-4, "learning_rate": 0.05, "iterations": heads.n_iter_},
            "seconds": round(time.perf_counter() - started, 1),
        },
        "dev": {k: v for k, v in report["dev"].items()},
        "dev_cross_fitted_macro_f1": report["dev_cross_fitted_macro_f1"],
    }
    write_manifest(out, manifest, [model_file, "tokenizer.json", "heads.npz"])
    return {**report, "seconds": round(time.perf_counter() - started, 1), "out": str(out)}


def calibrate(
    model_dir: str | Path,
    dev_tsv: str | Path,
    *,
    seed: int = 13,
    name: str = "minilm-finetuned",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Tune thresholds on dev with Empathic's own inference path and (re)write the model's manifest.

    The model folder needs ``model.onnx`` (outputs ``logits`` and ``embedding``) and ``tokenizer.json``.
    """
    model_dir = Path(model_dir)
    files = ["model.onnx", "tokenizer.json"]
    base = {
        "name": name,
        "version": "1",
        "model_file": "model.onnx",
        "max_length": 128,
        "thresholds": [0.5] * len(LABELS),
        **(extra or {}),
    }
    write_manifest(model_dir, base, files)
    texts, y = read_goemotions(dev_tsv)
    started = time.perf_counter()
    probs = FinetunedEmotion(model_dir).predict_proba(texts)
    seconds = time.perf_counter() - started
    report = dev_report(y, probs, seed)
    manifest = {
        **base,
        "thresholds": report["thresholds"],
        "group_thresholds": report["group_thresholds"],
        "dev": report["dev"],
        "dev_at_0.5": {k: v for k, v in report["dev_at_0.5"].items() if k != "per_label_f1"},
        "dev_cross_fitted_macro_f1": report["dev_cross_fitted_macro_f1"],
        "dev_inference_seconds": round(seconds, 1),
    }
    write_manifest(model_dir, manifest, files)
    return {**report, "seconds": round(seconds, 1), "out": str(model_dir)}
