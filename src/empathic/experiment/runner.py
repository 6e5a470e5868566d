"""Entry points that read files: experiment readouts and bandit replays straight from a file.

They wire :mod:`~empathic.experiment.sources` (files) and the pure inference modules together; the
store-backed use cases (experiments and bandits in a workspace) are :mod:`empathic.app.experiment`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from empathic import registry
from empathic.errors import ExperimentDataError
from empathic.experiment.analysis import analyze
from empathic.experiment.bandits import FixedArm, Policy, check_reward, replay
from empathic.experiment.sources import iter_batches, stream_stats
from empathic.types import (
    BanditKind,
    ExperimentResult,
    ReplayResult,
)


def check_control(stats: Mapping[str, Any], control: str, where: str) -> None:
    if control not in stats:
        raise ExperimentDataError(
            f"The control arm {control!r} has no data in {where}.",
            hint=f"Arms found: {', '.join(sorted(stats)) or 'none'}. Pass one of them as --control.",
        )


def run_analysis(stats: Mapping[str, Mapping[str, Any]], **options: Any) -> ExperimentResult:
    """:func:`analyze` with bad parameters (alpha, correction, weights) turned into a coded error."""
    weights = options.get("weights")
    if weights and set(weights) != set(stats):
        raise ExperimentDataError(
            f"--weights names {', '.join(sorted(weights))}, but the arms are {', '.join(sorted(stats))}.",
            hint="Give one planned share per arm, e.g. control=1,b=1.",
        )
    try:
        return analyze(stats, **options)
    except ValueError as exc:
        raise ExperimentDataError(str(exc), hint="See `empathic experiment analyze --help`.") from exc


def analyze_file(
    path: str | Path,
    *,
    variant_col: str,
    control: str,
    metrics: Sequence[str],
    binary: Sequence[str] = (),
    pre_col: str | None = None,
    fmt: str | None = None,
    weights: Mapping[str, float] | None = None,
    **options: Any,
) -> ExperimentResult:
    """Stream a one-row-per-unit file into sufficient statistics and analyse it (see :func:`analyze`)."""
    stats = stream_stats(path, variant_col=variant_col, metrics=metrics, pre_col=pre_col, binary=binary, fmt=fmt)
    check_control(stats, control, str(path))
    return run_analysis(
        stats,
        control=control,
        metrics=metrics,
        binary=set(binary),
        experiment=Path(path).name,
        weights=weights,
        **options,
    )


def replay_file(
    path: str | Path,
    *,
    arm_col: str,
    reward_col: str,
    segment_col: str | None = None,
    kind: BanditKind | str = BanditKind.BERNOULLI,
    seed: int = 0,
    fmt: str | None = None,
    policies: Sequence[str] = ("thompson", "uniform"),
) -> list[ReplayResult]:
    """Replay the named ``policies`` (``bandit_policy`` backends) and every fixed arm on a log of uniformly
    random decisions.

    Rows are taken in file order (the time order of the log). Segmentation (``segment_col``) gives each
    segment its own posterior, as ``empathic bandit`` does in a workspace.
    """
    factories = [registry.get("bandit_policy", name) for name in policies]  # unknown names fail before reading
    cols = [arm_col, reward_col, *([segment_col] if segment_col else [])]
    events: list[tuple[str, str, float]] = []
    texts = [arm_col, *([segment_col] if segment_col else [])]
    for batch in iter_batches(path, cols, fmt=fmt, text_columns=texts):
        arms = [str(a) for a in batch.column(arm_col).to_pylist()]
        rewards = np.asarray(batch.column(reward_col).to_numpy(zero_copy_only=False), dtype=float)
        segs = [str(x) for x in batch.column(segment_col).to_pylist()] if segment_col else [""] * len(arms)
        events.extend(zip(segs, arms, rewards.tolist(), strict=True))
    kind = BanditKind(kind)
    for _, _, r in events:
        problem = check_reward(kind, r)
        if problem:
            raise ExperimentDataError(f"{Path(path).name}: {problem}.", hint=f"Check the column {reward_col!r}.")
    names = sorted({a for _, a, _ in events})
    played: list[Policy] = [*(make(names, kind=kind, seed=seed) for make in factories), *(FixedArm(a) for a in names)]
    return [replay(events, p) for p in played]


__all__ = ["analyze_file", "check_control", "replay_file", "run_analysis"]
