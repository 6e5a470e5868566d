"""Safety: what the injection/abuse detector found in a customer text.

>>> f = Finding(SafetyCategory.URL, "www.deals.example", "a web address", 5, 22)
>>> v = SafetyVerdict((f,))
>>> v.flagged, v.categories, v.summary()
(True, ('url',), "url: 'www.deals.example' (a web address)")
>>> SafetyVerdict().flagged
False
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class SafetyCategory(enum.StrEnum):
    """Why a span of customer text must not be ranked, prompted or quoted."""

    INSTRUCTION = "instruction"  # an order addressed to a model (any language), prompt-leak requests, code words
    ROLE_MARKER = "role_marker"  # fake system/assistant turns, chat-template tokens
    MARKUP = "markup"  # HTML/markdown comments, tags, template and JSON delimiters
    ENCODED_PAYLOAD = "encoded_payload"  # base64, hex, percent/binary escapes, leetspeak
    HOMOGLYPH = "homoglyph"  # words mixing scripts, look-alike or styled letters
    BIDI_CONTROL = "bidi_control"  # right-to-left overrides and other direction controls
    INVISIBLE = "invisible"  # zero-width and tag characters hidden inside words
    URL = "url"
    CONTACT = "contact"  # e-mail, phone, @handle, "DM me"
    INSULT = "insult"
    DEFAMATION = "defamation"  # accusations of crimes or fraud against a company or person
    MEDICAL_CLAIM = "medical_claim"
    ABSOLUTE_CLAIM = "absolute_claim"  # "100% guaranteed", "never fails", "works for everyone"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a text is flagged: its category, the matched span (as written), a plain-words reason and
    the span's ``start``/``end`` offsets in the scanned text (-1 when it has no single place)."""

    category: SafetyCategory
    match: str
    reason: str
    start: int = -1
    end: int = -1

    def describe(self) -> str:
        return f"{self.category.value}: {self.match[:60]!r} ({self.reason})"

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category.value, "match": self.match, "reason": self.reason,
                "start": self.start, "end": self.end}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SafetyVerdict:
    """The detector's verdict on one text: flagged when it has at least one finding (``reasons``)."""

    reasons: tuple[Finding, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories found, in order of first finding, without repeats."""
        return tuple(dict.fromkeys(f.category.value for f in self.reasons))

    def summary(self, limit: int = 3) -> str:
        """The first ``limit`` findings in plain words, ``; ``-separated."""
        more = len(self.reasons) - limit
        return "; ".join(f.describe() for f in self.reasons[:limit]) + (f"; +{more} more" if more > 0 else "")

    def to_dict(self) -> dict[str, Any]:
        return {"flagged": self.flagged, "reasons": [f.to_dict() for f in self.reasons]}


@dataclass(frozen=True, slots=True)
class SentenceVerdict:
    """The verdict on one sentence of a text: ``text[start:end]`` is the sentence, verbatim."""

    start: int
    end: int
    text: str
    verdict: SafetyVerdict

    @property
    def flagged(self) -> bool:
        return self.verdict.flagged
