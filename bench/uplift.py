"""Uplift on Hillstrom: every registered method, Qini / AUUC / uplift@k with bootstrap CIs.

Usage: nice -n 10 .venv/bin/python bench/uplift.py [--data FILE] [--bootstrap 1000] [--sklift PATH] [--json]

Contrast 1 is the protocol of the scikit-uplift example that reports uplift@30% = 0.0661 for visit
(notebooks/pipeline_usage_EN.ipynb): 'Womens E-Mail' (treated) vs 'No E-Mail' (control), the Mens arm dropped
(42,693 rows); features recency, history_segment, history, mens, womens, zip_code, newbie, channel; a random
50/50 split, ``train_test_split(test_size=0.5, random_state=42)``; uplift@30% with strategy 'overall'. The
example's learner was a class transformation over XGBoost (max_depth=2) with CatBoost target encoding; ours are
the registered backends (one-hot encoding). Contrasts 2 and 3 (Mens vs none, any e-mail vs none) use the same
split rule. With ``--sklift`` (a folder where scikit-uplift is importable, e.g. a ``pip install --target``),
our metrics are recomputed with sklift on the same scores as a cross-check; it is not a dependency.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from empathic import registry
from empathic.predict.uplift_eval import design_matrix, evaluate_uplift, random_split, read_columns

DATA = Path(__file__).resolve().parents[2] / "shared/data/hillstrom/hillstrom.csv.gz"
FEATURES = ("recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel")
CONTRASTS = (("Womens E-Mail", "visit"), ("Mens E-Mail", "visit"), (None, "visit"), ("Womens E-Mail", "conversion"))
PUBLISHED = 0.0661


def sklift_check(columns: dict, treatment: str, outcome: str, methods: list[str]) -> dict[str, dict[str, float]]:
    """Our metrics and sklift's on the same fitted scores (Womens vs none)."""
    import sklift.metrics as sk
    from sklearn.model_selection import train_test_split

    from empathic.predict.uplift import metrics as ours

    arm = np.array([str(v) for v in columns["segment"]])
    keep = (arm == "No E-Mail") | (arm == treatment)
    cols = {c: np.asarray(v)[keep] for c, v in columns.items()}
    y = np.asarray(cols[outcome], dtype=float)
    t = (arm[keep] == treatment).astype(float)
    X, _ = design_matrix(cols, FEATURES)
    train, test = random_split(len(y), 0.5, 42)
    idx_tr, idx_te = train_test_split(np.arange(len(y)), test_size=0.5, random_state=42)
    assert np.array_equal(train, idx_tr) and np.array_equal(test, idx_te), "split differs from train_test_split"
    out = {}
    for name in methods:
        s = registry.get("uplift_model", name)(seed=42).fit(X[train], y[train], t[train]).predict(X[test])
        yt, tt = y[test], t[test]
        out[name] = {
            "uplift@30% ours": ours.uplift_at_k(yt, s, tt, k=0.3),
            "uplift@30% sklift": float(sk.uplift_at_k(yt, s, tt, strategy="overall", k=0.3)),
            "qini ours": ours.qini_auc_score(yt, s, tt),
            "qini sklift": float(sk.qini_auc_score(yt, s, tt)),
            "auuc ours": ours.uplift_auc_score(yt, s, tt),
            "auuc sklift": float(sk.uplift_auc_score(yt, s, tt)),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--sklift", type=Path, default=None, help="Folder with scikit-uplift importable (cross-check).")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    columns = read_columns(args.data)
    methods = registry.names("uplift_model")
    runs = {}
    for treatment, outcome in CONTRASTS:
        started = time.perf_counter()
        r = evaluate_uplift(
            columns,
            outcome=outcome,
            treatment_col="segment",
            control="No E-Mail",
            treatment=treatment,
            features=FEATURES,
            methods=methods,
            test_size=0.5,
            seed=42,
            n_boot=args.bootstrap,
        )
        runs[f"{outcome}: {r.treatment} vs No E-Mail"] = (r, time.perf_counter() - started)
    out: dict = {
        "published_sklift_uplift_at_30": PUBLISHED,
        "runs": {k: r.to_dict() | {"seconds": round(s, 1)} for k, (r, s) in runs.items()},
    }
    if args.sklift:
        sys.path.insert(0, str(args.sklift))
        warnings.filterwarnings("ignore", category=FutureWarning)
        out["sklift_cross_check"] = sklift_check(columns, "Womens E-Mail", "visit", methods)
    for run in out["runs"].values():
        for m in run["methods"]:
            m.pop("curve")
    if args.json:
        print(json.dumps(out, indent=2))
        return

    def fmt(e: dict) -> str:
        return f"{e['value']:+.4f} ({e['ci_low']:+.4f} to {e['ci_high']:+.4f})"

    for key, (r, seconds) in runs.items():
        print(f"\n{key}: train {r.n_train:,} / test {r.n_test:,}; ATE {fmt(r.ate.to_dict())} ({seconds:.1f} s)")
        print(f"{'method':>30} | {'Qini (normalised)':>27} | {'AUUC (normalised)':>27} | {'uplift@30%':>27}")
        for m in r.methods:
            d = m.to_dict()
            print(f"{m.method:>30} | {fmt(d['qini']):>27} | {fmt(d['auuc']):>27} | {fmt(d['uplift_at']['30%']):>27}")
    print(f"\npublished (scikit-uplift example, class transformation + XGBoost): uplift@30% = {PUBLISHED}")
    for name, row in out.get("sklift_cross_check", {}).items():
        print(name, {k: round(v, 6) for k, v in row.items()})


if __name__ == "__main__":
    main()
