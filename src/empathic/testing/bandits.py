"""Conformance suite for bandit policies (registry kind ``bandit_policy``): :func:`check_bandit_policy`.

A policy is built as ``factory(arms, kind=..., seed=...)`` (the registry's common signature) and offers
``choose(segment)`` and ``update(segment, arm, reward)``. Choice probabilities are estimated from many
draws of a frozen policy (no updates), so they hold for any policy, however it decides.

>>> from empathic.experiment.bandits import ThompsonSampling
>>> from empathic.testing import run_checks
>>> "learns_best_arm" in run_checks(check_bandit_policy(ThompsonSampling))
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from empathic.testing.suite import NamedChecks, named
from empathic.types import BanditKind

ARMS = ("calm", "urgent", "playful")
RATES = {"calm": 0.05, "urgent": 0.05, "playful": 0.35}  # a simple Bernoulli problem: "playful" is best
DRAWS = 2000


def _simulate(policy: Any, rounds: int, seed: int, segment: str = "all") -> Counter[str]:
    """Play ``rounds`` of the Bernoulli problem :data:`RATES`; count the arms chosen."""
    rng = np.random.default_rng(seed)
    pulls: Counter[str] = Counter()
    for _ in range(rounds):
        arm = policy.choose(segment)
        assert arm in RATES, f"chose {arm!r}, which is not one of the arms it was given {ARMS}"
        pulls[arm] += 1
        policy.update(segment, arm, float(rng.random() < RATES[arm]))
    return pulls


def _shares(policy: Any, segment: str = "all", draws: int = DRAWS) -> dict[str, float]:
    counts = Counter(policy.choose(segment) for _ in range(draws))
    return {arm: n / draws for arm, n in counts.items()}


def check_bandit_policy(factory: Callable[..., Any], *, rounds: int = 1500) -> NamedChecks:
    """Named checks every bandit policy must pass.

    ``known_arms_only``, ``probabilities_sum_to_one`` (estimated choice shares, each arm reachable before
    any reward), ``reproducible_with_seed``, ``update_returns_self``, ``segments_independent`` (rewards in
    one segment leave another's choices as they were), ``both_reward_kinds`` (Bernoulli and Gaussian), and
    ``learns_best_arm``: after ``rounds`` plays of a three-arm Bernoulli problem (5%, 5%, 35%), the best
    arm got most of the plays. A non-learning baseline (``uniform``) fails that one, by design.
    """

    def make(seed: int | None = 0, kind: BanditKind = BanditKind.BERNOULLI) -> Any:
        policy = factory(ARMS, kind=kind, seed=seed)
        assert callable(getattr(policy, "choose", None)) and callable(getattr(policy, "update", None)), (
            f"{type(policy).__name__} needs choose(segment) and update(segment, arm, reward)"
        )
        assert isinstance(getattr(policy, "name", None), str) and policy.name, "a policy needs a non-empty name"
        return policy

    def known_arms_only() -> None:
        policy = make()
        pulls = _simulate(policy, 300, seed=1)
        assert set(pulls) <= set(ARMS), f"chose arms it was not given: {set(pulls) - set(ARMS)}"
        assert sum(pulls.values()) == 300

    def probabilities_sum_to_one() -> None:
        shares = _shares(make())
        assert set(shares) <= set(ARMS), f"chose arms it was not given: {sorted(shares)}"
        assert abs(sum(shares.values()) - 1.0) < 1e-9, f"choice shares sum to {sum(shares.values())}"
        assert set(shares) == set(ARMS), f"before any reward every arm must be possible; chose only {sorted(shares)}"

    def reproducible_with_seed() -> None:
        runs = [_simulate(make(seed=42), 400, seed=3) for _ in range(2)]
        assert runs[0] == runs[1], f"the same seed and rewards gave different plays: {runs}"

    def update_returns_self() -> None:
        policy = make()
        assert policy.update("all", ARMS[0], 1.0) is policy, "update must return the policy (fit-style chaining)"

    def segments_independent() -> None:
        trained, fresh = make(seed=5), make(seed=5)
        _simulate(trained, 600, seed=2, segment="55+")
        before = _shares(fresh, "18-24", 500)
        after = _shares(trained, "18-24", 500)
        for arm in ARMS:
            gap = abs(before.get(arm, 0.0) - after.get(arm, 0.0))
            assert gap < 0.12, f"rewards in segment '55+' moved the choices in '18-24' ({arm}: {gap:.2f})"

    def both_reward_kinds() -> None:
        for kind in BanditKind:
            policy = make(kind=kind)
            arm = policy.choose("all")
            policy.update("all", arm, 12.5 if kind is BanditKind.GAUSSIAN else 1.0)
            assert policy.choose("all") in ARMS, f"{kind.value}: chose an unknown arm after an update"

    def learns_best_arm() -> None:
        pulls = _simulate(make(seed=0), rounds, seed=11)
        best = max(RATES, key=RATES.__getitem__)
        share = pulls[best] / rounds
        assert share > 0.5, f"after {rounds} plays the best arm ({RATES[best]:.0%}) got only {share:.0%} of them"

    yield from named(
        known_arms_only,
        probabilities_sum_to_one,
        reproducible_with_seed,
        update_returns_self,
        segments_independent,
        both_reward_kinds,
        learns_best_arm,
    )


__all__ = ["ARMS", "RATES", "check_bandit_policy"]
