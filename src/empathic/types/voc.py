"""Voice of the customer: themes, needs, design ideas, drivers, personas."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

# -- voice of the customer (issue: mirror and voice of customer) ------------------------------------------


@dataclass(frozen=True, slots=True)
class Theme:
    """A cluster of documents about one subject. ``theme_id`` -1 holds the outliers (never dropped)."""

    theme_id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    share: float
    doc_ids: tuple[int, ...]
    quote_ids: tuple[int, ...]  # representative documents, most central first
    mean_rating: float | None = None
    emotion_mix: Mapping[str, float] = field(default_factory=dict)  # Ekman group -> mean probability
    trend: Mapping[str, int] = field(default_factory=dict)  # YYYY-MM -> documents


class NeedKind(enum.StrEnum):
    """What a customer sentence expresses about the product."""

    NEED = "need"  # "I need a bigger size"
    PAIN_POINT = "pain_point"  # "the zip broke after two weeks"
    WISH = "wish"  # "I wish it had pockets"
    SUGGESTION = "suggestion"  # "runs small, size up" / "please make a petite version"


@dataclass(frozen=True, slots=True)
class NeedSentence:
    """One sentence of a document that expresses a need, pain point, wish or suggestion."""

    doc_id: int
    sentence: str
    kind: NeedKind
    score: float  # detector confidence in [0, 1]
    cue: str = ""  # the pattern or feature that fired (explanation)


@dataclass(frozen=True, slots=True)
class DesignIdea:
    """A backlog item aggregated from need sentences."""

    idea: str
    kind: NeedKind
    evidence: int  # sentences supporting it
    doc_ids: tuple[int, ...]
    quotes: tuple[str, ...]
    products: Mapping[str, int] = field(default_factory=dict)
    mean_rating: float | None = None
    rating_impact: float | None = None  # mean rating of its documents minus the overall mean
    emotion_mix: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DriverEffect:
    """Effect of one feature (theme, emotion) on a target (rating, recommendation), with its CI."""

    target: str
    feature: str
    coef: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    kind: str = "emotion"  # emotion | theme | control


@dataclass(frozen=True, slots=True)
class Persona:
    """An audience segment from author attributes and their own words; stored and named for targeting."""

    name: str
    size: int
    attributes: Mapping[str, str]
    top_needs: tuple[str, ...] = ()
    top_themes: tuple[str, ...] = ()
    emotion_profile: Mapping[str, float] = field(default_factory=dict)
    quote_ids: tuple[int, ...] = ()
    doc_ids: tuple[int, ...] = ()
