"""Narrate: grounded narratives and the quotes they use."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from empathic.types.core import _frozen_map

# -- narrate: grounded, injection-safe narratives (issue 5) ----------------------------------------------------------


class NarrativeFormat(enum.StrEnum):
    """What a narrative is for. ``scene-script`` is a short first-person scene (video, VR/AR)."""

    AD = "ad"
    EMAIL = "email"
    LANDING = "landing"
    SOCIAL = "social"
    VIDEO_SCRIPT = "video-script"
    SCENE_SCRIPT = "scene-script"


@dataclass(frozen=True, slots=True)
class SourceQuote:
    """A customer text a narrative may draw on. Only ``consent is True`` texts can be quoted;
    the others are passed only so the output guard can prove none of their words leaked."""

    doc_id: int
    text: str
    consent: bool | None
    incentivised: bool = False
    author: str | None = None
    product: str | None = None
    emotions: Mapping[str, float] = field(default_factory=dict)  # label -> probability, for --emotion
    highlight: str = ""  # preferred sentence (verbatim in ``text``), e.g. the ranker's highlight

    def __post_init__(self) -> None:
        object.__setattr__(self, "emotions", _frozen_map(self.emotions))


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """A span of a narrative inside quotation marks, and the consented document it comes from."""

    doc_id: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "text": self.text}


@dataclass(frozen=True, slots=True)
class Narrative:
    """A narrative that passed the guards: every quote verbatim from a consented source.

    ``checks`` records what the guards found (unsupported numbers and claims are flagged, not
    fatal); ``attempts`` counts generations, including those the guards rejected.
    """

    text: str
    format: NarrativeFormat
    backend: str
    quotes: tuple[QuotedSpan, ...]
    checks: Mapping[str, Any] = field(default_factory=dict)
    persona: str | None = None
    emotion: str | None = None
    attempts: int = 1
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", _frozen_map(self.checks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "quotes": [q.to_dict() for q in self.quotes],
            "checks": dict(self.checks),
            "backend": self.backend,
            "format": self.format.value,
            "persona": self.persona,
            "emotion": self.emotion,
            "attempts": self.attempts,
            "seconds": round(self.seconds, 3),
        }
