"""Emotion backends on GoEmotions dev: accuracy (28 labels, Ekman, sentiment) and speed vs BERT-base.

Usage: .venv/bin/python bench/emotion.py [--data ../shared/data/goemotions] [--n 2000] [--json]

Accuracy uses each backend's shipped thresholds (tuned on dev, as documented in the model
manifests), so dev figures are optimistic; the manifests also hold a cross-fitted estimate.
Speed: `empathic.analyse.emotion.tasks.bench` — the backend and a BERT-base-architecture ONNX
encoder on the same texts in the same process; the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from empathic import registry
from empathic.analyse.emotion.data import read_goemotions
from empathic.analyse.emotion.tasks import bench, evaluate_file


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/goemotions")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    dev = args.data / "dev.tsv"
    results: dict[str, dict] = {}
    for backend in registry.names("emotion_model"):
        results[backend] = {"dev": evaluate_file(dev, backend)}
    texts = read_goemotions(dev)[0][: args.n]
    for backend in registry.names("emotion_model"):
        if backend != "vader":
            results[backend]["speed"] = bench(texts, backend)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for backend, r in results.items():
        d = r["dev"]
        line = (
            f"{backend:18s} macro-F1 {d['macro_f1']:.3f}  micro {d['micro_f1']:.3f}  "
            f"ekman {d['ekman_macro_f1']:.3f}  sentiment {d['sentiment_macro_f1']:.3f}"
        )
        if "speed" in r:
            s = r["speed"]
            line += (
                f"  | {s['texts_per_s']:.0f} texts/s, BERT-base {s['baseline_texts_per_s']:.0f}/s, x{s['speedup']:.1f}"
            )
        print(line)


if __name__ == "__main__":
    main()
