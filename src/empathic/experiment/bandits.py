"""Thompson sampling over narrative variants, per segment, and the offline replay evaluator. Pure, no I/O.

* Bernoulli rewards (click / no click): each arm's rate has a Beta(1 + successes, 1 + failures) posterior.
* Gaussian rewards (revenue, time on page): each arm's mean has the Student-t posterior of the Jeffreys
  prior, ``mean + sd/√n · t(n - 1)``; an arm with fewer than two rewards has no posterior yet, so such arms
  are tried first (uniformly among them).

Thompson sampling draws one value from every arm's posterior and plays the largest, so an arm is played
with the probability that it is the best (Thompson 1933; Chapelle and Li 2011).

:func:`replay` evaluates a policy offline on events logged under a uniformly random policy (Li et al. 2011,
"Unbiased offline evaluation of contextual-bandit-based news article recommendation algorithms"): an event
counts only when the policy picks the arm that was logged, and only those events update the policy.

Policies are registry backends (kind ``bandit_policy``, entry points ``empathic.bandit_policy``), built as
``factory(arms, kind=..., seed=...)``: ``thompson`` (the default) and two light baselines, ``epsilon-greedy``
and ``uniform``; :class:`FixedArm` is the hindsight baseline of a replay.

>>> from empathic.types import BanditKind, BanditState, MetricStats
>>> state = BanditState("subject", "55+", BanditKind.BERNOULLI,
...                     {"calm": MetricStats(200, 30.0, 30.0), "urgent": MetricStats(200, 10.0, 10.0)})
>>> p = prob_best(state, np.random.default_rng(0))
>>> p["calm"] > 0.99, choose(state, np.random.default_rng(1))
(True, 'calm')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from scipy import stats as sps

from empathic.types import BanditKind, BanditState, MetricStats, ReplayResult


def posterior_draws(s: MetricStats, kind: BanditKind, rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` draws of an arm's mean reward from its posterior (``+inf`` for an untried Gaussian arm)."""
    if kind is BanditKind.BERNOULLI:
        return rng.beta(1.0 + s.sum, 1.0 + s.n - s.sum, size)
    if s.n < 2:
        return np.full(size, np.inf)
    sd = math.sqrt(s.variance / s.n)
    return s.mean + sd * rng.standard_t(s.n - 1, size)


def _draw_matrix(state: BanditState, rng: np.random.Generator, size: int) -> tuple[list[str], np.ndarray]:
    arms = list(state.arms)
    if not arms:
        raise ValueError(f"Bandit {state.bandit!r} has no arms in segment {state.segment!r}.")
    draws = np.stack([posterior_draws(state.arms[a], state.kind, rng, size) for a in arms])
    # random tie-break (untried Gaussian arms are all +inf): add a second key drawn uniformly
    return arms, draws


def _argmax_random_ties(draws: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    top = draws.max(axis=0, keepdims=True)
    tied = draws == top
    noise = rng.random(draws.shape)
    return np.argmax(np.where(tied, noise, -1.0), axis=0)


def choose(state: BanditState, rng: np.random.Generator) -> str:
    """The arm Thompson sampling plays now: the largest of one posterior draw per arm."""
    arms, draws = _draw_matrix(state, rng, 1)
    return arms[int(_argmax_random_ties(draws, rng)[0])]


def prob_best(state: BanditState, rng: np.random.Generator, draws: int = 10_000) -> dict[str, float]:
    """Monte Carlo probability that each arm has the highest mean (the share of traffic it gets)."""
    arms, mat = _draw_matrix(state, rng, draws)
    best = np.bincount(_argmax_random_ties(mat, rng), minlength=len(arms))
    return {a: float(b) / draws for a, b in zip(arms, best, strict=True)}


def check_reward(kind: BanditKind, reward: float) -> str | None:
    """Why ``reward`` does not fit a bandit of ``kind`` (None when it does)."""
    if not math.isfinite(reward):
        return f"the reward must be a finite number, not {reward!r}"
    if kind is BanditKind.BERNOULLI and reward not in (0.0, 1.0):
        return f"a bernoulli bandit takes rewards 0 or 1, not {reward!r}"
    return None


@runtime_checkable
class Policy(Protocol):
    """What :func:`replay` evaluates: pick an arm for a segment, then learn from its reward."""

    name: str

    def choose(self, segment: str = "") -> str: ...

    def update(self, segment: str, arm: str, reward: float) -> Policy: ...


class ThompsonSampling:
    """Thompson-sampling policy over ``arms`` with one posterior per segment (in memory, for replay and tests).

    The workspace keeps the same per-segment state in its store (``empathic bandit``); this class follows
    scikit-learn conventions: parameters in ``__init__``, learned state in ``state_``.

    >>> ts = ThompsonSampling(["a", "b"], seed=0)
    >>> for _ in range(300):
    ...     arm = ts.choose("all")
    ...     _ = ts.update("all", arm, 1.0 if arm == "b" else 0.0)
    >>> ts.state_["all"]["b"].n > ts.state_["all"]["a"].n
    True
    """

    def __init__(self, arms: Sequence[str], kind: BanditKind | str = BanditKind.BERNOULLI, seed: int | None = 0):
        self.arms = tuple(arms)
        self.kind = BanditKind(kind)
        self.seed = seed
        self.name = f"thompson-{self.kind.value}"
        self.state_: dict[str, dict[str, MetricStats]] = {}
        self._rng = np.random.default_rng(seed)

    def _state(self, segment: str) -> BanditState:
        arms = self.state_.setdefault(segment, {a: MetricStats() for a in self.arms})
        return BanditState("replay", segment, self.kind, arms)

    def choose(self, segment: str = "") -> str:
        return choose(self._state(segment), self._rng)

    def update(self, segment: str, arm: str, reward: float) -> ThompsonSampling:
        self._state(segment)
        r = float(reward)
        self.state_[segment][arm] = self.state_[segment][arm] + MetricStats(1, r, r * r)
        return self


class EpsilonGreedy:
    """Light baseline: the arm with the best running mean (ties at random), a random arm with probability ε.

    Arms not yet played are tried first. ``kind`` is accepted for the registry's common signature; the
    running mean serves both reward kinds.

    >>> eg = EpsilonGreedy(["a", "b"], epsilon=0.1, seed=0)
    >>> for _ in range(300):
    ...     arm = eg.choose("all")
    ...     _ = eg.update("all", arm, 1.0 if arm == "b" else 0.0)
    >>> eg.state_["all"]["b"].n > eg.state_["all"]["a"].n
    True
    """

    def __init__(
        self,
        arms: Sequence[str],
        kind: BanditKind | str = BanditKind.BERNOULLI,
        seed: int | None = 0,
        epsilon: float = 0.1,
    ):
        if not 0.0 <= epsilon <= 1.0:
            raise ValueError(f"epsilon must be in [0, 1]. Got {epsilon!r}.")
        self.arms = tuple(arms)
        self.kind = BanditKind(kind)
        self.seed = seed
        self.epsilon = epsilon
        self.name = f"epsilon-greedy-{epsilon:g}"
        self.state_: dict[str, dict[str, MetricStats]] = {}
        self._rng = np.random.default_rng(seed)

    def choose(self, segment: str = "") -> str:
        arms = self.state_.setdefault(segment, {a: MetricStats() for a in self.arms})
        untried = [a for a in self.arms if arms[a].n == 0]
        if untried or self._rng.random() < self.epsilon:
            pool = untried or list(self.arms)
            return pool[int(self._rng.integers(len(pool)))]
        means = np.array([arms[a].mean for a in self.arms])
        return self.arms[int(_argmax_random_ties(means[:, None], self._rng)[0])]

    def update(self, segment: str, arm: str, reward: float) -> EpsilonGreedy:
        arms = self.state_.setdefault(segment, {a: MetricStats() for a in self.arms})
        r = float(reward)
        arms[arm] = arms[arm] + MetricStats(1, r, r * r)
        return self


class UniformRandom:
    """Baseline policy: every arm with equal probability (``kind`` is accepted for the common signature)."""

    def __init__(self, arms: Sequence[str], kind: BanditKind | str = BanditKind.BERNOULLI, seed: int | None = 0):
        self.arms = tuple(arms)
        self.name = "uniform"
        self._rng = np.random.default_rng(seed)

    def choose(self, segment: str = "") -> str:
        return self.arms[int(self._rng.integers(len(self.arms)))]

    def update(self, segment: str, arm: str, reward: float) -> UniformRandom:
        return self


class FixedArm:
    """Baseline policy: always the same arm (e.g. the best one in hindsight)."""

    def __init__(self, arm: str):
        self.arm = arm
        self.name = f"always-{arm}"

    def choose(self, segment: str = "") -> str:
        return self.arm

    def update(self, segment: str, arm: str, reward: float) -> FixedArm:
        return self


def replay(
    events: Iterable[tuple[str, str, float]],
    policy: Policy,
    *,
    alpha: float = 0.05,
) -> ReplayResult:
    """Li et al.'s rejection-sampling replay of ``policy`` on ``(segment, logged arm, reward)`` events.

    The events must come from a uniformly random logging policy, in time order; the result is an unbiased
    estimate of the policy's mean reward per decision, with a normal-approximation CI.

    >>> events = [("s", "a", 0.0), ("s", "b", 1.0)] * 50
    >>> r = replay(events, FixedArm("b"))
    >>> r.matched, r.mean_reward
    (50, 1.0)
    """
    n_events = matched = 0
    total = total_sq = 0.0
    pulls: dict[str, int] = {}
    for segment, arm, reward in events:
        n_events += 1
        if policy.choose(segment) != arm:
            continue
        matched += 1
        r = float(reward)
        total += r
        total_sq += r * r
        pulls[arm] = pulls.get(arm, 0) + 1
        policy.update(segment, arm, r)
    s = MetricStats(matched, total, total_sq)
    lo = hi = float("nan")
    if matched >= 2:
        half = float(sps.norm.ppf(1 - alpha / 2)) * math.sqrt(s.variance / matched)
        lo, hi = s.mean - half, s.mean + half
    return ReplayResult(policy.name, n_events, matched, s.mean, lo, hi, dict(sorted(pulls.items())))
