"""Library functions behind ``empathic emotion score|evaluate|bench`` (the CLI only renders them)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from empathic.analyse.emotion.analyser import get_emotion_model
from empathic.analyse.emotion.data import read_goemotions
from empathic.analyse.emotion.metrics import evaluate
from empathic.analyse.emotion.taxonomy import EKMAN, LABELS, SENTIMENT, group_proba, valence_arousal

DEFAULT_BACKEND = "minilm-finetuned"


def score_texts(texts: Sequence[str], backend: str = DEFAULT_BACKEND, *, top: int = 3) -> list[dict[str, Any]]:
    """Per text: labels above the model's thresholds, top labels, groups, valence and arousal."""
    model = get_emotion_model(backend)
    probs = model.predict_proba(list(texts))
    thresholds = np.asarray(model.thresholds)
    ekman = group_proba(probs, EKMAN)
    sentiment = group_proba(probs, SENTIMENT)
    va = valence_arousal(probs)
    out = []
    for i, text in enumerate(texts):
        order = np.argsort(-probs[i])
        out.append(
            {
                "text": text,
                "emotions": [LABELS[j] for j in order if probs[i, j] >= thresholds[j]],
                "top": [{"label": LABELS[j], "p": round(float(probs[i, j]), 4)} for j in order[:top]],
                "ekman": {g: round(float(v), 4) for g, v in zip(EKMAN, ekman[i], strict=True)},
                "sentiment": {g: round(float(v), 4) for g, v in zip(SENTIMENT, sentiment[i], strict=True)},
                "valence": round(float(va[i, 0]), 4),
                "arousal": round(float(va[i, 1]), 4),
            }
        )
    return out


def sentence_scores(text: str, backend: str = DEFAULT_BACKEND) -> list[dict[str, Any]]:
    """Emotions per sentence of one text (labels over threshold and top 3 per sentence)."""
    from empathic.models.text import split_sentences

    return score_texts(split_sentences(text), backend)


def evaluate_file(path: str | Path, backend: str = DEFAULT_BACKEND) -> dict[str, Any]:
    """Score a GoEmotions-format TSV with the backend's shipped thresholds (no tuning on it)."""
    texts, y = read_goemotions(path)
    model = get_emotion_model(backend)
    started = time.perf_counter()
    probs = model.predict_proba(texts)
    seconds = time.perf_counter() - started
    group_thresholds = getattr(model, "manifest", {}).get("group_thresholds")
    if group_thresholds is None and hasattr(model, "group_thresholds"):
        group_thresholds = model.group_thresholds
    result = evaluate(y, probs, model.thresholds, group_thresholds)
    return {"backend": backend, **result, "seconds": round(seconds, 2)}


def _throughput(fn: Any, texts: Sequence[str], repeats: int) -> float:
    fn(texts[: min(64, len(texts))])  # warm-up: session initialisation, memory arenas
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def bench(
    texts: Sequence[str], backend: str = DEFAULT_BACKEND, *, repeats: int = 2, baseline_dir: str | Path | None = None
) -> dict[str, Any]:
    """texts/s of ``backend`` and of a BERT-base-architecture ONNX encoder on the same texts, same process.

    The baseline (12 layers, hidden 768, random weights: speed does not depend on values) is built
    with :mod:`.baseline` and run through the same tokenizer, batching and thread settings.
    """
    from empathic.analyse.emotion.baseline import build_bert_base_onnx
    from empathic.analyse.emotion.models import ASSETS
    from empathic.models.onnx import OnnxEncoder

    model = get_emotion_model(backend)
    ours = _throughput(model.predict_proba, texts, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(baseline_dir or tmp) / "bert-base-random.onnx"
        if not path.exists():
            build_bert_base_onnx(path)
        tokenizer = next(ASSETS.glob("*/tokenizer.json"))
        encoder = OnnxEncoder(path, tokenizer, outputs=("embedding",), max_length=128)

        def baseline(batch: Sequence[str]) -> None:
            encoder.run(encoder.chunk(batch))

        theirs = _throughput(baseline, texts, repeats)
    return {
        "backend": backend,
        "n": len(texts),
        "texts_per_s": round(ours, 1),
        "baseline": "bert-base-architecture",
        "baseline_texts_per_s": round(theirs, 1),
        "speedup": round(ours / theirs, 2),
        "threads": encoder.session.get_session_options().intra_op_num_threads,
    }
