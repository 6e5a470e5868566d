"""``lexicon-ngram``: word n-grams and handcrafted counts only; no ONNX model (the light pre-test backend).

>>> m = LexiconPretest()
>>> ranked = m.rank(["A report on the budget", "You Won't Believe What These 7 Kids Did Next"])
>>> [r.rank for r in ranked], ranked[0].text[:7], "wording" in {d.feature for d in ranked[0].drivers}
([1, 2], 'You Won', True)
"""

from __future__ import annotations

from empathic.predict.pretest.base import LinearPretest


class LexiconPretest(LinearPretest):
    """Word n-grams and handcrafted counts (VADER lexicon words, length, numbers...); no ONNX (light)."""

    name = "lexicon-ngram"
    asset = "upworthy-pretest-light-v1"
