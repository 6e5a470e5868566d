"""Relate: audiences and persona-matched testimonials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from empathic.types.core import Document, DocumentKind, _frozen_map

# -- relate: persona-matched testimonials (issue 5) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a testimonial should speak to: author-attribute filters and, optionally, a stored persona.

    ``doc_ids`` are the audience's own documents and ``needs`` its top needs (filled from the
    persona), used for semantic closeness. :meth:`parse` reads the CLI form.

    >>> Audience.parse("age_band=25-34, region=west").attributes["region"]
    'west'
    """

    attributes: Mapping[str, str] = field(default_factory=dict)
    persona: str | None = None
    doc_ids: tuple[int, ...] = ()
    needs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen_map(self.attributes))

    @classmethod
    def parse(cls, spec: str) -> Audience:
        """``"age_band=25-34,region=west"`` → an audience with those attribute filters."""
        attrs: dict[str, str] = {}
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ValueError(f"Audience filters look like 'age_band=25-34,region=west'. Got {part!r} in {spec!r}.")
            attrs[key.strip()] = value.strip()
        if not attrs:
            raise ValueError(f"The audience {spec!r} names no attribute; use e.g. 'age_band=25-34,region=west'.")
        return cls(attributes=attrs)

    @property
    def label(self) -> str:
        return self.persona or ", ".join(f"{k}={v}" for k, v in self.attributes.items()) or "everyone"

    def to_dict(self) -> dict[str, Any]:
        return {"persona": self.persona, "attributes": dict(self.attributes), "needs": list(self.needs),
                "themes": list(self.themes), "documents": len(self.doc_ids)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RankedTestimonial:
    """A consented customer story ranked for an audience, with its explained score.

    ``components`` (relatability, resonance, specificity, authenticity, ...) are each in [0, 1];
    ``score`` is their weighted sum. ``highlight`` is the sentence of ``text`` (verbatim) that
    speaks most to the audience; ``flags`` are authenticity warnings (``near_duplicate``,
    ``templated``, ``rating_mismatch``, ``burst``). Only consented documents can be ranked:
    ``consent`` must be True, anything else raises (the consent gate, enforced by the type).
    """

    doc_id: int
    source_id: str
    text: str
    score: float
    components: Mapping[str, float]
    consent: bool
    kind: DocumentKind = DocumentKind.TESTIMONIAL
    source: str = ""
    author: str | None = None
    product: str | None = None
    rating: float | None = None
    created_at: str | None = None
    incentivised: bool = False
    attrs: Mapping[str, str] = field(default_factory=dict)
    highlight: str = ""
    flags: tuple[str, ...] = ()
    rank: int = 0

    def __post_init__(self) -> None:
        if self.consent is not True:
            raise ValueError(f"Document {self.doc_id} ({self.source_id}) has no recorded consent; it cannot be ranked.")
        object.__setattr__(self, "components", _frozen_map(self.components))
        object.__setattr__(self, "attrs", _frozen_map(self.attrs))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "doc_id": self.doc_id,
            "source": self.source,
            "source_id": self.source_id,
            "kind": self.kind.value,
            "text": self.text,
            "highlight": self.highlight,
            "score": round(self.score, 6),
            "components": {k: round(v, 6) for k, v in self.components.items()},
            "author": self.author,
            "product": self.product,
            "rating": self.rating,
            "created_at": self.created_at,
            "consent": self.consent,
            "incentivised": self.incentivised,
            "attrs": dict(self.attrs),
            "flags": list(self.flags),
        }


@dataclass(frozen=True, slots=True)
class ExcludedTestimonial:
    """A candidate that was not returned and why (``reason``: ``consent_false``, ``consent_unknown``, ...)."""

    doc_id: int
    source_id: str
    reason: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "source_id": self.source_id, "reason": self.reason, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class TestimonialRanking:
    """The ranked testimonials for one audience, and every candidate left out with its reason."""

    __test__ = False  # not a pytest test class

    audience: Audience
    results: tuple[RankedTestimonial, ...]
    excluded: tuple[ExcludedTestimonial, ...] = ()
    ranker: str = ""
    candidates: int = 0
    weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", _frozen_map(self.weights))

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "audience": self.audience.to_dict(),
            "ranker": self.ranker,
            "candidates": self.candidates,
            "weights": dict(self.weights),
            "results": [r.to_dict() for r in self.results],
            "excluded_count": len(self.excluded),
        }
        if explain:
            out["excluded"] = [e.to_dict() for e in self.excluded]
        return out


@dataclass(frozen=True, slots=True, eq=False)
class RankingInputs:
    """What a testimonial ranker scores: candidate documents with their stored signals, and the audience.

    Arrays are aligned with ``docs`` (NaN rows where a signal is missing); any may be None when
    not stored. ``emotion`` holds the positive-emotion probabilities named in ``emotion_names``;
    ``sentiment`` is in [-1, 1]. ``audience_embeddings`` / ``need_embeddings`` are the vectors of
    the audience's own documents and of its need sentences' documents; ``audience_texts`` the texts.
    """

    docs: tuple[Document, ...]
    audience: Audience
    embeddings: Any = None  # numpy [n, d] float32, L2-normalised
    emotion: Any = None  # numpy [n, len(emotion_names)]
    emotion_names: tuple[str, ...] = ()
    arousal: Any = None  # numpy [n]
    sentiment: Any = None  # numpy [n]
    audience_ids: tuple[int, ...] = ()
    audience_embeddings: Any = None  # numpy [m, d]
    need_embeddings: Any = None  # numpy [q, d]
    audience_texts: tuple[str, ...] = ()
    need_texts: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # product names known to the store (concrete nouns)


@dataclass(frozen=True, slots=True, eq=False)
class RankerScores:
    """A ranker's output for ``n`` candidates: named components in [0, 1], pairwise similarity, flags."""

    components: Mapping[str, Any]  # name -> numpy [n]
    similarity: Any  # numpy [n, n], for near-duplicates, bursts and MMR
    flags: tuple[tuple[str, ...], ...] = ()
    highlights: tuple[str, ...] = ()
