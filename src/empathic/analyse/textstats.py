"""Surface statistics of a text: length, questions, exclamations, emoji, second person."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_WORD = re.compile(r"\b\w+\b")
_SENT = re.compile(r"[.!?]+(\s|$)")
_YOU = re.compile(r"\b(you|your|yours|you're|youre)\b", re.I)
_DIGIT = re.compile(r"\d")


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return 0x1F300 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F000 <= cp <= 0x1F2FF


class TextStats:
    """Counts that later stages use as features (light, no model).

    >>> TextStats().analyse(["Do you love it? 😍"])[0]["questions"]
    1.0
    """

    name = "length"
    version = "1"
    outputs = ("chars", "words", "sentences", "questions", "exclamations", "emoji", "second_person", "digits")

    def __init__(self, settings: object = None) -> None:
        """Takes no settings; the argument keeps the analyser factory signature uniform."""

    def analyse(self, texts: Sequence[str]) -> list[Mapping[str, float]]:
        out = []
        for text in texts:
            t = text or ""
            out.append(
                {
                    "chars": float(len(t)),
                    "words": float(len(_WORD.findall(t))),
                    "sentences": float(max(1, len(_SENT.findall(t))) if t.strip() else 0),
                    "questions": float(t.count("?")),
                    "exclamations": float(t.count("!")),
                    "emoji": float(sum(1 for ch in t if _is_emoji(ch))),
                    "second_person": float(len(_YOU.findall(t))),
                    "digits": float(len(_DIGIT.findall(t))),
                }
            )
        return out
