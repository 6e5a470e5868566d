"""Compare uplift methods on one randomised contrast: split, fit, score, bootstrap, store.

:func:`evaluate_uplift` works on columns already in memory (name -> values); :func:`uplift_from_file`
reads a CSV / TSV / Parquet file at the edge (pyarrow) and calls it. The protocol:

1. Keep the rows of the control arm and the treated arm (``treatment``; every other value when not given).
2. Features: the named ``features``, else every other column except *outcome-like* ones — a column that is
   constant within one outcome class but varies within the other (``conversion`` or ``spend`` when the
   outcome is ``visit``), which is what a funnel metric recorded after the treatment looks like. They are
   listed in ``excluded``. Numbers stay numbers (missing → median); text columns are one-hot encoded
   (the 30 most frequent values, the rest pooled).
3. A random split with ``numpy.random.RandomState(seed).permutation``: the first ``ceil(test_size·n)`` rows
   are the test set — the same split as scikit-learn's ``train_test_split(test_size, random_state=seed)``.
4. Each method (registry kind ``uplift_model``) is fitted on the training rows and scored on the test rows:
   Qini, AUUC and uplift@k with stratified bootstrap CIs (:mod:`.uplift.metrics`).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from empathic import registry
from empathic.errors import AnalysisError, ColumnError, InputFileError
from empathic.predict.uplift.metrics import RankedRows, bootstrap_uplift_metrics, curve_points
from empathic.types import Estimate, UpliftEvaluation, UpliftResult

DEFAULT_METHODS = ("two-model", "class-transformation", "two-model-logistic")
DEFAULT_KS = (0.1, 0.2, 0.3)
MAX_LEVELS = 30
Z_95 = 1.959963984540054


def read_columns(path: str | Path) -> dict[str, np.ndarray]:
    """All columns of a CSV / TSV / Parquet file (``.gz`` too) as arrays; text stays text."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"No file at {p}.", hint="Pass the path of a CSV, TSV or Parquet file with --data.")
    name = p.name.lower().removesuffix(".gz")
    try:
        if name.endswith(".parquet"):
            table = pq.read_table(p)
        else:
            delimiter = "\t" if name.endswith(".tsv") else ","
            table = pacsv.read_csv(p, parse_options=pacsv.ParseOptions(delimiter=delimiter))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputFileError(f"Could not read {p} as a table: {exc}", hint="Check the format and the header.") from exc
    return {c: table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names}


def _as_text(values: np.ndarray) -> np.ndarray:
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


def _as_float(values: np.ndarray) -> np.ndarray | None:
    try:
        return np.array([np.nan if v is None or v == "" else float(v) for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _outcome(values: np.ndarray, name: str) -> np.ndarray:
    y = _as_float(values)
    if y is None or np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
        raise AnalysisError(
            f"The outcome {name!r} must be 0/1 for every row.",
            hint="Pick a binary outcome column (e.g. visit, conversion), or derive one before running uplift.",
        )
    return y


def outcome_like(columns: Mapping[str, np.ndarray], y: np.ndarray, candidates: Sequence[str]) -> list[str]:
    """Columns constant within one outcome class and varying within the other (post-outcome funnel metrics)."""
    found = []
    for c in candidates:
        v = _as_text(columns[c])
        sets = [set(v[y == cls].tolist()) for cls in (0.0, 1.0)]
        if min(len(s) for s in sets) == 1 and max(len(s) for s in sets) > 1:
            found.append(c)
    return found


def design_matrix(columns: Mapping[str, np.ndarray], features: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Numeric columns as they are (missing → median), text columns one-hot (top 30 values, rest ``other``)."""
    parts, names = [], []
    for c in features:
        num = _as_float(columns[c])
        if num is not None:
            med = float(np.nanmedian(num)) if np.isfinite(num).any() else 0.0
            parts.append(np.where(np.isnan(num), med, num)[:, None])
            names.append(c)
            continue
        text = _as_text(columns[c])
        levels = [v for v, _ in Counter(text.tolist()).most_common(MAX_LEVELS)]
        for level in levels:
            parts.append((text == level).astype(np.float64)[:, None])
            names.append(f"{c}={level}")
        rest = ~np.isin(text, levels)
        if rest.any():
            parts.append(rest.astype(np.float64)[:, None])
            names.append(f"{c}=other")
    if not parts:
        raise AnalysisError("No feature columns are left to model uplift with.", hint="Name them with --features.")
    return np.concatenate(parts, axis=1), names


def random_split(n: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) row indices; the test set is the first ``ceil(test_size·n)`` of a seeded permutation.

    >>> train, test = random_split(10, 0.5, 42)
    >>> len(train), len(test), sorted([*train, *test]) == list(range(10))
    (5, 5, True)
    """
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a share in (0, 1). Got {test_size}.")
    perm = np.random.RandomState(seed).permutation(n)
    n_test = math.ceil(test_size * n)
    return perm[n_test:], perm[:n_test]


def _ate(y: np.ndarray, t: np.ndarray) -> Estimate:
    yt, yc = y[t == 1], y[t == 0]
    diff = float(yt.mean() - yc.mean())
    se = math.sqrt(yt.var(ddof=1) / len(yt) + yc.var(ddof=1) / len(yc))
    return Estimate(diff, diff - Z_95 * se, diff + Z_95 * se)


def evaluate_uplift(
    columns: Mapping[str, np.ndarray],
    *,
    outcome: str,
    treatment_col: str,
    control: str,
    treatment: str | None = None,
    features: Sequence[str] | None = None,
    methods: Sequence[str] = DEFAULT_METHODS,
    test_size: float = 0.5,
    seed: int = 42,
    n_boot: int = 1000,
    ks: Sequence[float] = DEFAULT_KS,
    strategy: str = "overall",
) -> UpliftResult:
    """Fit and score each uplift method on a held-out split of one randomised contrast (see the module docstring).

    >>> rng = np.random.default_rng(0); n = 3000; x = rng.normal(size=n)
    >>> arm = np.where(rng.random(n) < 0.5, "mail", "none")
    >>> visit = (rng.random(n) < 0.1 + 0.3 * (arm == "mail") * (x > 0)).astype(int)
    >>> r = evaluate_uplift({"x": x, "arm": arm, "visit": visit}, outcome="visit", treatment_col="arm",
    ...                     control="none", methods=["two-model-logistic"], n_boot=50)
    >>> r.n_test, r.methods[0].uplift_at["30%"].value > r.ate.value
    (1500, True)
    """
    for c in (outcome, treatment_col, *(features or ())):
        if c not in columns:
            raise ColumnError(f"No column {c!r} in the data.", hint=f"Columns: {', '.join(columns)}.")
    arm = _as_text(columns[treatment_col])
    present = sorted(set(arm.tolist()))
    for value in (control, treatment):
        if value is not None and value not in present:
            raise ColumnError(
                f"No row has {treatment_col} = {value!r}.",
                hint=f"Values of {treatment_col}: {', '.join(present[:20])}.",
            )
    keep = (arm == control) | ((arm == treatment) if treatment is not None else (arm != control))
    cols = {c: np.asarray(v)[keep] for c, v in columns.items()}
    t = (arm[keep] != control).astype(np.float64)
    y = _outcome(cols[outcome], outcome)
    if t.sum() < 10 or (1 - t).sum() < 10:
        raise AnalysisError(
            f"Too few rows per arm to model uplift ({int(t.sum())} treated, {int((1 - t).sum())} control).",
            hint="At least 10 rows per arm are needed; far more for useful estimates.",
        )
    excluded: list[str] = []
    if features is None:
        candidates = [c for c in cols if c not in (outcome, treatment_col)]
        excluded = outcome_like(cols, y, candidates)
        features = [c for c in candidates if c not in excluded]
    X, names = design_matrix(cols, features)
    train, test = random_split(len(y), test_size, seed)
    evaluations = []
    for name in methods:
        factory = registry.get("uplift_model", name)
        started = time.perf_counter()
        try:
            scores = factory(seed=seed).fit(X[train], y[train], t[train]).predict(X[test])
        except ValueError as exc:  # e.g. an arm of the training rows has only one outcome
            raise AnalysisError(f"Uplift method {name!r} could not be fitted: {exc}") from exc
        seconds = time.perf_counter() - started
        evaluations.append(_evaluate(name, y[test], scores, t[test], ks, strategy, n_boot, seed, seconds))
    yt, tt = y[test], t[test]
    return UpliftResult(
        outcome=outcome,
        treatment_col=treatment_col,
        treatment=treatment if treatment is not None else f"any value but {control}",
        control=control,
        features=tuple(names),
        n_train=len(train),
        n_test=len(test),
        treated_rate=float(yt[tt == 1].mean()) if (tt == 1).any() else float("nan"),
        control_rate=float(yt[tt == 0].mean()) if (tt == 0).any() else float("nan"),
        ate=_ate(yt, tt),
        methods=tuple(evaluations),
        split=f"random {1 - test_size:.0%} train / {test_size:.0%} test, RandomState({seed}).permutation",
        n_boot=n_boot,
        seed=seed,
        excluded=tuple(excluded),
    )


def _evaluate(
    name: str,
    y: np.ndarray,
    scores: np.ndarray,
    t: np.ndarray,
    ks: Sequence[float],
    strategy: str,
    n_boot: int,
    seed: int,
    seconds: float,
) -> UpliftEvaluation:
    metrics = bootstrap_uplift_metrics(y, scores, t, ks=ks, strategy=strategy, n_boot=n_boot, seed=seed)
    ranked = RankedRows(y, np.asarray(scores, dtype=np.float64), t)
    w = np.ones(len(y))
    share, qini = curve_points(*ranked.qini(w))
    _, upl = curve_points(*ranked.uplift(w))
    at = {f"{round(k * 100):d}%": metrics[f"uplift@{round(k * 100):d}%"] for k in ks}
    status = "empty_arm_in_top_k" if any(e.value != e.value for e in at.values()) else "ok"
    return UpliftEvaluation(
        method=name,
        qini=metrics["qini"],
        auuc=metrics["auuc"],
        uplift_at=at,
        curve={"share": share, "qini": qini, "uplift": upl},
        fit_seconds=seconds,
        status=status,
    )


def uplift_from_file(path: str | Path, **options: Any) -> UpliftResult:
    """Read a table file and run :func:`evaluate_uplift` on it (the ``empathic uplift`` command)."""
    return evaluate_uplift(read_columns(path), **options)


def result_name(result: UpliftResult) -> str:
    """The name an uplift result is stored under: ``visit: Womens E-Mail vs No E-Mail``."""
    return f"{result.outcome}: {result.treatment} vs {result.control}"
