"""Store checks for experiments and bandits (the ``experiments:`` group of :func:`empathic.testing.check_store`)."""

from __future__ import annotations

import math

from empathic.store.base import ExperimentStore
from empathic.types import BanditKind, ExperimentObservation, ExperimentSpec, MetricStats


def _close(a: MetricStats, b: MetricStats) -> bool:
    fields = ("sum", "sum_sq", "pre_sum", "pre_sum_sq", "cross")
    return a.n == b.n and a.pre_n == b.pre_n and all(math.isclose(getattr(a, f), getattr(b, f)) for f in fields)


def definitions(store: ExperimentStore) -> None:
    """Experiment definitions are saved, replaced by name and listed by name."""
    assert store.experiments() == [] and store.experiment_stats("hero") == {}, "a new store has no experiments"
    spec = ExperimentSpec("hero", "control", ("click", "spend"), ("click",), {"control": 1.0, "b": 1.0})
    store.save_experiment(spec)
    store.save_experiment(ExperimentSpec("another", "a"))
    assert [e.name for e in store.experiments()] == ["another", "hero"]
    got = next(e for e in store.experiments() if e.name == "hero")
    assert got == spec, got
    store.save_experiment(ExperimentSpec("hero", "b", ("click",)))
    assert [e.control for e in store.experiments() if e.name == "hero"] == ["b"], "saving again replaces"


def unit_and_part_stats(store: ExperimentStore) -> None:
    """Unit rows (replaced per unit and metric) and pre-aggregated parts sum per arm and metric."""
    store.save_experiment(ExperimentSpec("hero", "control", ("click", "spend"), ("click",)))
    store.save_experiment(ExperimentSpec("another", "a"))

    rows = [
        ExperimentObservation("u1", "control", "click", 1.0, pre=2.0),
        ExperimentObservation("u2", "control", "click", 0.0, pre=1.0),
        ExperimentObservation("u3", "b", "click", 1.0),
        ExperimentObservation("u1", "control", "spend", 12.5, pre=2.0),
    ]
    store.write_experiment_units("hero", rows)
    # the same (unit, metric) written again replaces its value; another experiment stays apart
    store.write_experiment_units("hero", [ExperimentObservation("u2", "control", "click", 1.0, pre=1.0)])
    store.write_experiment_units("another", [ExperimentObservation("u1", "a", "click", 1.0)])
    stats = store.experiment_stats("hero")
    assert set(stats) == {"b", "control"} and set(stats["control"]) == {"click", "spend"}, stats
    assert _close(stats["control"]["click"], MetricStats.from_values([1.0, 1.0], pre=[2.0, 1.0])), stats
    assert _close(stats["b"]["click"], MetricStats(1, 1.0, 1.0)), "a unit without covariate counts in n only"
    assert _close(stats["control"]["spend"], MetricStats.from_values([12.5], pre=[2.0]))

    part = {"control": {"click": MetricStats(100, 7.0, 7.0)}, "c": {"click": MetricStats(90, 9.0, 9.0)}}
    store.write_experiment_aggregates("hero", "file.csv", part)
    store.write_experiment_aggregates("hero", "file.csv", part)  # replacing a part is idempotent
    store.write_experiment_aggregates("hero", "other.csv", {"c": {"click": MetricStats(10, 1.0, 1.0)}})
    stats = store.experiment_stats("hero")
    assert _close(
        stats["control"]["click"], MetricStats.from_values([1.0, 1.0], pre=[2.0, 1.0]) + part["control"]["click"]
    )
    assert _close(stats["c"]["click"], MetricStats(100, 10.0, 10.0)), stats["c"]
    assert set(store.experiment_stats("another")) == {"a"}


def bandit_arms(store: ExperimentStore) -> None:
    """Arms are created once, rewards add to their sufficient statistics, unknown arms raise ``KeyError``."""

    assert store.bandit_states() == []
    store.add_bandit_arms("subject", "55+", BanditKind.BERNOULLI, ["calm", "urgent"])
    store.add_bandit_arms("subject", "55+", BanditKind.BERNOULLI, ["urgent", "playful"])  # only new arms added
    store.add_bandit_arms("subject", "18-24", BanditKind.BERNOULLI, ["calm"])
    store.record_reward("subject", "55+", "calm", 1.0)
    store.record_reward("subject", "55+", "calm", 0.0)
    store.record_reward("subject", "55+", "urgent", 1.0)
    try:
        store.record_reward("subject", "55+", "missing", 1.0)
    except KeyError:
        pass
    else:
        raise AssertionError("a reward for an arm that does not exist must raise KeyError")
    states = store.bandit_states("subject")
    assert [(s.bandit, s.segment) for s in states] == [("subject", "18-24"), ("subject", "55+")], states
    older = states[1]
    assert older.kind is BanditKind.BERNOULLI and list(older.arms) == ["calm", "playful", "urgent"], older
    assert older.arms["calm"] == MetricStats(2, 1.0, 1.0) and older.arms["playful"] == MetricStats()
    assert [s.segment for s in store.bandit_states("subject", "55+")] == ["55+"]
    assert store.bandit_states("nope") == []


EXPERIMENT_CHECKS = (definitions, unit_and_part_stats, bandit_arms)
