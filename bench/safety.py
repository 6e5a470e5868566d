"""The injection/abuse detector on ordinary customer text: false-positive rate, the categories that fire, speed.

Usage: nice .venv/bin/python bench/safety.py [--data ../shared/data/womens_clothing_reviews] [--n 2000]
       [--seeds 0 1 2 3] [--show 10] [--json]

Texts: ``--n`` random reviews (per seed) of the Women's clothing e-commerce reviews, and every demo
testimonial and review (``src/empathic/demo/data``). None of them is an attack, so every flag is a false positive
(some reviews do make health claims or carry a link: the examples are printed to judge them). The attack corpus
(:data:`empathic.testing.attacks.INJECTIONS`) is scanned too: its detection rate must be 100%.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import time
from collections import Counter
from pathlib import Path

from empathic.demo import DATA_DIR
from empathic.safety import scan
from empathic.testing.attacks import INJECTIONS


def _measure(texts: list[str], show: int) -> dict:
    started = time.perf_counter()
    flagged = [(t, v) for t in texts if (v := scan(t)).flagged]
    seconds = time.perf_counter() - started
    return {
        "texts": len(texts),
        "flagged": len(flagged),
        "rate_pct": round(100 * len(flagged) / max(len(texts), 1), 3),
        "categories": dict(Counter(c for _, v in flagged for c in v.categories)),
        "ms_per_text": round(1000 * seconds / max(len(texts), 1), 3),
        "examples": [v.summary() for _, v in flagged[:show]],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    default = Path(__file__).resolve().parents[2] / "shared/data/womens_clothing_reviews"
    ap.add_argument("--data", type=Path, default=default)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with gzip.open(args.data / "womens_clothing_ecommerce_reviews.csv.gz", "rt", encoding="utf-8") as fh:
        reviews = [r["Review Text"] for r in csv.DictReader(fh) if (r.get("Review Text") or "").strip()]
    demo: list[str] = []
    for name in ("testimonials.csv", "reviews.csv"):
        with open(DATA_DIR / name, encoding="utf-8") as fh:
            demo += [r["text"] for r in csv.DictReader(fh)]
    out = {f"clothing_seed{seed}": _measure(random.Random(seed).sample(reviews, args.n), args.show)
           for seed in args.seeds}  # fmt: skip
    out["demo"] = _measure(demo, args.show)
    attacks = [scan(i.text).flagged for i in INJECTIONS]
    out["attacks"] = {"styles": len(attacks), "detected": sum(attacks)}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for name, m in out.items():
        if name == "attacks":
            print(f"attacks: {m['detected']}/{m['styles']} styles detected")
            continue
        print(f"{name}: {m['flagged']}/{m['texts']} flagged ({m['rate_pct']}%), {m['categories']}, "
              f"{m['ms_per_text']} ms/text")  # fmt: skip
        for example in m["examples"]:
            print(f"    {example}")


if __name__ == "__main__":
    main()
