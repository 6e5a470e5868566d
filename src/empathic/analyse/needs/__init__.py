"""Needs, pain points, wishes and suggestions in customer text, and the backlog they add up to.

:mod:`.cues` finds the sentences (domain-general English cues plus a negative-evaluation fallback);
:mod:`.aspects` names what each one is about from the data itself and groups them into backlog items;
:func:`evaluate` scores the detector against labelled sentences.
"""

from __future__ import annotations

from empathic.analyse.needs.aspects import build_backlog, idea_for, mine_aspects
from empathic.analyse.needs.cues import PRIORITY, RULES, Rule, classify_sentence, detect_needs
from empathic.analyse.needs.evaluate import LABELS, evaluate

__all__ = [
    "LABELS",
    "PRIORITY",
    "RULES",
    "Rule",
    "build_backlog",
    "classify_sentence",
    "detect_needs",
    "evaluate",
    "idea_for",
    "mine_aspects",
]
