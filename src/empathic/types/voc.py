"""Voice of the customer: themes, needs, design ideas, drivers, personas."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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

    def to_payload(self) -> dict[str, Any]:
        """A JSON-serialisable dict; :meth:`from_payload` reads it back."""
        return {
            "theme_id": self.theme_id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "share": self.share,
            "doc_ids": list(self.doc_ids),
            "quote_ids": list(self.quote_ids),
            "mean_rating": self.mean_rating,
            "emotion_mix": dict(self.emotion_mix),
            "trend": dict(self.trend),
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Theme:
        """The theme stored by :meth:`to_payload`.

        >>> t = Theme(0, "fit", ("fit", "size"), 3, 0.5, (1, 2, 3), (2,), 4.5, {"joy": 0.7}, {"2024-01": 3})
        >>> Theme.from_payload(t.to_payload()) == t
        True
        """
        return cls(
            theme_id=int(data["theme_id"]),
            label=str(data["label"]),
            keywords=tuple(data.get("keywords", ())),
            size=int(data["size"]),
            share=float(data["share"]),
            doc_ids=tuple(int(i) for i in data.get("doc_ids", ())),
            quote_ids=tuple(int(i) for i in data.get("quote_ids", ())),
            mean_rating=None if data.get("mean_rating") is None else float(data["mean_rating"]),
            emotion_mix={str(k): float(v) for k, v in dict(data.get("emotion_mix", {})).items()},
            trend={str(k): int(v) for k, v in dict(data.get("trend", {})).items()},
        )


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

    def to_payload(self) -> dict[str, Any]:
        """The stored form (results kind ``persona``, keyed by name); :meth:`from_payload` reads it back."""
        return {
            "size": self.size,
            "attributes": dict(self.attributes),
            "top_needs": list(self.top_needs),
            "top_themes": list(self.top_themes),
            "emotion_profile": dict(self.emotion_profile),
            "quote_ids": list(self.quote_ids),
            "doc_ids": list(self.doc_ids),
        }

    @classmethod
    def from_payload(cls, name: str, data: Mapping[str, Any]) -> Persona:
        """The persona stored under ``name`` by :meth:`to_payload`.

        >>> p = Persona("West", 2, {"region": "west"}, ("pockets",), (), {"joy": 0.5}, (7,), (7, 9))
        >>> Persona.from_payload(p.name, p.to_payload()) == p
        True
        """
        return cls(
            name=name,
            size=int(data["size"]),
            attributes={str(k): str(v) for k, v in dict(data.get("attributes", {})).items()},
            top_needs=tuple(data.get("top_needs", ())),
            top_themes=tuple(data.get("top_themes", ())),
            emotion_profile={str(k): float(v) for k, v in dict(data.get("emotion_profile", {})).items()},
            quote_ids=tuple(int(i) for i in data.get("quote_ids", ())),
            doc_ids=tuple(int(i) for i in data.get("doc_ids", ())),
        )


@dataclass(frozen=True, slots=True)
class ThemeRun:
    """Themes as the user last computed them, with the settings used (results kind ``themes``, name ``latest``)."""

    themes: tuple[Theme, ...]
    n_themes: int | None = None  # None: chosen by silhouette
    min_theme_size: int = 10
    seed: int = 0

    def to_payload(self) -> dict[str, Any]:
        return {
            "n_themes": self.n_themes,
            "min_theme_size": self.min_theme_size,
            "seed": self.seed,
            "themes": [t.to_payload() for t in self.themes],
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> ThemeRun:
        """The run stored by :meth:`to_payload`.

        >>> run = ThemeRun((Theme(-1, "outliers", (), 1, 1.0, (4,), (4,)),), n_themes=10)
        >>> ThemeRun.from_payload(run.to_payload()) == run
        True
        """
        n = data.get("n_themes")
        return cls(
            themes=tuple(Theme.from_payload(t) for t in data.get("themes", ())),
            n_themes=None if n is None else int(n),
            min_theme_size=int(data.get("min_theme_size", 10)),
            seed=int(data.get("seed", 0)),
        )
