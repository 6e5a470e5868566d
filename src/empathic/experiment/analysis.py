"""One experiment's readout from per-arm sufficient statistics: every arm × metric, corrections, SRM.

>>> from empathic.types import MetricStats
>>> stats = {
...     "control": {"click": MetricStats(10_000, 500.0, 500.0)},
...     "b": {"click": MetricStats(10_000, 600.0, 600.0)},
... }
>>> r = analyze(stats, control="control", binary={"click"}, experiment="hero")
>>> b = r.result("b", "click")
>>> round(b.rel_lift, 2), b.p_value < 0.01, r.srm_ok
(0.2, True, True)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from empathic.experiment.stats import CORRECTIONS, compare, control_result, cuped_theta, srm_check
from empathic.types import ExperimentResult, MetricStats, VariantResult

NAN = float("nan")


def analyze(
    stats: Mapping[str, Mapping[str, MetricStats]],
    *,
    control: str,
    metrics: Sequence[str] | None = None,
    binary: Collection[str] = (),
    experiment: str = "",
    alpha: float = 0.05,
    correction: str = "holm",
    cuped: bool = True,
    weights: Mapping[str, float] | None = None,
    srm_threshold: float = 0.001,
    seed: int = 0,
    draws: int = 100_000,
    sequential_tuning: float = 10_000.0,
) -> ExperimentResult:
    """Compare every arm of ``stats`` (arm -> metric -> stats) against ``control``.

    CUPED is used for a metric when ``cuped`` is on and every arm has the pre-period covariate for every unit.
    ``correction`` (``holm``, ``bh`` or ``none``) adjusts the p-values of the variants within each metric.
    ``weights`` are the planned traffic shares for the SRM check (default: equal).
    """
    if control not in stats:
        raise ValueError(f"The control arm {control!r} is not in the data. Arms: {', '.join(sorted(stats))}.")
    if correction not in CORRECTIONS:
        raise ValueError(f"The 'correction' parameter must be one of {sorted(CORRECTIONS)}. Got {correction!r}.")
    variants = (control, *sorted(a for a in stats if a != control))
    if metrics is None:
        metrics = sorted({m for arm in stats.values() for m in arm})
    results: list[VariantResult] = []
    for metric in metrics:
        arms = {a: stats[a].get(metric, MetricStats()) for a in variants}
        is_binary = metric in binary
        theta, pre_mean = NAN, NAN
        if cuped and all(s.has_pre for s in arms.values()):
            theta = cuped_theta(arms.values())
            total = sum(arms.values(), MetricStats())
            pre_mean = total.pre_sum / total.pre_n
        rows = [control_result(arms[control], binary=is_binary, metric=metric, variant=control, alpha=alpha)]
        for i, a in enumerate(variants[1:]):
            rows.append(
                compare(
                    arms[control],
                    arms[a],
                    binary=is_binary,
                    alpha=alpha,
                    variant=a,
                    metric=metric,
                    seed=seed + i,
                    draws=draws,
                    theta=theta if math.isfinite(theta) else None,
                    pre_mean=pre_mean,
                    sequential_tuning=sequential_tuning,
                )
            )
        adjusted = CORRECTIONS[correction]([r.p_value for r in rows[1:]])
        results.append(rows[0])
        for r, p in zip(rows[1:], adjusted, strict=True):
            results.append(_with_adjusted(r, p))
    units = {a: max((s.n for s in stats[a].values()), default=0) for a in variants}
    chi2, p = srm_check(units, weights or dict.fromkeys(variants, 1.0)) if len(variants) > 1 else (NAN, NAN)
    return ExperimentResult(
        experiment=experiment,
        control=control,
        variants=variants,
        metrics=tuple(metrics),
        results=tuple(results),
        units=units,
        srm_chi2=chi2,
        srm_p_value=p,
        srm_ok=not (p < srm_threshold),
        alpha=alpha,
        correction=correction,
        srm_threshold=srm_threshold,
    )


def _with_adjusted(r: VariantResult, p: float) -> VariantResult:
    return replace(r, p_value_adjusted=p)
