"""Validity check of the pre-test features: do negative words raise click-through, positive ones lower it?

Robertson et al. (2023, *Nature Human Behaviour*) found on the Upworthy archive that each
negative word in a headline raised its click-through rate by about 2.3% and each positive word
lowered it by about 1%. This reproduces the *direction* with the VADER lexicon (they used
LIWC): a binomial-weighted linear regression of the headline's log-odds of a click on its
negative- and positive-word counts and its word count, with test fixed effects (everything
demeaned within test, so only headlines of the same test are compared), and 95% CIs from
test-clustered (CR1) standard errors.

>>> heads = ["awful news", "good news", "awful awful news", "news", "sad day", "happy day", "a day", "day"]
>>> pk = Packages.from_columns(test_id=["t"] * 4 + ["u"] * 4, image_id=["i"] * 8, headline=heads,
...     impressions=[1000] * 8, clicks=[60, 40, 70, 50, 33, 21, 26, 24])
>>> effects = word_effects(pk, min_tests=2)
>>> effects["negative_words"].value > 0 > effects["positive_words"].value
True
"""

from __future__ import annotations

import numpy as np

from empathic.predict.pretest.features import HANDCRAFTED, handcrafted
from empathic.predict.pretest.pairs import Packages
from empathic.types import Estimate

TERMS = ("negative_words", "positive_words", "words")


def word_effects(packages: Packages, *, exclude_flagged: bool = False, min_tests: int = 30) -> dict[str, Estimate]:
    """Per-word effect on the log-odds of a click (test fixed effects, clustered CIs) and ``n``/``tests`` counts.

    Returns an :class:`Estimate` per term in :data:`TERMS`, plus ``relative:<term>`` (``exp(b) - 1``,
    the relative change in CTR per extra word, since CTRs are small) and ``n`` / ``tests`` as
    estimates without intervals. Too few tests give NaN intervals, not an exception.
    """
    keep = (packages.impressions > 0) & (packages.clicks > 0) & (packages.clicks < packages.impressions)
    if exclude_flagged:
        keep &= ~packages.flagged()
    idx = np.flatnonzero(keep)
    _, test = np.unique(packages.test_id[idx].astype(str), return_inverse=True)
    k = int(test.max()) + 1 if len(idx) else 0
    feats = handcrafted([packages.headline[i] for i in idx])
    x = feats[:, [HANDCRAFTED.index(t) for t in TERMS]]
    c, n = packages.clicks[idx].astype(np.float64), packages.impressions[idx].astype(np.float64)
    y = np.log(c / (n - c))
    w = 1.0 / (1.0 / c + 1.0 / (n - c))  # inverse variance of the empirical log-odds
    nan = float("nan")
    out: dict[str, Estimate] = {"n": Estimate(float(len(idx))), "tests": Estimate(float(k))}
    if k < min_tests or len(idx) <= k + len(TERMS):
        return out | {t: Estimate(nan) for t in TERMS}

    def demean(v: np.ndarray) -> np.ndarray:
        sw = np.bincount(test, weights=w, minlength=k)
        if v.ndim == 1:
            return v - (np.bincount(test, weights=w * v, minlength=k) / sw)[test]
        return np.column_stack([demean(v[:, j]) for j in range(v.shape[1])])

    xd, yd = demean(x), demean(y)
    xtwx = xd.T @ (xd * w[:, None])
    beta = np.linalg.solve(xtwx, xd.T @ (w * yd))
    resid = yd - xd @ beta
    scores = np.zeros((k, len(TERMS)))
    np.add.at(scores, test, xd * (w * resid)[:, None])
    bread = np.linalg.inv(xtwx)
    dof = (k / (k - 1)) * ((len(idx) - 1) / (len(idx) - k - len(TERMS)))
    cov = dof * bread @ (scores.T @ scores) @ bread
    se = np.sqrt(np.diag(cov))
    for j, t in enumerate(TERMS):
        b, lo, hi = float(beta[j]), float(beta[j] - 1.96 * se[j]), float(beta[j] + 1.96 * se[j])
        out[t] = Estimate(b, lo, hi)
        out[f"relative:{t}"] = Estimate(float(np.expm1(b)), float(np.expm1(lo)), float(np.expm1(hi)))
    return out
