"""The Upworthy pre-test protocol: read packages, build headline pairs, keep the significant ones.

One row of the archive is a *package* (an arm): a headline shown with an image in one test.
Two arms form a pair when they belong to the same test (``clickability_test_id``), share the
image (``eyecatcher_id``) and have different headlines, so the headline is what differs. A pair
is *significant* when the two-proportion z statistic of its click-through rates has
``|z| > 1.96``. Pairwise accuracy is the share of significant pairs whose better-clicked arm the
model scores higher (ties count one half).

>>> pk = Packages.from_columns(
...     test_id=["t1", "t1", "t1", "t2", "t2"], image_id=["i", "i", "j", "k", "k"],
...     headline=["A", "B", "C", "D", "D"], impressions=[1000, 1000, 1000, 500, 500],
...     clicks=[50, 20, 30, 10, 12])
>>> p = build_pairs(pk)
>>> len(p), p.a.tolist(), p.b.tolist(), round(float(p.z[0]), 2)
(1, [0], [1], 3.65)
>>> significant(p).tests
1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from empathic.errors import ColumnError, InputFileError

Z_CRITICAL = 1.96
REQUIRED = ("clickability_test_id", "eyecatcher_id", "headline", "impressions", "clicks")
# The archive's maintainers flag randomisation problems for tests run 2013-06-25 .. 2014-01-10.
FLAGGED_WEEKS = (201326, 201402)


@dataclass(frozen=True, slots=True, eq=False)
class Packages:
    """Column arrays of an Upworthy-format file (one entry per package / arm)."""

    test_id: np.ndarray  # [n] str
    image_id: np.ndarray  # [n] str
    headline: list[str]
    impressions: np.ndarray  # [n] int
    clicks: np.ndarray  # [n] int
    test_week: np.ndarray | None = None  # [n] int, yyyyww, where the file has it

    def __len__(self) -> int:
        return len(self.headline)

    @classmethod
    def from_columns(
        cls,
        *,
        test_id: Sequence[str],
        image_id: Sequence[str],
        headline: Sequence[str],
        impressions: Sequence[int],
        clicks: Sequence[int],
        test_week: Sequence[int] | None = None,
    ) -> Packages:
        return cls(
            np.asarray(test_id, dtype=object),
            np.asarray(image_id, dtype=object),
            [str(h) if h is not None else "" for h in headline],
            np.asarray(impressions, dtype=np.int64),
            np.asarray(clicks, dtype=np.int64),
            None if test_week is None else np.asarray(test_week, dtype=np.int64),
        )

    def flagged(self) -> np.ndarray:
        """Packages run in the weeks the maintainers flag for randomisation problems."""
        if self.test_week is None:
            return np.zeros(len(self), dtype=bool)
        return (self.test_week >= FLAGGED_WEEKS[0]) & (self.test_week <= FLAGGED_WEEKS[1])


def read_packages(path: str | Path) -> Packages:
    """Read an Upworthy-format file: ``.csv``, ``.csv.gz`` or ``.parquet`` with the :data:`REQUIRED` columns."""
    import pyarrow as pa

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"No such file: {path}.", hint="Give an Upworthy packages file (.csv, .csv.gz, .parquet).")
    name = path.name.lower()
    try:
        if name.endswith(".parquet") or name.endswith(".pq"):
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        elif name.endswith(".csv") or name.endswith(".csv.gz"):
            import pyarrow.csv as pc

            table = pc.read_csv(
                path,
                parse_options=pc.ParseOptions(newlines_in_values=True),
                convert_options=pc.ConvertOptions(
                    column_types={
                        "clickability_test_id": pa.string(),
                        "eyecatcher_id": pa.string(),
                        "headline": pa.string(),
                    }
                ),
            )
        else:
            raise InputFileError(
                f"Unknown file type {path.name!r}.", hint="Use .csv, .csv.gz or .parquet (Upworthy archive format)."
            )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputFileError(
            f"Could not read {path.name}: {exc}", hint="Check the file is a valid CSV or parquet."
        ) from exc
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise ColumnError(
            f"{path.name} lacks the column(s) {', '.join(missing)}; has {', '.join(table.column_names)}.",
            hint=f"An Upworthy packages file needs: {', '.join(REQUIRED)}.",
        )
    col = {c: table.column(c).to_pylist() for c in (*REQUIRED, "test_week") if c in table.column_names}
    return Packages.from_columns(
        test_id=[str(x) for x in col["clickability_test_id"]],
        image_id=[str(x) for x in col["eyecatcher_id"]],
        headline=col["headline"],
        impressions=[int(x or 0) for x in col["impressions"]],
        clicks=[int(x or 0) for x in col["clicks"]],
        test_week=[int(x or 0) for x in col["test_week"]] if "test_week" in col else None,
    )


@dataclass(frozen=True, slots=True, eq=False)
class Pairs:
    """Headline pairs: package indices ``a``, ``b``, their z statistic (``> 0``: ``a`` clicked more)."""

    a: np.ndarray
    b: np.ndarray
    z: np.ndarray
    test: np.ndarray  # [pairs] test index (0..tests-1), for grouped CV and bootstrap

    def __len__(self) -> int:
        return len(self.a)

    @property
    def tests(self) -> int:
        return len(np.unique(self.test))

    def subset(self, mask: np.ndarray) -> Pairs:
        return Pairs(self.a[mask], self.b[mask], self.z[mask], self.test[mask])


def two_proportion_z(clicks_a: np.ndarray, n_a: np.ndarray, clicks_b: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Pooled two-proportion z; 0 where it is undefined (no impressions, or no clicks in either arm)."""
    n_a = n_a.astype(np.float64)
    n_b = n_b.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa, pb = clicks_a / n_a, clicks_b / n_b
        p = (clicks_a + clicks_b) / (n_a + n_b)
        z = (pa - pb) / np.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b))
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)


def build_pairs(packages: Packages, *, exclude_flagged: bool = False) -> Pairs:
    """Every pair of arms in one test with the same image and different headlines.

    ``exclude_flagged`` drops tests in the weeks flagged for randomisation problems.
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    keep = ~packages.flagged() if exclude_flagged else np.ones(len(packages), dtype=bool)
    for i, (t, e) in enumerate(zip(packages.test_id, packages.image_id, strict=True)):
        if keep[i] and packages.impressions[i] > 0:
            groups[(t, e)].append(i)
    a: list[int] = []
    b: list[int] = []
    for idx in groups.values():
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                i, j = idx[x], idx[y]
                if packages.headline[i].strip() != packages.headline[j].strip():
                    a.append(i)
                    b.append(j)
    ai, bi = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    z = two_proportion_z(packages.clicks[ai], packages.impressions[ai], packages.clicks[bi], packages.impressions[bi])
    _, test = np.unique(packages.test_id[ai].astype(str), return_inverse=True) if len(ai) else ([], ai)
    return Pairs(ai, bi, z, np.asarray(test, dtype=np.int64))


def significant(pairs: Pairs, z_critical: float = Z_CRITICAL) -> Pairs:
    """The pairs whose click-through rates differ significantly (``|z| > z_critical``)."""
    return pairs.subset(np.abs(pairs.z) > z_critical)


def pairwise_accuracy(score_a: np.ndarray, score_b: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Per pair: 1 if the higher score is the better-clicked arm, 0 if not, 0.5 for a tie.

    >>> pairwise_accuracy(np.array([1.0, 0.0, 2.0]), np.array([0.0, 1.0, 2.0]), np.array([2.5, 3.0, -2.0])).tolist()
    [1.0, 0.0, 0.5]
    """
    d = np.sign(score_a - score_b) * np.sign(z)
    return np.where(d == 0, 0.5, (d > 0).astype(np.float64))


def bootstrap_ci(
    correct: np.ndarray, test: np.ndarray, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean of ``correct``, resampling whole tests (clusters)."""
    if len(correct) == 0:
        return (float("nan"), float("nan"))
    _, inv = np.unique(test, return_inverse=True)
    k = inv.max() + 1
    sums = np.bincount(inv, weights=correct, minlength=k)
    counts = np.bincount(inv, minlength=k).astype(np.float64)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, k, size=(n_boot, k))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def compare_to_baseline(
    correct: Mapping[str, np.ndarray], test: np.ndarray, *, baseline: str = "linear", seed: int = 0
) -> dict[str, Any]:
    """Accuracy with a test-clustered bootstrap CI per model, and each model's paired gain over ``baseline``.

    ``correct`` maps a model name to its per-pair correctness (``pairwise_accuracy``), NaN where a pair
    was not scored (a fold not run); only pairs the baseline scored count.

    >>> r = compare_to_baseline({"linear": np.array([1.0, 0.0, np.nan]), "new": np.array([1.0, 1.0, np.nan])},
    ...                         np.array([1, 2, 3]))
    >>> r["new"]["pairwise_accuracy"], r["new"]["minus_linear"]["mean"], r["pairs"], r["tests"]
    (1.0, 0.5, 2, 2)
    """
    ok = ~np.isnan(correct[baseline])
    res: dict[str, Any] = {}
    for name, c in correct.items():
        lo, hi = bootstrap_ci(c[ok], test[ok], seed=seed)
        res[name] = {"pairwise_accuracy": round(float(c[ok].mean()), 4), "ci95": [round(lo, 4), round(hi, 4)]}
        if name != baseline:
            d = c[ok] - correct[baseline][ok]
            lo, hi = bootstrap_ci(d, test[ok], seed=seed)
            res[name][f"minus_{baseline}"] = {"mean": round(float(d.mean()), 4), "ci95": [round(lo, 4), round(hi, 4)]}
    res["pairs"], res["tests"] = int(ok.sum()), len(np.unique(test[ok]))
    return res
