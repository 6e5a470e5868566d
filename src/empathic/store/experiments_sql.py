"""Experiment and bandit tables of the SQL store: per-arm sufficient statistics by ``GROUP BY`` in SQL.

Mixed into :class:`~empathic.store.sqlite.SQLiteStore`; portable SQLAlchemy Core (SQLite, PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import Engine, func, insert, literal, select, union_all, update

from empathic.store.base import ExperimentStore
from empathic.store.records import now_iso
from empathic.store.schema import bandit_arms, experiment_aggregates, experiment_units, experiments
from empathic.types import BanditKind, BanditState, ExperimentObservation, ExperimentSpec, MetricStats

_ROWS = 50_000  # observations per executemany


class ExperimentSQL(ExperimentStore):
    """Experiment and bandit methods of the Store protocol for an SQLAlchemy engine."""

    engine: Engine

    @property
    def _is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    # -- experiments -----------------------------------------------------------------------------
    def save_experiment(self, spec: ExperimentSpec) -> None:
        row = {
            "name": spec.name,
            "control": spec.control,
            "metrics": json.dumps(list(spec.metrics)),
            "binary": json.dumps(list(spec.binary)),
            "weights": json.dumps(dict(spec.weights)),
            "created_at": now_iso(),
        }
        with self.engine.begin() as conn:
            conn.execute(experiments.delete().where(experiments.c.name == spec.name))
            conn.execute(insert(experiments), [row])

    def experiments(self) -> list[ExperimentSpec]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(experiments).order_by(experiments.c.name)).mappings().all()
        return [
            ExperimentSpec(
                r["name"],
                r["control"],
                tuple(json.loads(r["metrics"])),
                tuple(json.loads(r["binary"])),
                json.loads(r["weights"]),
            )
            for r in rows
        ]

    def write_experiment_units(self, experiment: str, rows: Sequence[ExperimentObservation]) -> None:
        """Store unit-level observations; a unit's value of a metric written again replaces the old one."""
        payload = [
            {
                "experiment": experiment,
                "unit_id": r.unit_id,
                "metric": r.metric,
                "variant": r.variant,
                "value": float(r.value),
                "pre": None if r.pre is None else float(r.pre),
            }
            for r in rows
        ]
        with self.engine.begin() as conn:
            if not self._is_sqlite:  # portable upsert: delete the keys, then insert
                for r in payload:
                    conn.execute(
                        experiment_units.delete().where(
                            experiment_units.c.experiment == experiment,
                            experiment_units.c.unit_id == r["unit_id"],
                            experiment_units.c.metric == r["metric"],
                        )
                    )
            stmt = insert(experiment_units).prefix_with("OR REPLACE") if self._is_sqlite else insert(experiment_units)
            for i in range(0, len(payload), _ROWS):
                conn.execute(stmt, payload[i : i + _ROWS])

    def write_experiment_aggregates(
        self, experiment: str, part: str, stats: Mapping[str, Mapping[str, MetricStats]]
    ) -> None:
        """Replace the pre-aggregated ``part`` (variant -> metric -> stats) of ``experiment``, atomically."""
        rows = [
            {
                "experiment": experiment,
                "part": part,
                "variant": variant,
                "metric": metric,
                "n": s.n,
                "sum": s.sum,
                "sum_sq": s.sum_sq,
                "pre_n": s.pre_n,
                "pre_sum": s.pre_sum,
                "pre_sum_sq": s.pre_sum_sq,
                "cross": s.cross,
            }
            for variant, by_metric in stats.items()
            for metric, s in by_metric.items()
        ]
        t = experiment_aggregates
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.experiment == experiment, t.c.part == part))
            if rows:
                conn.execute(insert(t), rows)

    def experiment_stats(self, experiment: str) -> dict[str, dict[str, MetricStats]]:
        """Per variant and metric: the sum of unit rows and pre-aggregated parts, one ``GROUP BY`` in SQL."""
        u, a = experiment_units, experiment_aggregates
        pre = func.coalesce(u.c.pre, 0.0)
        units = (
            select(
                u.c.variant.label("variant"),
                u.c.metric.label("metric"),
                func.count().label("n"),
                func.sum(u.c.value).label("s"),
                func.sum(u.c.value * u.c.value).label("ss"),
                func.count(u.c.pre).label("pn"),
                func.sum(pre).label("ps"),
                func.sum(pre * pre).label("pss"),
                func.sum(u.c.value * pre).label("x"),
            )
            .where(u.c.experiment == experiment)
            .group_by(u.c.variant, u.c.metric)
        )
        parts = (
            select(
                a.c.variant.label("variant"),
                a.c.metric.label("metric"),
                func.sum(a.c.n).label("n"),
                func.sum(a.c.sum).label("s"),
                func.sum(a.c.sum_sq).label("ss"),
                func.sum(a.c.pre_n).label("pn"),
                func.sum(a.c.pre_sum).label("ps"),
                func.sum(a.c.pre_sum_sq).label("pss"),
                func.sum(a.c.cross).label("x"),
            )
            .where(a.c.experiment == experiment)
            .group_by(a.c.variant, a.c.metric)
        )
        both = union_all(units, parts).subquery()
        stmt = (
            select(
                both.c.variant,
                both.c.metric,
                *(func.sum(both.c[k]) for k in ("n", "s", "ss", "pn", "ps", "pss", "x")),
            )
            .group_by(both.c.variant, both.c.metric)
            .order_by(both.c.variant, both.c.metric)
        )
        out: dict[str, dict[str, MetricStats]] = {}
        with self.engine.connect() as conn:
            for variant, metric, n, s, ss, pn, ps, pss, x in conn.execute(stmt):
                out.setdefault(variant, {})[metric] = MetricStats(
                    int(n), float(s or 0), float(ss or 0), int(pn or 0), float(ps or 0), float(pss or 0), float(x or 0)
                )
        return out

    # -- bandits ---------------------------------------------------------------------------------
    def bandit_states(self, bandit: str | None = None, segment: str | None = None) -> list[BanditState]:
        """Every stored bandit (or one, or one segment of one) with its arms, sorted by bandit and segment."""
        t = bandit_arms
        stmt = select(t).order_by(t.c.bandit, t.c.segment, t.c.arm)
        if bandit is not None:
            stmt = stmt.where(t.c.bandit == bandit)
        if segment is not None:
            stmt = stmt.where(t.c.segment == segment)
        groups: dict[tuple[str, str], tuple[str, dict[str, MetricStats]]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(stmt).mappings():
                key = (r["bandit"], r["segment"])
                _, arms = groups.setdefault(key, (r["kind"], {}))
                arms[r["arm"]] = MetricStats(int(r["n"]), float(r["sum"]), float(r["sum_sq"]))
        return [BanditState(b, s, BanditKind(kind), arms) for (b, s), (kind, arms) in groups.items()]

    def add_bandit_arms(self, bandit: str, segment: str, kind: BanditKind | str, arms: Sequence[str]) -> None:
        """Create the arms of ``bandit`` in ``segment`` that do not exist yet (with no rewards)."""
        t = bandit_arms
        stamp = now_iso()
        with self.engine.begin() as conn:
            have = set(conn.execute(select(t.c.arm).where(t.c.bandit == bandit, t.c.segment == segment)).scalars())
            new = [a for a in dict.fromkeys(arms) if a not in have]
            if new:
                conn.execute(
                    insert(t),
                    [
                        {
                            "bandit": bandit,
                            "segment": segment,
                            "arm": a,
                            "kind": BanditKind(kind).value,
                            "n": 0,
                            "sum": 0.0,
                            "sum_sq": 0.0,
                            "updated_at": stamp,
                        }
                        for a in new
                    ],
                )

    def record_reward(self, bandit: str, segment: str, arm: str, reward: float) -> None:
        """Add one reward to an arm (created by :meth:`add_bandit_arms`), atomically in SQL."""
        t = bandit_arms
        r = float(reward)
        stmt = (
            update(t)
            .where(t.c.bandit == bandit, t.c.segment == segment, t.c.arm == arm)
            .values(n=t.c.n + 1, sum=t.c.sum + literal(r), sum_sq=t.c.sum_sq + literal(r * r), updated_at=now_iso())
        )
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount != 1:
                raise KeyError((bandit, segment, arm))
