"""Emotion on long texts: does valence still separate good from bad reviews when a text spans several chunks?

Usage: nice .venv/bin/python bench/emotion_long_texts.py [--data FILE] [--n 600] [--join 4] [--boot 2000] [--json]

Women's clothing reviews (``Review Text``, ``Rating``): positive = rating >= 4, negative = rating <= 2 (3 is
left out). The model (``minilm-finetuned``, the default) reads at most 128 tokens per chunk; these reviews cap at
508 characters, so only ~5% of them are longer than one chunk, and by little. Buckets, each sampled class-balanced
(up to ``--n`` texts, half per class, seeded):

* ``short``: reviews of at most 200 characters (one chunk);
* ``medium``: longer reviews of at most 112 tokens (one chunk);
* ``full``: reviews of 113 to 128 tokens, one full chunk (a length control for ``long`` without chunking);
* ``long``: reviews over 128 tokens (two chunks);
* ``joined``: ``--join`` reviews of the same product with the same rating joined into one text (several chunks).
  Built, not natural: same-rating reviews agree in polarity, so this tests length, not mixed feelings.

Each text is encoded once (:meth:`FinetunedEmotion.chunk_proba`) and its chunks combined both ways
(:func:`aggregate_chunks`): ``weighted-mean`` (the default) and ``max`` (the former rule: per label the highest
chunk, neutral the lowest). Valence comes from the combined probabilities. Reported per bucket and rule: ROC AUC
of valence for positive vs negative with a 95% percentile bootstrap CI (resampling within each class), the paired
difference weighted − max, the differences long − short, joined − short and long − full (independent resamples),
and the share of negative reviews whose top label is a positive emotion (``admiration``, ``love``...). Reference
for ``long`` and ``joined``: each text read whole in one pass (no chunking up to 512 tokens, the encoder's position
limit; the model was fine-tuned on texts of at most 128), to tell what chunking costs from what is hard in the
texts themselves.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from empathic.analyse.emotion.models import AGGREGATIONS, FinetunedEmotion, aggregate_chunks
from empathic.analyse.emotion.taxonomy import LABELS, SENTIMENT_OF, valence_arousal
from empathic.models.onnx import OnnxEncoder
from empathic.models.text import emoji_to_words
from empathic.predict.propensity import roc_auc

DATA = (
    Path(__file__).resolve().parents[2] / "shared/data/womens_clothing_reviews/womens_clothing_ecommerce_reviews.csv.gz"
)
POSITIVE_LABELS = np.array([SENTIMENT_OF[label] == "positive" for label in LABELS])


def read_reviews(path: Path) -> list[tuple[str, int, str]]:
    """(text, rating, product) of the rows with review text and a rating of 1-2 or 4-5."""
    out = []
    with gzip.open(path, "rb") as fh:
        for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8", newline="")):
            text = (row.get("Review Text") or "").strip()
            rating = int(row["Rating"])
            if text and rating != 3:
                out.append((text, rating, row["Clothing ID"]))
    return out


def token_counts(model: FinetunedEmotion, texts: list[str]) -> np.ndarray:
    """Tokens per text as the encoder sees it ([CLS] and [SEP] included)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model.path / "tokenizer.json"))
    tok.no_truncation()
    return np.array([len(e.ids) for e in tok.encode_batch([emoji_to_words(t) for t in texts])])


def joined(reviews: list[tuple[str, int, str]], k: int, rng: np.random.Generator) -> list[tuple[str, int]]:
    """``k`` reviews of one product with one rating joined (blank line between), each review used once."""
    groups: dict[tuple[str, int], list[str]] = defaultdict(list)
    for text, rating, product in reviews:
        groups[(product, rating)].append(text)
    out = []
    for (_, rating), texts in sorted(groups.items()):
        order = rng.permutation(len(texts))
        for start in range(0, len(texts) - k + 1, k):
            out.append(("\n\n".join(texts[i] for i in order[start : start + k]), rating))
    return out


def balanced(items: list[tuple[str, int]], n: int, rng: np.random.Generator) -> list[tuple[str, int]]:
    """Up to ``n // 2`` positives and ``n // 2`` negatives, drawn without replacement."""
    pos = [it for it in items if it[1] >= 4]
    neg = [it for it in items if it[1] <= 2]
    pick = [pos[i] for i in rng.permutation(len(pos))[: n // 2]] + [neg[i] for i in rng.permutation(len(neg))[: n // 2]]
    return pick


def one_pass_valence(model: FinetunedEmotion, texts: list[str], max_length: int = 512) -> tuple[np.ndarray, float]:
    """Valence of each text read in one pass of up to ``max_length`` tokens, and the share that fit in one."""
    enc = OnnxEncoder(
        model.path / model.manifest["model_file"],
        model.path / "tokenizer.json",
        outputs=("logits",),
        max_length=max_length,
        batch_size=16,
    )
    chunks = enc.chunk(texts)
    probs = 1.0 / (1.0 + np.exp(-enc.run(chunks)["logits"].astype(np.float64)))
    whole = float((np.bincount(chunks.owner, minlength=len(texts)) == 1).mean())
    return valence_arousal(aggregate_chunks(probs, chunks.owner, chunks.tokens, len(texts)))[:, 0], whole


def bootstrap_aucs(y: np.ndarray, scores: dict[str, np.ndarray], n_boot: int, rng: np.random.Generator) -> dict:
    """AUC per score for ``n_boot`` class-stratified resamples (the same resamples for every score)."""
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    out = {name: np.empty(n_boot) for name in scores}
    for b in range(n_boot):
        w = np.zeros(len(y))
        w[pos] = rng.multinomial(len(pos), np.full(len(pos), 1 / len(pos)))
        w[neg] = rng.multinomial(len(neg), np.full(len(neg), 1 / len(neg)))
        for name, s in scores.items():
            out[name][b] = roc_auc(y, s, sample_weight=w)
    return out


def _ci(draws: np.ndarray) -> list[float]:
    return [round(float(x), 4) for x in np.percentile(draws, [2.5, 97.5])]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--n", type=int, default=600, help="texts per bucket (half per class) at most")
    ap.add_argument("--join", type=int, default=4, help="reviews joined into one text for the 'joined' bucket")
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    model = FinetunedEmotion()
    max_len = int(model.manifest.get("max_length", 128))

    reviews = read_reviews(args.data)
    tokens = token_counts(model, [t for t, _, _ in reviews])
    natural = [(t, r) for t, r, _ in reviews]
    buckets = {
        "short": [it for it in natural if len(it[0]) <= 200],
        "medium": [it for it, n in zip(natural, tokens, strict=True) if len(it[0]) > 200 and n <= max_len - 16],
        "full": [it for it, n in zip(natural, tokens, strict=True) if max_len - 16 < n <= max_len],
        "long": [it for it, n in zip(natural, tokens, strict=True) if n > max_len],
        "joined": joined(reviews, args.join, rng),
    }
    samples = {name: balanced(items, args.n, rng) for name, items in buckets.items()}
    texts = [t for s in samples.values() for t, _ in s]
    t0 = time.perf_counter()
    rows, owner, chunk_tokens = model.chunk_proba(texts)
    seconds = time.perf_counter() - t0
    chunks = np.bincount(owner, minlength=len(texts))
    text_tokens = np.bincount(owner, weights=chunk_tokens, minlength=len(texts))
    valence = {
        m: valence_arousal(probs)[:, 0]
        for m in AGGREGATIONS
        for probs in [aggregate_chunks(rows, owner, chunk_tokens, len(texts), method=m)]
    }
    top_positive = {
        m: POSITIVE_LABELS[np.argmax(aggregate_chunks(rows, owner, chunk_tokens, len(texts), method=m), axis=1)]
        for m in AGGREGATIONS
    }

    result: dict = {
        "model": f"{model.name}:{model.manifest.get('version', '1')}",
        "max_tokens_per_chunk": max_len,
        "reviews": len(reviews),
        "review_tokens_percentiles": dict(
            zip(["p50", "p90", "p99", "max"], map(int, np.percentile(tokens, [50, 90, 99, 100])), strict=True)
        ),
        "reviews_over_one_chunk": int((tokens > max_len).sum()),
        "encode_seconds": round(seconds, 1),
        "buckets": {},
    }
    draws: dict[str, dict[str, np.ndarray]] = {}
    start = 0
    for name, sample in samples.items():
        sl = slice(start, start + len(sample))
        start += len(sample)
        y = np.array([1 if r >= 4 else 0 for _, r in sample])
        neg = y == 0
        scores = {m: valence[m][sl] for m in AGGREGATIONS}
        if name in ("long", "joined"):
            scores["one_pass"], whole = one_pass_valence(model, [t for t, _ in sample])
        draws[name] = bootstrap_aucs(y, scores, args.boot, rng)
        b: dict = {
            "available": len(buckets[name]),
            "texts": len(sample),
            "positive": int(y.sum()),
            "negative": int(neg.sum()),
            "characters_median": int(np.median([len(t) for t, _ in sample])),
            "tokens_median": int(np.median(text_tokens[sl])),
            "chunks": {str(c): int(k) for c, k in zip(*np.unique(chunks[sl], return_counts=True), strict=True)},
        }
        for m in AGGREGATIONS:
            b[m] = {
                "valence_auc": round(roc_auc(y, valence[m][sl]), 4),
                "ci95": _ci(draws[name][m]),
                "negative_with_positive_top_label": round(float(top_positive[m][sl][neg].mean()), 4),
            }
        if "one_pass" in scores:
            b["one_pass_reference"] = {
                "valence_auc": round(roc_auc(y, scores["one_pass"]), 4),
                "ci95": _ci(draws[name]["one_pass"]),
                "texts_in_one_pass": round(whole, 4),
            }
        diff = draws[name]["weighted-mean"] - draws[name]["max"]
        b["weighted_minus_max"] = {
            "auc": round(b["weighted-mean"]["valence_auc"] - b["max"]["valence_auc"], 4),
            "ci95": _ci(diff),
        }
        result["buckets"][name] = b
    for name, base in (("long", "short"), ("joined", "short"), ("long", "full")):
        for m in AGGREGATIONS:
            r = result["buckets"][name][m]
            r[f"minus_{base}"] = {
                "auc": round(r["valence_auc"] - result["buckets"][base][m]["valence_auc"], 4),
                "ci95": _ci(draws[name][m] - draws[base][m]),
            }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{result['reviews']} reviews (rating <=2 or >=4); tokens p50/p90/p99/max "
        f"{'/'.join(map(str, result['review_tokens_percentiles'].values()))}; "
        f"{result['reviews_over_one_chunk']} over one chunk ({max_len} tokens); encoded in {seconds:.0f} s"
    )
    for name, b in result["buckets"].items():
        print(f"{name:7s} n={b['texts']} ({b['positive']}+/{b['negative']}-) chars~{b['characters_median']} "
              f"tokens~{b['tokens_median']} chunks {b['chunks']}")  # fmt: skip
        for m in AGGREGATIONS:
            r = b[m]
            extra = "".join(
                f"  vs {base} {r[f'minus_{base}']['auc']:+.4f} {r[f'minus_{base}']['ci95']}"
                for base in ("short", "full")
                if f"minus_{base}" in r
            )
            print(f"    {m:13s} AUC {r['valence_auc']:.4f} {r['ci95']}  negatives with a positive top label "
                  f"{r['negative_with_positive_top_label']:.1%}{extra}")  # fmt: skip
        print(f"    weighted - max {b['weighted_minus_max']['auc']:+.4f} {b['weighted_minus_max']['ci95']}")
        if "one_pass_reference" in b:
            r = b["one_pass_reference"]
            print(f"    one pass AUC {r['valence_auc']:.4f} {r['ci95']}, {r['texts_in_one_pass']:.0%} in one")


if __name__ == "__main__":
    main()
