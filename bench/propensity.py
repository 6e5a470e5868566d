"""Purchase propensity from emotional response: Recommended IND of the Women's Clothing reviews.

Usage: nice -n 10 .venv/bin/python bench/propensity.py [--data FILE] [--cache /tmp/...npz] [--folds 5] [--json]

Every review with text (22,641 of 23,486) is scored once by the project's emotion model (``minilm-finetuned``,
int8 ONNX, 28 GoEmotions probabilities); the probabilities are cached in ``--cache`` (in /tmp, never in the
repository) so later runs only fit. Features: the 28 emotion probabilities and the text features of
:func:`empathic.predict.propensity.text_features` (length, questions, exclamations, ...). The rating is NOT a
feature (it is read only to report how much of the recommendation it alone would explain, as a ceiling).
AUC from stratified K-fold out-of-fold predictions with a bootstrap CI; calibration bins; standardised
logistic coefficients with Wald 95% CIs.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import time
from pathlib import Path

import numpy as np

DATA = (
    Path(__file__).resolve().parents[2] / "shared/data/womens_clothing_reviews/womens_clothing_ecommerce_reviews.csv.gz"
)
CACHE = Path("/tmp/empathic_bench_propensity_emotions.npz")


def read_reviews(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, recommended 0/1, rating) of the rows that have review text."""
    texts, rec, rating = [], [], []
    with gzip.open(path, "rb") as fh:
        for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8", newline="")):
            text = (row.get("Review Text") or "").strip()
            if not text:
                continue
            texts.append(text)
            rec.append(float(row["Recommended IND"]))
            rating.append(float(row["Rating"]))
    return texts, np.array(rec), np.array(rating)


def emotion_probs(texts: list[str], cache: Path) -> tuple[np.ndarray, float]:
    """``[n, 28]`` emotion probabilities, from the cache when it matches these texts."""
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        if str(z["digest"]) == digest and len(z["probs"]) == len(texts):
            return z["probs"], float(z["seconds"])
    from empathic.analyse.emotion.models import FinetunedEmotion

    model = FinetunedEmotion(threads=1)
    started = time.perf_counter()
    parts = [model.predict_proba(texts[i : i + 512]) for i in range(0, len(texts), 512)]
    seconds = time.perf_counter() - started
    probs = np.concatenate(parts).astype(np.float64)
    np.savez(cache, probs=probs, digest=digest, seconds=seconds)
    return probs, seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--cache-only", action="store_true", help="Score and cache the emotions, then stop.")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    texts, y, rating = read_reviews(args.data)
    probs, score_seconds = emotion_probs(texts, args.cache)
    if args.cache_only:
        print(f"{len(texts)} reviews scored in {score_seconds:.1f} s; cached in {args.cache}")
        return
    from empathic.analyse.emotion.taxonomy import LABELS
    from empathic.predict.propensity import analyse_propensity, roc_auc, text_features

    tx, tx_names = text_features(texts)
    started = time.perf_counter()
    variants = {
        "emotions + text": (np.column_stack([probs, tx]), [*LABELS, *tx_names]),
        "emotions only": (probs, list(LABELS)),
        "text features only": (tx, tx_names),
    }
    results = {
        name: analyse_propensity(X, y, names, target="Recommended IND", folds=args.folds, n_boot=args.bootstrap)
        for name, (X, names) in variants.items()
    }
    fit_seconds = time.perf_counter() - started
    rating_auc = roc_auc(y, rating)
    out = {
        "reviews": len(texts),
        "positives": int(y.sum()),
        "emotion_scoring_seconds": round(score_seconds, 1),
        "fit_seconds_all_variants": round(fit_seconds, 1),
        "rating_alone_auc_ceiling": round(rating_auc, 4),
        "variants": {k: r.to_dict() for k, r in results.items()},
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(
        f"{len(texts):,} reviews, {int(y.sum()):,} recommend ({y.mean():.1%}); emotions scored in {score_seconds:.0f} s"
    )
    for name, r in results.items():
        print(f"{name:>20}: AUC {r.auc:.4f} (95% CI {r.auc_ci[0]:.4f} to {r.auc_ci[1]:.4f}), Brier {r.brier:.4f}")
    print(f"(rating alone, not a feature: AUC {rating_auc:.4f})")
    best = results["emotions + text"]
    print("top contributions (log-odds per 1 SD, 95% CI):")
    for e in best.effects[:12]:
        print(f"  {e.feature:>16} {e.coef:+.3f} ({e.ci_low:+.3f} to {e.ci_high:+.3f})")
    print("calibration (mean predicted → observed, n):")
    for b in best.calibration:
        print(f"  [{b.lo:.1f}, {b.hi:.1f}) {b.mean_predicted:.3f} → {b.observed:.3f}  n={b.n}")


if __name__ == "__main__":
    main()
