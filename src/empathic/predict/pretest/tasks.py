"""Pre-test entry points: rank variants, evaluate a shipped model on an Upworthy-format file.

``evaluate`` runs the whole protocol with no retraining: read the file, build the pairs (same
test, same image, different headlines), keep the significant ones (``|z| > 1.96``), score both
headlines with the model, and count how often the better-clicked one scores higher.

>>> [s.rank for s in rank(["You Won't Believe This", "Quarterly results"], model="lexicon-ngram")]
[1, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from empathic import registry
from empathic.predict.pretest.pairs import Z_CRITICAL, bootstrap_ci, build_pairs, pairwise_accuracy, read_packages
from empathic.types import PretestEvaluation, PretestScore

DEFAULT_MODEL = "minilm-pairwise"


def get_pretest_model(name: str = DEFAULT_MODEL, **options: Any) -> Any:
    """Instantiate the pre-test model registered as ``name`` (kind ``pretest_model``)."""
    return registry.get("pretest_model", name)(**options)


def rank(texts: Sequence[str], *, model: str | Any = DEFAULT_MODEL, top_drivers: int = 6) -> list[PretestScore]:
    """Variants ranked by predicted click-through (best first) with the drivers behind each score."""
    m = get_pretest_model(model) if isinstance(model, str) else model
    return m.rank(list(texts), top_drivers=top_drivers)


def evaluate(
    path: str | Path,
    *,
    model: str | Any = DEFAULT_MODEL,
    z_critical: float = Z_CRITICAL,
    exclude_flagged: bool = False,
    n_boot: int = 2000,
    seed: int = 0,
) -> PretestEvaluation:
    """Pairwise accuracy of ``model`` on the significant headline pairs of ``path`` (.csv, .csv.gz, .parquet)."""
    m = get_pretest_model(model) if isinstance(model, str) else model
    packages = read_packages(path)
    pairs = build_pairs(packages, exclude_flagged=exclude_flagged)
    sig = np.abs(pairs.z) > z_critical
    chosen = pairs.subset(sig)
    used = np.unique(np.concatenate([chosen.a, chosen.b]))
    texts = sorted({packages.headline[i] for i in used})
    util = dict(zip(texts, m.score(texts), strict=True)) if texts else {}
    ua = np.array([util[packages.headline[i]] for i in chosen.a])
    ub = np.array([util[packages.headline[i]] for i in chosen.b])
    correct = pairwise_accuracy(ua, ub, chosen.z) if len(chosen) else np.zeros(0)
    lo, hi = bootstrap_ci(correct, chosen.test, n_boot=n_boot, seed=seed)
    flagged = packages.flagged()[chosen.a]
    clean = correct[~flagged]
    return PretestEvaluation(
        pairs=len(chosen),
        tests=chosen.tests,
        pairwise_accuracy=round(float(correct.mean()), 4) if len(correct) else float("nan"),
        ci_low=round(lo, 4),
        ci_high=round(hi, 4),
        model=getattr(m, "name", type(m).__name__),
        all_pairs=len(pairs),
        flagged_pairs=int(flagged.sum()),
        accuracy_unflagged=round(float(clean.mean()), 4) if len(clean) else None,
    )
