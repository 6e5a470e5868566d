"""Does the testimonial score surface reviews other shoppers found helpful? NDCG@10 per department.

Usage: nice .venv/bin/python bench/testimonials.py --workspace /tmp/wc [--json]

The workspace holds the Women's clothing reviews, ingested and analysed as in docs/benchmarks.md
(``--product-col "Clothing ID"``; every other column lands in the document attributes). One query
is one product (Clothing ID) with at least ``--min-reviews`` reviews and some positive feedback;
its reviews are ranked and graded by ``Positive Feedback Count`` (gain = the count; NDCG@10).
The audience is the product's department (``Department Name``): its shoppers' own words and needs.

This is a measurement of the ranker's *scoring function* (:func:`score_inputs`), without the
consent gate: the reviews carry no consent, so no product output could quote them.

Products are split in two halves by a hash of their id. Component weights are tuned (grid, step
0.1) on the ``tune`` half only; every number reported is on the ``report`` half, for the default
weights and for the tuned ones. Baselines: rating (high first, and low first), length (characters)
and random order (expected NDCG over 20 shuffles; rating ties are broken at random the same way).
CIs: 95% percentile bootstrap over the products of a department (2,000 resamples), and paired for
the differences.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from collections import Counter, defaultdict

import numpy as np

from empathic.analyse.needs import detect_needs
from empathic.relate import get_ranker
from empathic.relate.rankers import COMPONENTS
from empathic.relate.signals import POSITIVE_EMOTIONS, mmr
from empathic.relate.testimonials import DEFAULT_WEIGHTS, GENERIC_EMBEDDING
from empathic.types import Audience, DocumentKind, RankingInputs
from empathic.workspace import Workspace

K = 10


def ndcg_at_k(order: np.ndarray, gains: np.ndarray, k: int = K) -> float:
    """NDCG@k of ``order`` (indices, best first) for graded ``gains``; NaN when every gain is 0."""
    g = np.asarray(gains, dtype=np.float64)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    top = g[np.asarray(order)[:k]]
    ideal = np.sort(g)[::-1][:k]
    idcg = float((ideal * disc[: len(ideal)]).sum())
    return float((top * disc[: len(top)]).sum()) / idcg if idcg > 0 else float("nan")


def _shuffled_mean(keys: np.ndarray | None, gains: np.ndarray, rng: np.random.Generator, reps: int = 20) -> float:
    """Mean NDCG of ordering by ``keys`` (descending) with ties broken at random; ``None`` = random order."""
    out = []
    for _ in range(reps):
        noise = rng.random(len(gains))
        order = np.lexsort((noise, -keys)) if keys is not None else np.argsort(noise)
        out.append(ndcg_at_k(order, gains))
    return float(np.mean(out))


def _bootstrap(values: np.ndarray, rng: np.random.Generator, n_boot: int = 2000) -> tuple[float, float]:
    idx = rng.integers(0, len(values), size=(n_boot, len(values)))
    means = values[idx].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def load(ws: Workspace, min_reviews: int, audience_docs: int, seed: int) -> tuple[list[dict], dict]:
    """Queries (one per product) with their precomputed ranking inputs, and department audiences."""
    store = ws.store
    docs = [d for d in store.iter_documents(DocumentKind.REVIEW) if d.product]
    ids = [d.doc_id or 0 for d in docs]
    found, vectors = store.embeddings(GENERIC_EMBEDDING, ids)
    if not found:
        raise SystemExit("No embeddings stored: run `empathic analyze -w DIR` (embedding analyser) first.")
    row = {d: i for i, d in enumerate(found)}
    emb = np.stack([vectors[row[i]] if i in row else np.zeros(vectors.shape[1], np.float32) for i in ids])
    emotion = store.score_matrix("emotion", POSITIVE_EMOTIONS, ids)
    arousal = store.score_matrix("emotion", ["arousal"], ids)[:, 0]
    pn = store.score_matrix("emotion", ["sentiment:positive", "sentiment:negative"], ids)
    compound = store.score_matrix("vader", ["compound"], ids)[:, 0]
    by_dept: dict[str, list[int]] = defaultdict(list)
    by_product: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_dept[d.attrs.get("Department Name") or "unknown"].append(i)
        by_product[d.product or ""].append(i)
    rng = np.random.default_rng(seed)
    audiences = {}
    for dept, members in by_dept.items():
        pick = sorted(rng.choice(members, size=min(audience_docs, len(members)), replace=False).tolist())
        need_rows = [i for i in pick if detect_needs(ids[i], docs[i].text)]
        audiences[dept] = {"rows": pick, "need_rows": need_rows}
    queries = []
    for product, rows in sorted(by_product.items()):
        gains = np.array([float(docs[i].attrs.get("Positive Feedback Count") or 0) for i in rows])
        if len(rows) < min_reviews or gains.max() <= 0:
            continue
        dept = Counter(docs[i].attrs.get("Department Name") or "unknown" for i in rows).most_common(1)[0][0]
        half = "tune" if int(hashlib.sha256(product.encode()).hexdigest()[:8], 16) % 2 == 0 else "report"
        queries.append({"product": product, "dept": dept, "half": half, "rows": rows, "gains": gains})
    data = {"docs": docs, "ids": ids, "emb": emb, "emotion": emotion, "arousal": arousal,
            "sentiment": pn[:, 0] - pn[:, 1], "compound": compound, "audiences": audiences}  # fmt: skip
    return queries, data


def inputs_for(q: dict, data: dict, ranker: str, lexical_audience: int) -> RankingInputs:
    rows, aud = q["rows"], data["audiences"][q["dept"]]
    docs, ids = data["docs"], data["ids"]
    a_rows = aud["rows"] if ranker == "embedding" else aud["rows"][:lexical_audience]
    n_rows = aud["need_rows"] if ranker == "embedding" else aud["need_rows"][: lexical_audience // 2]
    common = {
        "docs": tuple(docs[i] for i in rows),
        "audience": Audience({"Department Name": q["dept"]}, doc_ids=tuple(ids[i] for i in a_rows)),
        "audience_ids": tuple(ids[i] for i in a_rows),
        "emotion_names": POSITIVE_EMOTIONS,
    }
    if ranker == "embedding":
        return RankingInputs(
            **common,
            embeddings=data["emb"][rows],
            emotion=data["emotion"][rows],
            arousal=data["arousal"][rows],
            sentiment=data["sentiment"][rows],
            audience_embeddings=data["emb"][a_rows],
            need_embeddings=data["emb"][n_rows] if n_rows else None,
        )
    return RankingInputs(
        **common,
        sentiment=data["compound"][rows],
        audience_texts=tuple(docs[i].text for i in a_rows),
        need_texts=tuple(docs[i].text for i in n_rows),
    )


def _weight_grid(step: float = 0.1) -> list[dict[str, float]]:
    n = round(1 / step)
    return [
        {c: w * step for c, w in zip(COMPONENTS, combo, strict=True)}
        for combo in itertools.product(range(n + 1), repeat=len(COMPONENTS))
        if sum(combo) == n
    ]


def _score(comp: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    return sum(w * comp[c] for c, w in weights.items())  # type: ignore[return-value]


def run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    with Workspace(args.workspace) as ws:
        queries, data = load(ws, args.min_reviews, args.audience_docs, args.seed)
    loaded = time.perf_counter() - started
    scored: dict[str, list[dict]] = {}
    seconds: dict[str, float] = {}
    for name in args.rankers:
        t0 = time.perf_counter()
        ranker = get_ranker(name)
        out = []
        for q in queries:
            s = ranker.score(inputs_for(q, data, name, args.lexical_audience))
            comp = {c: np.asarray(s.components[c], dtype=np.float64) for c in COMPONENTS}
            out.append({"comp": comp, "sim": np.clip(np.asarray(s.similarity, dtype=np.float32), 0, 1)})
        scored[name] = out
        seconds[name] = time.perf_counter() - t0
    tune = [i for i, q in enumerate(queries) if q["half"] == "tune"]
    report = [i for i, q in enumerate(queries) if q["half"] == "report"]
    tuned: dict[str, dict[str, float]] = {}
    for name, out in scored.items():
        best, best_w = -1.0, dict(DEFAULT_WEIGHTS)
        for w in _weight_grid():
            v = np.nanmean([ndcg_at_k(np.argsort(-_score(out[i]["comp"], w), kind="stable"), queries[i]["gains"])
                            for i in tune])  # fmt: skip
            if v > best:
                best, best_w = float(v), w
        tuned[name] = {k: round(v, 2) for k, v in best_w.items()} | {"tune_ndcg": round(best, 4)}
    methods: dict[str, list[float]] = defaultdict(list)
    for i in report:
        q, gains = queries[i], queries[i]["gains"]
        docs = [data["docs"][r] for r in q["rows"]]
        rating = np.array([d.rating or 0.0 for d in docs])
        length = np.array([float(len(d.text)) for d in docs])
        methods["random"].append(_shuffled_mean(None, gains, rng))
        methods["rating (high first)"].append(_shuffled_mean(rating, gains, rng))
        methods["rating (low first)"].append(_shuffled_mean(-rating, gains, rng))
        methods["length"].append(ndcg_at_k(np.argsort(-length, kind="stable"), gains))
        for name, out in scored.items():
            comp, sim = out[i]["comp"], out[i]["sim"]
            default = _score(comp, dict(DEFAULT_WEIGHTS))
            best = _score(comp, {c: tuned[name][c] for c in COMPONENTS})
            methods[f"{name}: default weights"].append(ndcg_at_k(np.argsort(-default, kind="stable"), gains))
            methods[f"{name}: default + MMR 0.3"].append(ndcg_at_k(np.array(mmr(default, sim, K, lam=0.7)), gains))
            methods[f"{name}: tuned weights"].append(ndcg_at_k(np.argsort(-best, kind="stable"), gains))
            if name == args.rankers[0]:
                for c in COMPONENTS:
                    methods[f"{name}: {c} only"].append(ndcg_at_k(np.argsort(-comp[c], kind="stable"), gains))
    depts = sorted({queries[i]["dept"] for i in report})
    table: dict[str, dict[str, object]] = {}
    for dept in [*depts, "all"]:
        sel = np.array([j for j, i in enumerate(report) if dept == "all" or queries[i]["dept"] == dept])
        row: dict[str, object] = {
            "products": len(sel),
            "reviews": int(sum(len(queries[report[j]]["rows"]) for j in sel)),
        }
        for m, vals in methods.items():
            v = np.asarray(vals)[sel]
            lo, hi = _bootstrap(v, rng)
            row[m] = {"ndcg": round(float(v.mean()), 4), "ci": [round(lo, 4), round(hi, 4)]}
        main = f"{args.rankers[0]}: default weights"
        for base in ("length", "rating (high first)", "random"):
            diff = np.asarray(methods[main])[sel] - np.asarray(methods[base])[sel]
            lo, hi = _bootstrap(diff, rng)
            row[f"{main} − {base}"] = {"diff": round(float(diff.mean()), 4), "ci": [round(lo, 4), round(hi, 4)]}
        table[dept] = row
    return {
        "queries": {"tune": len(tune), "report": len(report)},
        "min_reviews": args.min_reviews,
        "default_weights": dict(DEFAULT_WEIGHTS),
        "tuned_weights (on the tune half)": tuned,
        "by_department (report half)": table,
        "seconds": {"load": round(loaded, 1), **{k: round(v, 1) for k, v in seconds.items()}},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--min-reviews", type=int, default=20)
    ap.add_argument("--audience-docs", type=int, default=2000)
    ap.add_argument("--lexical-audience", type=int, default=300)
    ap.add_argument("--rankers", nargs="+", default=["embedding", "lexical"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    for dept, row in result["by_department (report half)"].items():
        print(f"## {dept}: {row['products']} products, {row['reviews']} reviews")
        for m, v in row.items():
            if isinstance(v, dict):
                val = v.get("ndcg", v.get("diff"))
                print(f"  {m:40s} {val:+.4f}  [{v['ci'][0]:+.4f}, {v['ci'][1]:+.4f}]")


if __name__ == "__main__":
    main()
