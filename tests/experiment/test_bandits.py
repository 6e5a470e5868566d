"""Thompson sampling finds the best arm per segment, persists in the store, and replay evaluates it offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from empathic.app.experiment import bandit_recommend, bandit_update
from empathic.errors import BanditError, ExperimentNotFoundError
from empathic.experiment.bandits import FixedArm, ThompsonSampling, UniformRandom, posterior_draws, prob_best, replay
from empathic.experiment.runner import replay_file
from empathic.store import open_store
from empathic.types import BanditKind, BanditState, MetricStats

RATES = {"young": {"bold": 0.12, "calm": 0.05, "story": 0.08}, "older": {"bold": 0.04, "calm": 0.10, "story": 0.07}}


def _uniform_log(n: int, seed: int = 0) -> list[tuple[str, str, float]]:
    """Events logged by a uniformly random policy: the best arm is known per segment."""
    rng = np.random.default_rng(seed)
    arms = sorted(RATES["young"])
    segs = rng.choice(sorted(RATES), n)
    shown = rng.choice(arms, n)
    u = rng.random(n)
    return [(s, a, float(u[i] < RATES[s][a])) for i, (s, a) in enumerate(zip(segs, shown, strict=True))]


def test_posteriors() -> None:
    rng = np.random.default_rng(0)
    d = posterior_draws(MetricStats(100, 30.0, 30.0), BanditKind.BERNOULLI, rng, 200_000)
    assert d.mean() == pytest.approx(31 / 102, abs=2e-3)  # Beta(31, 71)
    g = posterior_draws(MetricStats.from_values([1.0, 2.0, 3.0, 4.0]), BanditKind.GAUSSIAN, rng, 200_000)
    assert np.median(g) == pytest.approx(2.5, abs=0.01)
    assert np.isinf(posterior_draws(MetricStats(1, 3.0, 9.0), BanditKind.GAUSSIAN, rng, 3)).all()
    # untried gaussian arms are tried first, uniformly among them
    state = BanditState("b", "s", BanditKind.GAUSSIAN, {"x": MetricStats.from_values([5.0, 6.0]), "y": MetricStats(),
                                                        "z": MetricStats(1, 1.0, 1.0)})  # fmt: skip
    p = prob_best(state, np.random.default_rng(1), draws=20_000)
    assert p["x"] == 0 and p["y"] == pytest.approx(0.5, abs=0.02) and p["z"] == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize("kind", [BanditKind.BERNOULLI, BanditKind.GAUSSIAN])
def test_thompson_finds_the_best_arm_per_segment(kind: BanditKind) -> None:
    rng = np.random.default_rng(3)
    ts = ThompsonSampling(sorted(RATES["young"]), kind, seed=4)
    for _ in range(4000):
        seg = "young" if rng.random() < 0.5 else "older"
        arm = ts.choose(seg)
        p = RATES[seg][arm]
        reward = float(rng.random() < p) if kind is BanditKind.BERNOULLI else float(rng.normal(10 * p, 0.5))
        ts.update(seg, arm, reward)
    for seg, best in (("young", "bold"), ("older", "calm")):
        pulls = {a: s.n for a, s in ts.state_[seg].items()}
        assert max(pulls, key=lambda a: pulls[a]) == best, (seg, pulls)
        assert pulls[best] > 0.6 * sum(pulls.values())


def test_replay_on_a_uniform_log_ranks_policies_correctly() -> None:
    events = _uniform_log(30_000)
    arms = sorted(RATES["young"])
    ts = replay(events, ThompsonSampling(arms, seed=101))  # seeds apart from the log's
    uni = replay(events, UniformRandom(arms, seed=202))
    fixed = {a: replay(events, FixedArm(a)) for a in arms}
    # a fixed arm's replay value is the unbiased mean of its logged rewards (about a third of events match)
    for a, r in fixed.items():
        truth = np.mean([RATES[s][a] for s in RATES])
        assert r.matched == pytest.approx(len(events) / 3, rel=0.03)
        assert r.ci_low < truth < r.ci_high, (a, r)
    assert uni.mean_reward == pytest.approx(np.mean([v for s in RATES.values() for v in s.values()]), abs=0.006)
    # per-segment Thompson beats uniform and every single arm: the best arm differs by segment (oracle 0.11)
    assert ts.mean_reward > max(r.mean_reward for r in fixed.values()) + 0.01
    assert ts.mean_reward > uni.ci_high and ts.mean_reward == pytest.approx(0.11, abs=0.01)
    assert ts.matched == pytest.approx(len(events) / 3, rel=0.05)


def test_replay_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("seg,arm,r\n" + "".join(f"{s},{a},{int(r)}\n" for s, a, r in _uniform_log(9000, seed=1)))
    results = {r.policy: r for r in replay_file(path, arm_col="arm", reward_col="r", segment_col="seg")}
    assert set(results) == {"thompson-bernoulli", "uniform", "always-bold", "always-calm", "always-story"}
    assert results["thompson-bernoulli"].mean_reward > results["uniform"].mean_reward


@pytest.mark.parametrize("backend", ["sqlite", "memory"])
def test_bandit_persists_in_the_store(tmp_path: Path, backend: str) -> None:
    url = {"url": f"sqlite:///{tmp_path / 'b.sqlite'}"} if backend == "sqlite" else {}
    store = open_store(backend, **url)
    try:
        with pytest.raises(ExperimentNotFoundError, match="--arms"):
            bandit_recommend(store, "subject", "55+")
        rec = bandit_recommend(store, "subject", "55+", arms=["calm", "urgent"], seed=1)
        assert rec.arm in ("calm", "urgent") and sum(rec.prob_best.values()) == pytest.approx(1.0)
        rng = np.random.default_rng(0)
        for _ in range(200):
            arm = bandit_recommend(store, "subject", "55+", seed=int(rng.integers(1 << 30))).arm
            bandit_update(store, "subject", "55+", arm, float(rng.random() < (0.3 if arm == "calm" else 0.1)))
        state = bandit_update(store, "subject", "55+", "calm", 1.0)
        assert state.arms["calm"].n > state.arms["urgent"].n
        again = bandit_recommend(store, "subject", "55+", seed=5)
        assert again == bandit_recommend(store, "subject", "55+", seed=5)  # seeded: reproducible
        assert again.prob_best["calm"] > 0.9
        # another segment has its own posterior
        assert bandit_recommend(store, "subject", "18-24", arms=["calm", "urgent"], seed=0).state.arms["calm"].n == 0
        with pytest.raises(BanditError, match="0 or 1"):
            bandit_update(store, "subject", "55+", "calm", 0.5)
        with pytest.raises(BanditError, match="no arm"):
            bandit_update(store, "subject", "55+", "nope", 1.0)
        with pytest.raises(BanditError, match="bernoulli"):
            bandit_recommend(store, "subject", "55+", arms=["calm"], kind="gaussian")
    finally:
        store.close()


@pytest.mark.parametrize("name", ["thompson", "epsilon-greedy", "uniform"])
@pytest.mark.parametrize("kind", [BanditKind.BERNOULLI, BanditKind.GAUSSIAN])
def test_every_registered_policy_meets_the_policy_contract(name: str, kind: BanditKind) -> None:
    from empathic import registry
    from empathic.experiment.bandits import Policy

    arms = sorted(RATES["young"])
    make = registry.get("bandit_policy", name)
    a, b = make(arms, kind=kind, seed=7), make(arms, kind=kind, seed=7)
    assert isinstance(a, Policy) and a.name
    rng = np.random.default_rng(5)
    picks = []
    for _ in range(600):
        seg = "young" if rng.random() < 0.5 else "older"
        arm = a.choose(seg)
        assert arm in arms and b.choose(seg) == arm  # same seed, same decisions
        reward = float(rng.random() < RATES[seg][arm]) if kind is BanditKind.BERNOULLI else float(rng.normal(1, 1))
        assert a.update(seg, arm, reward) is a
        b.update(seg, arm, reward)
        picks.append(arm)
    assert set(picks) == set(arms)  # every policy explores every arm
    r = replay(_uniform_log(3000, seed=2), make(arms, kind=kind, seed=1))
    assert r.events == 3000 and 0 < r.matched < 3000


def test_learning_policies_beat_uniform_in_replay() -> None:
    from empathic.experiment.bandits import EpsilonGreedy

    events = _uniform_log(30_000)
    arms = sorted(RATES["young"])
    uni = replay(events, UniformRandom(arms, seed=202))
    eg = replay(events, EpsilonGreedy(arms, seed=101))
    assert eg.mean_reward > uni.ci_high  # per segment, the greedy arm is the best one most of the time
    with pytest.raises(ValueError, match="epsilon"):
        EpsilonGreedy(arms, epsilon=1.5)


def test_replay_file_takes_policies_by_name(tmp_path: Path) -> None:
    from empathic.errors import UnknownBackendError

    path = tmp_path / "log.csv"
    path.write_text("arm,r\n" + "a,0\nb,1\n" * 100)
    got = [r.policy for r in replay_file(path, arm_col="arm", reward_col="r", policies=["epsilon-greedy"])]
    assert got == ["epsilon-greedy-0.1", "always-a", "always-b"]
    with pytest.raises(UnknownBackendError, match="thompson"):
        replay_file(path, arm_col="arm", reward_col="r", policies=["nope"])
