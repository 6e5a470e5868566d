"""VADER sentiment (Hutto & Gilbert 2014): the light, lexicon-based sentiment analyser.

Scores: ``compound`` in [-1, 1] and the ``pos``/``neu``/``neg`` proportions. The usual cut-offs
(compound >= 0.05 positive, <= -0.05 negative) are applied in reports, not stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class VaderSentiment:
    """Sentiment from the vaderSentiment lexicon (English; handles emoji, caps, "but").

    >>> VaderSentiment().analyse(["This is terrible."])[0]["compound"] < 0
    True
    """

    name = "vader"
    version = "3.3.2-1"
    outputs = ("compound", "pos", "neu", "neg")

    def __init__(self, settings: object = None) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._sia = SentimentIntensityAnalyzer()

    def analyse(self, texts: Sequence[str]) -> list[Mapping[str, float]]:
        out = []
        for text in texts:
            s = self._sia.polarity_scores(text or "")
            out.append({k: float(s[k]) for k in self.outputs})
        return out
