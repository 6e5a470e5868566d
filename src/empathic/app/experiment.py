"""Experiment use cases: store an experiment file, read out or list stored experiments, run bandits in a store.

Per-arm statistics are aggregated in SQL (mergeable sufficient statistics); inference is the pure
:mod:`empathic.experiment` modules.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from empathic.errors import BanditError, ExperimentDataError, ExperimentNotFoundError
from empathic.experiment.bandits import check_reward, prob_best
from empathic.experiment.bandits import choose as thompson_choose
from empathic.experiment.runner import check_control, run_analysis
from empathic.experiment.sources import arm_rows, iter_observations, stream_stats
from empathic.store import Store
from empathic.types import (
    BanditKind,
    BanditRecommendation,
    BanditState,
    ExperimentIngestSummary,
    ExperimentListing,
    ExperimentResult,
    ExperimentSpec,
)


def ingest_experiment(
    store: Store,
    path: str | Path,
    *,
    variant_col: str,
    control: str,
    metrics: Sequence[str],
    experiment: str | None = None,
    experiment_col: str | None = None,
    binary: Sequence[str] = (),
    pre_col: str | None = None,
    unit_col: str | None = None,
    n_col: str | None = None,
    fmt: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> ExperimentIngestSummary:
    """Store an experiment file in the workspace, in one of three shapes (see ``ExperimentIngestSummary``).

    * ``unit_col``: unit rows (re-ingesting a unit replaces its values; SQL aggregates them);
    * ``n_col``: one aggregated row per arm (``n_col`` units, metric columns are success counts; all binary),
      ``experiment_col`` may hold several experiments in one file;
    * otherwise the file is streamed into one mergeable part named after the file (ingesting the same file
      name again replaces that part).
    """
    started = time.perf_counter()
    if (experiment is None) == (experiment_col is None):
        raise ExperimentDataError("Give exactly one of an experiment name or an experiment column.")
    if experiment_col is not None and n_col is None:
        raise ExperimentDataError("An experiment column needs one aggregated row per arm (--n-col).")
    part = Path(path).name
    if n_col is not None:
        by_exp = arm_rows(path, variant_col=variant_col, n_col=n_col, metrics=metrics, experiment_col=experiment_col)
        if experiment is not None:
            by_exp = {experiment: by_exp.get("", {})}
        for name, stats in by_exp.items():
            check_control(stats, control, f"{part} (experiment {name!r})")
            store.save_experiment(ExperimentSpec(name, control, tuple(metrics), tuple(metrics), weights or {}))
            store.write_experiment_aggregates(name, part, stats)
        rows = sum(len(v) for v in by_exp.values())
        first = next(iter(by_exp.values()), {})
        mode = "arms"
    else:
        assert experiment is not None
        spec = ExperimentSpec(experiment, control, tuple(metrics), tuple(binary), weights or {})
        if unit_col is not None:
            rows = 0
            for chunk in iter_observations(
                path,
                unit_col=unit_col,
                variant_col=variant_col,
                metrics=metrics,
                pre_col=pre_col,
                binary=binary,
                fmt=fmt,
            ):
                store.write_experiment_units(experiment, chunk)
                rows += len(chunk)
            mode = "units"
        else:
            stats = stream_stats(
                path, variant_col=variant_col, metrics=metrics, pre_col=pre_col, binary=binary, fmt=fmt
            )
            check_control(stats, control, part)
            store.write_experiment_aggregates(experiment, part, stats)
            rows = sum(max((s.n for s in arm.values()), default=0) for arm in stats.values())
            mode = "aggregated"
        store.save_experiment(spec)
        by_exp = {experiment: store.experiment_stats(experiment)}
        first = by_exp[experiment]
    arms = {a: max((s.n for s in m.values()), default=0) for a, m in first.items()}
    return ExperimentIngestSummary(str(path), tuple(by_exp), mode, rows, arms, time.perf_counter() - started)


def experiment_from_store(store: Store, name: str, **options: Any) -> ExperimentResult:
    """Analyse a stored experiment: per-arm stats from SQL, then :func:`~empathic.experiment.analysis.analyze`."""
    specs = {s.name: s for s in store.experiments()}
    if name not in specs:
        raise ExperimentNotFoundError(
            f"No experiment named {name!r} in this workspace.",
            hint=f"Stored: {', '.join(specs) or 'none'}. Add one with: empathic experiment ingest FILE ...",
        )
    spec = specs[name]
    stats = store.experiment_stats(name)
    check_control(stats, spec.control, f"experiment {name!r}")
    metrics = options.pop("metrics", None) or spec.metrics or None
    binary = set(options.pop("binary", None) or spec.binary)
    weights = dict(spec.weights) or None
    return run_analysis(
        stats, control=spec.control, metrics=metrics, binary=binary, experiment=name, weights=weights, **options
    )


def list_experiments(store: Store) -> list[ExperimentListing]:
    """The experiments stored in a workspace, each with its units per arm (from the SQL aggregates).

    >>> from empathic.store import open_store
    >>> list_experiments(open_store("memory"))
    []
    """
    out = []
    for spec in store.experiments():
        stats = store.experiment_stats(spec.name)
        units = {arm: max((s.n for s in per_metric.values()), default=0) for arm, per_metric in sorted(stats.items())}
        out.append(ExperimentListing(spec, units))
    return out


def experiments_from_store(store: Store, **options: Any) -> list[ExperimentResult]:
    """Every stored experiment with data, analysed (for the report)."""
    out = []
    for spec in store.experiments():
        stats = store.experiment_stats(spec.name)
        if spec.control in stats and len(stats) > 1:
            out.append(experiment_from_store(store, spec.name, **options))
    return out


# -- bandits ---------------------------------------------------------------------------------------------


def _state(store: Store, bandit: str, segment: str) -> BanditState | None:
    found = store.bandit_states(bandit, segment)
    return found[0] if found else None


def bandit_recommend(
    store: Store,
    bandit: str,
    segment: str,
    *,
    arms: Sequence[str] | None = None,
    kind: BanditKind | str = BanditKind.BERNOULLI,
    seed: int | None = None,
    draws: int = 10_000,
) -> BanditRecommendation:
    """The arm to show now in ``segment`` (Thompson sampling on the stored rewards).

    ``arms`` creates the bandit (or adds arms to it) in this segment; without it the bandit must exist.
    ``seed`` makes the draw reproducible (tests); leave it None in production.
    """
    kind = BanditKind(kind)
    state = _state(store, bandit, segment)
    if state is not None and arms and state.kind is not kind:
        raise BanditError(
            f"Bandit {bandit!r} in segment {segment!r} is a {state.kind.value} bandit, not {kind.value}.",
            hint=f"Pass --kind {state.kind.value}, or use another bandit name.",
        )
    if arms:
        store.add_bandit_arms(bandit, segment, kind, list(arms))
        state = _state(store, bandit, segment)
    if state is None:
        known = sorted({(s.bandit, s.segment) for s in store.bandit_states(bandit)})
        raise ExperimentNotFoundError(
            f"No bandit {bandit!r} with arms in segment {segment!r}.",
            hint=(
                f"Segments with arms: {', '.join(s for _, s in known) or 'none'}. "
                "Create it with --arms a,b,c on the first recommend."
            ),
        )
    rng = np.random.default_rng(seed)
    arm = thompson_choose(state, rng)
    return BanditRecommendation(bandit, segment, arm, prob_best(state, rng, draws), state)


def bandit_update(store: Store, bandit: str, segment: str, arm: str, reward: float) -> BanditState:
    """Record the reward of showing ``arm`` in ``segment``; returns the new state."""
    state = _state(store, bandit, segment)
    if state is None or arm not in state.arms:
        raise BanditError(
            f"Bandit {bandit!r} has no arm {arm!r} in segment {segment!r}.",
            hint=f"Arms: {', '.join(state.arms) if state else 'none'}. Create arms with: empathic bandit recommend "
            f"--bandit {bandit} --segment {segment} --arms a,b",
        )
    problem = check_reward(state.kind, float(reward))
    if problem:
        raise BanditError(
            f"Bandit {bandit!r}: {problem}.",
            hint="Bernoulli bandits take 1 (success) or 0; gaussian ones any finite number.",
        )
    store.record_reward(bandit, segment, arm, float(reward))
    new = _state(store, bandit, segment)
    assert new is not None
    return new
