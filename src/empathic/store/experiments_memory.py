"""Experiment and bandit methods of the in-memory store (same behaviour as SQL: one conformance suite)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from empathic.store.base import ExperimentStore
from empathic.types import BanditKind, BanditState, ExperimentObservation, ExperimentSpec, MetricStats


class ExperimentMemory(ExperimentStore):
    """Mixed into :class:`~empathic.store.memory.MemoryStore`."""

    def _exp_tables(self) -> None:
        if not hasattr(self, "_experiments"):
            self._experiments: dict[str, ExperimentSpec] = {}
            self._units: dict[tuple[str, str, str], tuple[str, float, float | None]] = {}
            self._parts: dict[tuple[str, str], dict[str, dict[str, MetricStats]]] = {}
            self._bandits: dict[tuple[str, str], tuple[BanditKind, dict[str, MetricStats]]] = {}

    def save_experiment(self, spec: ExperimentSpec) -> None:
        self._exp_tables()
        self._experiments[spec.name] = spec

    def experiments(self) -> list[ExperimentSpec]:
        self._exp_tables()
        return [self._experiments[k] for k in sorted(self._experiments)]

    def write_experiment_units(self, experiment: str, rows: Sequence[ExperimentObservation]) -> None:
        self._exp_tables()
        for r in rows:
            pre = None if r.pre is None else float(r.pre)
            self._units[(experiment, r.unit_id, r.metric)] = (r.variant, float(r.value), pre)

    def write_experiment_aggregates(
        self, experiment: str, part: str, stats: Mapping[str, Mapping[str, MetricStats]]
    ) -> None:
        self._exp_tables()
        self._parts[(experiment, part)] = {v: dict(m) for v, m in stats.items()}

    def experiment_stats(self, experiment: str) -> dict[str, dict[str, MetricStats]]:
        self._exp_tables()
        out: dict[str, dict[str, MetricStats]] = {}
        for (exp, _unit, metric), (variant, v, pre) in self._units.items():
            if exp != experiment:
                continue
            x = 0.0 if pre is None else pre
            add = MetricStats(1, v, v * v, int(pre is not None), x, x * x, v * x)
            arm = out.setdefault(variant, {})
            arm[metric] = arm.get(metric, MetricStats()) + add
        for (exp, _part), by_variant in self._parts.items():
            if exp != experiment:
                continue
            for variant, by_metric in by_variant.items():
                arm = out.setdefault(variant, {})
                for metric, s in by_metric.items():
                    arm[metric] = arm.get(metric, MetricStats()) + s
        return {v: dict(sorted(out[v].items())) for v in sorted(out)}

    def bandit_states(self, bandit: str | None = None, segment: str | None = None) -> list[BanditState]:
        self._exp_tables()
        return [
            BanditState(b, s, kind, dict(sorted(arms.items())))
            for (b, s), (kind, arms) in sorted(self._bandits.items())
            if (bandit is None or b == bandit) and (segment is None or s == segment)
        ]

    def add_bandit_arms(self, bandit: str, segment: str, kind: BanditKind | str, arms: Sequence[str]) -> None:
        self._exp_tables()
        _, have = self._bandits.setdefault((bandit, segment), (BanditKind(kind), {}))
        for a in arms:
            have.setdefault(a, MetricStats())

    def record_reward(self, bandit: str, segment: str, arm: str, reward: float) -> None:
        self._exp_tables()
        arms = self._bandits.get((bandit, segment), (None, {}))[1]
        if arm not in arms:
            raise KeyError((bandit, segment, arm))
        r = float(reward)
        arms[arm] = arms[arm] + MetricStats(1, r, r * r)
