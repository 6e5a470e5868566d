"""Always-valid inference: confidence sequences that stay valid however often the experiment is looked at.

A fixed-horizon 95% CI checked after every batch of users excludes zero under the null far more often than
5% of the time ("peeking"). A *confidence sequence* holds at every sample size at once:
``P(∃ t: θ ∉ CS_t) ≤ α``. Here it is the normal-mixture boundary (Robbins 1970; Howard et al. 2021), used in
its asymptotic form for the difference of two means (Waudby-Smith et al. 2023), which is also the
always-valid CI of the mixture sequential probability ratio test (mSPRT, Johari et al. 2017):

    estimate ± se · sqrt( 2 (tρ² + 1) / (tρ²) · log( sqrt(tρ² + 1) / α ) )

where ``t`` is the number of units, ``se`` the usual standard error of the estimate at ``t`` and
``ρ² = (-2 log α + log(-2 log α + 1)) / tuning`` makes the sequence tightest at ``t = tuning`` units.

>>> lo, hi = normal_mixture_cs(0.02, 0.005, 20_000)
>>> round(lo, 4), round(hi, 4), lo > 0
(0.0047, 0.0353, True)
"""

from __future__ import annotations

import math

NAN = float("nan")


def mixture_rho2(alpha: float = 0.05, tuning: float = 10_000.0) -> float:
    """The mixing variance ``ρ²`` (per unit) that minimises the width of the sequence at ``tuning`` units."""
    if not 0.0 < alpha < 1.0 or not tuning > 0:
        raise ValueError(f"mixture_rho2 needs alpha in (0, 1) and tuning > 0. Got alpha={alpha!r}, tuning={tuning!r}.")
    la = -2.0 * math.log(alpha)
    return (la + math.log(la + 1.0)) / tuning


def normal_mixture_half_width(se: float, t: float, alpha: float = 0.05, tuning: float = 10_000.0) -> float:
    """Half-width of the two-sided normal-mixture confidence sequence after ``t`` units."""
    if not (se >= 0 and t > 0):
        return NAN
    tr = t * mixture_rho2(alpha, tuning)
    return se * math.sqrt(2.0 * (tr + 1.0) / tr * math.log(math.sqrt(tr + 1.0) / alpha))


def normal_mixture_cs(
    estimate: float, se: float, t: float, *, alpha: float = 0.05, tuning: float = 10_000.0
) -> tuple[float, float]:
    """Always-valid ``1 - alpha`` confidence sequence for ``estimate`` (standard error ``se``, ``t`` units).

    Always wider than the fixed-horizon interval ``estimate ± z·se``; the price of being allowed to stop
    the moment it excludes zero.
    """
    half = normal_mixture_half_width(se, t, alpha, tuning)
    return estimate - half, estimate + half


def msprt_statistic(estimate: float, variance: float, tau2: float, null: float = 0.0) -> float:
    """Johari et al.'s mixture likelihood ratio ``Λ`` for the normal mean with a ``N(null, τ²)`` mixture.

    The test rejects ``null`` the first time ``Λ ≥ 1 / α``; the confidence sequence above is exactly the
    set of nulls not rejected (with ``τ² = variance · t · ρ²``).

    >>> round(msprt_statistic(0.0, 1.0, 3.0), 4)
    0.5
    """
    v = variance
    return math.sqrt(v / (v + tau2)) * math.exp(tau2 * (estimate - null) ** 2 / (2.0 * v * (v + tau2)))
