"""Typed records that cross module boundaries.

Stages exchange these frozen dataclasses, never dicts or DataFrames (those live only at the
edges: input files, JSON export). Mapping fields are read-only views.

>>> doc = Document(source="shop", source_id="R1", kind=DocumentKind.REVIEW, text="Love it")
>>> doc.kind.value, doc.content_hash() == doc.content_hash()
('review', True)
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def _frozen_map(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


class DocumentKind(enum.StrEnum):
    """What a piece of text is: customer voice (review, comment, survey) or brand content."""

    REVIEW = "review"
    COMMENT = "comment"
    POST = "post"
    AD = "ad"
    TESTIMONIAL = "testimonial"
    SURVEY = "survey"

    @property
    def is_brand_content(self) -> bool:
        return self in (DocumentKind.POST, DocumentKind.AD)


class QuarantineReason(enum.StrEnum):
    """Why a row read from a file was not stored. Stable names: users filter on them."""

    MALFORMED_ROW = "malformed_row"  # wrong column count, broken quoting, invalid JSON line
    INVALID_ENCODING = "invalid_encoding"  # bytes that are not valid in the file's encoding
    NUL_BYTE = "nul_byte"  # a NUL character inside a field
    EMPTY_TEXT = "empty_text"  # text missing, empty or whitespace only
    TEXT_TOO_LONG = "text_too_long"  # text longer than ingest.max_text_chars
    DUPLICATE_ID = "duplicate_id"  # id already stored with different content
    MISSING_ID = "missing_id"  # the id column is empty in this row
    INVALID_VALUE = "invalid_value"  # rating, time or consent that cannot be parsed


@dataclass(frozen=True, slots=True)
class Document:
    """One piece of text with its author's attributes and reply link.

    ``source`` namespaces ids (one data set); ``parent_id`` is the ``source_id`` of the
    document this one answers, in the same source. ``doc_id`` is set once stored.
    """

    source: str
    source_id: str
    kind: DocumentKind
    text: str
    parent_id: str | None = None
    author: str | None = None
    created_at: str | None = None  # ISO 8601
    rating: float | None = None
    product: str | None = None
    consent: bool | None = None
    attrs: Mapping[str, str] = field(default_factory=dict)
    row_number: int | None = None
    doc_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attrs", _frozen_map(self.attrs))

    def content_hash(self) -> str:
        """sha256 over everything that describes the content (not where it was read)."""
        payload = {
            "kind": self.kind.value,
            "text": self.text,
            "parent_id": self.parent_id,
            "author": self.author,
            "created_at": self.created_at,
            "rating": self.rating,
            "product": self.product,
            "consent": self.consent,
            "attrs": dict(sorted(self.attrs.items())),
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A row that was read but not stored, kept with its raw content so nothing is lost.

    ``raw`` is the row as text (undecodable bytes shown as ``\\xNN``); ``raw_bytes`` holds the
    exact bytes when the row could not be decoded.
    """

    source: str
    row_number: int
    reason: QuarantineReason
    detail: str
    raw: str
    raw_bytes: bytes | None = None
    source_id: str | None = None
    file: str | None = None


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One row as read from a file, before validation.

    ``fields`` is None when the row could not be parsed or decoded; then ``problem`` says why
    and ``raw``/``raw_bytes`` keep its content. ``line`` is where the row starts (1-based).
    """

    line: int
    fields: Mapping[str, str | None] | None
    raw: str
    raw_bytes: bytes | None = None
    problem: QuarantineReason | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which input columns hold which document fields. Only ``text_col`` is required."""

    text_col: str = "text"
    id_col: str | None = None
    parent_col: str | None = None
    author_col: str | None = None
    time_col: str | None = None
    rating_col: str | None = None
    product_col: str | None = None
    consent_col: str | None = None
    attr_cols: tuple[str, ...] = ()

    def named_columns(self) -> list[str]:
        cols = [
            self.text_col,
            self.id_col,
            self.parent_col,
            self.author_col,
            self.time_col,
            self.rating_col,
            self.product_col,
            self.consent_col,
            *self.attr_cols,
        ]
        return [c for c in cols if c]


@dataclass(frozen=True, slots=True)
class IngestBatch:
    """A chunk of one file, validated: ``read == len(docs) + len(quarantined)``.

    ``bytes_read``/``bytes_total`` let callers draw a progress bar.
    """

    read: int
    docs: tuple[Document, ...]
    quarantined: tuple[QuarantinedRow, ...]
    bytes_read: int = 0
    bytes_total: int = 0


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a store did with one batch: every document is either stored or skipped."""

    stored: int = 0
    skipped: int = 0
    duplicates: tuple[QuarantinedRow, ...] = ()

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.stored + other.stored,
            self.skipped + other.skipped,
            self.duplicates + other.duplicates,
        )


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """Outcome of one ingest: ``read == stored + skipped + quarantined`` always holds."""

    file: str
    source: str
    kind: DocumentKind
    read: int
    stored: int
    skipped: int
    quarantined: int
    by_reason: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_reason", _frozen_map(self.by_reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "source": self.source,
            "kind": self.kind.value,
            "read": self.read,
            "stored": self.stored,
            "skipped": self.skipped,
            "quarantined": self.quarantined,
            "by_reason": dict(self.by_reason),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class Score:
    """One named number an analyser produced for a document (e.g. ``compound`` = 0.62)."""

    doc_id: int
    analyser: str
    name: str
    value: float


@dataclass(frozen=True, slots=True)
class AnalysisSummary:
    """Outcome of ``empathic analyze``: documents analysed per analyser this run."""

    analysed: Mapping[str, int]
    already_done: Mapping[str, int]
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "analysed", _frozen_map(self.analysed))
        object.__setattr__(self, "already_done", _frozen_map(self.already_done))

    def to_dict(self) -> dict[str, Any]:
        return {
            "analysed": dict(self.analysed),
            "already_done": dict(self.already_done),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class WorkspaceStatus:
    """Counts that describe a workspace."""

    documents: int
    by_kind: Mapping[str, int]
    by_source: Mapping[str, int]
    analysed: Mapping[str, int]  # analyser -> documents analysed
    unanalysed: Mapping[str, int]  # analyser -> documents still to analyse
    quarantined: int
    quarantined_by_reason: Mapping[str, int]

    def __post_init__(self) -> None:
        for name in ("by_kind", "by_source", "analysed", "unanalysed", "quarantined_by_reason"):
            object.__setattr__(self, name, _frozen_map(getattr(self, name)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "by_kind": dict(self.by_kind),
            "by_source": dict(self.by_source),
            "analysed": dict(self.analysed),
            "unanalysed": dict(self.unanalysed),
            "quarantined": self.quarantined,
            "quarantined_by_reason": dict(self.quarantined_by_reason),
        }


@dataclass(frozen=True, slots=True)
class ScoredQuote:
    """A document's text with one score, for "most positive / negative" lists."""

    doc_id: int
    kind: DocumentKind
    text: str
    score: float
    author: str | None = None
    product: str | None = None
    source_id: str | None = None
    consent: bool | None = None


@dataclass(frozen=True, slots=True)
class PeriodCount:
    """Documents of one kind in one calendar period (``YYYY-MM``)."""

    period: str
    kind: DocumentKind
    count: int


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What ``empathic demo`` built."""

    workspace: str
    report: str
    ingests: tuple[IngestSummary, ...]
    analysis: AnalysisSummary
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "report": self.report,
            "ingests": [i.to_dict() for i in self.ingests],
            "analysis": self.analysis.to_dict(),
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True, slots=True, eq=False)
class EmotionPrediction:
    """Emotion model output for ``n`` texts.

    ``probs`` is ``[n, len(labels)]`` in [0, 1] (independent per label: several emotions can be
    present); ``embeddings`` is ``[n, d]`` when the backend has an encoder, else None.
    """

    labels: tuple[str, ...]
    probs: Any  # numpy.ndarray
    embeddings: Any = None  # numpy.ndarray | None
    embedding_model: str | None = None


@dataclass(frozen=True, slots=True)
class MirrorResult:
    """Emotional echo of responses over a permutation null (see :mod:`empathic.analyse.mirror`).

    ``status`` is ``ok``, ``too_few`` (one item: no CI) or ``no_pairs``; numbers are NaN when absent.
    """

    items: int
    responses: int
    mirror_similarity: float = float("nan")
    null_similarity: float = float("nan")
    lift: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p_value: float = float("nan")
    by_emotion: Mapping[str, Any] = field(default_factory=dict)
    transfer: Mapping[str, Any] = field(default_factory=dict)
    status: str = "ok"
    by: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else round(x, 6)

        return {
            "items": self.items,
            "responses": self.responses,
            "mirror_similarity": num(self.mirror_similarity),
            "null_similarity": num(self.null_similarity),
            "lift": num(self.lift),
            "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high),
            "p_value": num(self.p_value),
            "by_emotion": dict(self.by_emotion),
            "transfer": dict(self.transfer),
            "status": self.status,
            "by": {k: v for k, v in self.by.items()},
        }


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


# -- experiments and bandits (issue 6) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricStats:
    """Sufficient statistics of one metric in one arm; merge partial aggregates with ``+``.

    ``pre_*`` and ``cross`` hold the pre-period covariate ``x`` of the same units (for CUPED):
    ``pre_n`` units had one, ``pre_sum = Σx``, ``pre_sum_sq = Σx²``, ``cross = Σ value·x``.

    >>> a, b = MetricStats.from_values([1.0, 2.0]), MetricStats.from_values([3.0])
    >>> a + b == MetricStats.from_values([1.0, 2.0, 3.0]), (a + b).mean, (a + b).variance
    (True, 2.0, 1.0)
    """

    n: int = 0
    sum: float = 0.0
    sum_sq: float = 0.0
    pre_n: int = 0
    pre_sum: float = 0.0
    pre_sum_sq: float = 0.0
    cross: float = 0.0

    def __add__(self, other: MetricStats) -> MetricStats:
        if not isinstance(other, MetricStats):
            return NotImplemented
        return MetricStats(
            self.n + other.n,
            self.sum + other.sum,
            self.sum_sq + other.sum_sq,
            self.pre_n + other.pre_n,
            self.pre_sum + other.pre_sum,
            self.pre_sum_sq + other.pre_sum_sq,
            self.cross + other.cross,
        )

    @classmethod
    def from_values(cls, values: Any, pre: Any = None) -> MetricStats:
        """Aggregate an array of values (and optionally the pre-period covariate of the same units)."""
        import numpy as np

        x = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float).ravel()
        if pre is None:
            return cls(int(x.size), float(x.sum()), float(np.dot(x, x)))
        p = np.asarray(pre if isinstance(pre, np.ndarray) else list(pre), dtype=float).ravel()
        return cls(
            int(x.size), float(x.sum()), float(np.dot(x, x)), int(p.size), float(p.sum()), float(np.dot(p, p)),
            float(np.dot(x, p)),
        )  # fmt: skip

    @property
    def mean(self) -> float:
        return self.sum / self.n if self.n > 0 else float("nan")

    @property
    def variance(self) -> float:
        """Sample variance (n - 1 denominator); NaN below two units."""
        if self.n < 2:
            return float("nan")
        # sum_sq - sum²/n cancels badly when the mean is large against the spread: clamp the tiny negatives
        return max((self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1), 0.0)

    @property
    def has_pre(self) -> bool:
        """Every unit has the pre-period covariate (CUPED needs that)."""
        return self.n > 0 and self.pre_n == self.n


class ResultStatus(enum.StrEnum):
    """Why a comparison has (or lacks) numbers. Stable names: reports filter on them."""

    OK = "ok"
    ZERO_VARIANCE = "zero_variance"  # the difference of means has zero standard error
    TOO_FEW_UNITS = "too_few_units"  # an arm has fewer than two units
    CONTROL = "control"  # the row of the control arm itself: no lift


_NAN2 = (float("nan"), float("nan"))


@dataclass(frozen=True, slots=True)
class VariantResult:
    """One arm of one metric against control.

    ``ci_*`` is the arm's own mean CI; lifts are vs control. ``cs_*`` is the always-valid (sequential)
    confidence sequence of the absolute lift, safe to look at after every new unit. ``p_value_adjusted``
    corrects for the number of variants (Holm or Benjamini–Hochberg, per metric). ``cuped`` says whether the
    lift was variance-reduced by a pre-period covariate; ``variance_reduction`` is then ``1 - var_cuped / var``.
    """

    variant: str
    metric: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    abs_lift: float = float("nan")
    abs_lift_ci: tuple[float, float] = _NAN2
    rel_lift: float = float("nan")
    rel_lift_ci: tuple[float, float] = _NAN2
    p_value: float = float("nan")
    p_value_adjusted: float = float("nan")
    chance_to_beat_control: float = float("nan")
    expected_loss: float = float("nan")
    cs_low: float = float("nan")
    cs_high: float = float("nan")
    cuped: bool = False
    variance_reduction: float = float("nan")
    status: ResultStatus = ResultStatus.OK

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else float(x)

        return {
            "variant": self.variant,
            "metric": self.metric,
            "n": self.n,
            "mean": num(self.mean),
            "ci": [num(self.ci_low), num(self.ci_high)],
            "abs_lift": num(self.abs_lift),
            "abs_lift_ci": [num(v) for v in self.abs_lift_ci],
            "rel_lift": num(self.rel_lift),
            "rel_lift_ci": [num(v) for v in self.rel_lift_ci],
            "p_value": num(self.p_value),
            "p_value_adjusted": num(self.p_value_adjusted),
            "chance_to_beat_control": num(self.chance_to_beat_control),
            "expected_loss": num(self.expected_loss),
            "sequential_cs": [num(self.cs_low), num(self.cs_high)],
            "cuped": self.cuped,
            "variance_reduction": num(self.variance_reduction),
            "status": self.status.value,
        }


@dataclass(frozen=True, slots=True)
class ExperimentSpec:
    """What an experiment stored in a workspace is: its control arm, metrics and planned traffic shares."""

    name: str
    control: str
    metrics: tuple[str, ...] = ()
    binary: tuple[str, ...] = ()  # metrics that are 0/1 (proportions)
    weights: Mapping[str, float] = field(default_factory=dict)  # planned share per arm; empty = equal

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", _frozen_map(self.weights))


@dataclass(frozen=True, slots=True)
class ExperimentObservation:
    """One unit's value of one metric (``pre`` is its pre-period covariate, for CUPED)."""

    unit_id: str
    variant: str
    metric: str
    value: float
    pre: float | None = None


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    """Readout of one experiment: every arm and metric, plus the sample-ratio-mismatch check.

    ``srm_ok`` is False when the arm sizes are so far from the planned shares (p < ``srm_threshold``)
    that the assignment itself is suspect and the lifts should not be trusted.
    """

    experiment: str
    control: str
    variants: tuple[str, ...]
    metrics: tuple[str, ...]
    results: tuple[VariantResult, ...]
    units: Mapping[str, int]
    srm_chi2: float
    srm_p_value: float
    srm_ok: bool
    alpha: float = 0.05
    correction: str = "holm"
    srm_threshold: float = 0.001

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _frozen_map(self.units))

    def result(self, variant: str, metric: str) -> VariantResult:
        """The row of one arm and metric."""
        for r in self.results:
            if r.variant == variant and r.metric == metric:
                return r
        raise KeyError((variant, metric))

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else float(x)

        return {
            "experiment": self.experiment,
            "control": self.control,
            "variants": list(self.variants),
            "metrics": list(self.metrics),
            "alpha": self.alpha,
            "correction": self.correction,
            "units": dict(self.units),
            "srm": {
                "chi2": num(self.srm_chi2),
                "p_value": num(self.srm_p_value),
                "ok": self.srm_ok,
                "threshold": self.srm_threshold,
            },
            "results": [r.to_dict() for r in self.results],
        }


class BanditKind(enum.StrEnum):
    """Reward model of a Thompson-sampling bandit."""

    BERNOULLI = "bernoulli"  # rewards 0/1: Beta(1, 1) prior
    GAUSSIAN = "gaussian"  # real rewards: Student-t posterior of the mean (Jeffreys prior)


@dataclass(frozen=True, slots=True)
class BanditState:
    """Rewards seen so far per arm of one bandit in one segment (``MetricStats``: n, sum, sum of squares)."""

    bandit: str
    segment: str
    kind: BanditKind
    arms: Mapping[str, MetricStats]

    def __post_init__(self) -> None:
        object.__setattr__(self, "arms", _frozen_map(self.arms))

    def to_dict(self) -> dict[str, Any]:
        return {
            "bandit": self.bandit,
            "segment": self.segment,
            "kind": self.kind.value,
            "arms": {a: {"n": s.n, "sum": s.sum, "mean": None if s.n == 0 else s.mean} for a, s in self.arms.items()},
        }


@dataclass(frozen=True, slots=True)
class BanditRecommendation:
    """The arm Thompson sampling picks now, and each arm's posterior chance of being the best."""

    bandit: str
    segment: str
    arm: str
    prob_best: Mapping[str, float]
    state: BanditState

    def __post_init__(self) -> None:
        object.__setattr__(self, "prob_best", _frozen_map(self.prob_best))

    def to_dict(self) -> dict[str, Any]:
        return {
            "bandit": self.bandit,
            "segment": self.segment,
            "arm": self.arm,
            "prob_best": dict(self.prob_best),
            "state": self.state.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """Offline replay (Li et al. 2011) of a policy on logged uniformly random events.

    ``matched`` events (where the policy chose the logged arm) are the unbiased sample of the policy's
    reward; ``mean_reward`` has a normal-approximation CI.
    """

    policy: str
    events: int
    matched: int
    mean_reward: float
    ci_low: float
    ci_high: float
    pulls: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pulls", _frozen_map(self.pulls))

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if x != x else float(x)

        return {
            "policy": self.policy,
            "events": self.events,
            "matched": self.matched,
            "mean_reward": num(self.mean_reward),
            "ci": [num(self.ci_low), num(self.ci_high)],
            "pulls": dict(self.pulls),
        }


# -- predict: uplift and purchase propensity (issue 6) ---------------------------------------------------------------


def _num6(x: float) -> float | None:
    return None if x != x else round(float(x), 6)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its 95% interval (NaN where it cannot be computed)."""

    value: float
    ci_low: float = float("nan")
    ci_high: float = float("nan")

    def to_dict(self) -> dict[str, float | None]:
        return {"value": _num6(self.value), "ci_low": _num6(self.ci_low), "ci_high": _num6(self.ci_high)}


@dataclass(frozen=True, slots=True)
class UpliftEvaluation:
    """One uplift method scored on held-out rows (see :mod:`empathic.predict.metrics`).

    ``qini`` and ``auuc`` are normalised areas (0 = random targeting, 1 = perfect); ``uplift_at`` maps a
    targeted share (``"10%"``) to the treated-minus-control outcome rate among the top-scored rows.
    ``curve`` holds down-sampled points: ``share`` targeted, ``qini`` (incremental responders) and
    ``uplift`` (curve values). ``status`` is ``ok`` or a code such as ``empty_arm_in_top_k``.
    """

    method: str
    qini: Estimate
    auuc: Estimate
    uplift_at: Mapping[str, Estimate]
    curve: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    fit_seconds: float = float("nan")
    status: str = "ok"

    def __post_init__(self) -> None:
        object.__setattr__(self, "uplift_at", _frozen_map(self.uplift_at))
        object.__setattr__(self, "curve", _frozen_map(self.curve))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "qini": self.qini.to_dict(),
            "auuc": self.auuc.to_dict(),
            "uplift_at": {k: v.to_dict() for k, v in self.uplift_at.items()},
            "curve": {k: [round(float(x), 6) for x in v] for k, v in self.curve.items()},
            "fit_seconds": _num6(self.fit_seconds),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class UpliftResult:
    """Uplift methods compared on one randomised treatment/control contrast and outcome."""

    outcome: str
    treatment_col: str
    treatment: str  # the treated value ("any other value" when the arm was not named)
    control: str
    features: tuple[str, ...]
    n_train: int
    n_test: int
    treated_rate: float  # outcome rate of the treated test rows
    control_rate: float
    ate: Estimate  # treated minus control rate on the test rows (normal-approximation CI)
    methods: tuple[UpliftEvaluation, ...]
    split: str = ""
    n_boot: int = 0
    seed: int = 0
    status: str = "ok"
    excluded: tuple[str, ...] = ()  # columns left out of the features as outcome-like (see predict.uplift_eval)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "treatment_col": self.treatment_col,
            "treatment": self.treatment,
            "control": self.control,
            "features": list(self.features),
            "n_train": self.n_train,
            "n_test": self.n_test,
            "treated_rate": _num6(self.treated_rate),
            "control_rate": _num6(self.control_rate),
            "ate": self.ate.to_dict(),
            "methods": [m.to_dict() for m in self.methods],
            "split": self.split,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "status": self.status,
            "excluded": list(self.excluded),
        }


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One reliability bin: predicted probabilities in ``[lo, hi)``, their mean and the observed rate."""

    lo: float
    hi: float
    n: int
    mean_predicted: float
    observed: float
    ci_low: float = float("nan")  # Wilson 95% interval of the observed rate
    ci_high: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "lo": _num6(self.lo),
            "hi": _num6(self.hi),
            "n": self.n,
            "mean_predicted": _num6(self.mean_predicted),
            "observed": _num6(self.observed),
            "ci_low": _num6(self.ci_low),
            "ci_high": _num6(self.ci_high),
        }


@dataclass(frozen=True, slots=True)
class PropensityResult:
    """Purchase (recommendation) propensity from emotional response: discrimination, calibration, drivers.

    ``auc`` is measured on out-of-fold predictions of ``folds``-fold stratified cross-validation with a
    bootstrap CI; ``effects`` are standardised logistic coefficients (log odds per 1 SD) of a fit on all
    rows, with Wald 95% CIs. ``target_rule`` says how the 0/1 target was made (e.g. ``rating >= 4``).
    """

    target: str
    target_rule: str
    n: int
    positives: int
    features: tuple[str, ...]
    auc: float
    auc_ci: tuple[float, float]
    brier: float
    calibration: tuple[CalibrationBin, ...]
    effects: tuple[DriverEffect, ...]
    folds: int
    n_boot: int
    seed: int = 0
    status: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_rule": self.target_rule,
            "n": self.n,
            "positives": self.positives,
            "features": list(self.features),
            "auc": _num6(self.auc),
            "auc_ci": [_num6(self.auc_ci[0]), _num6(self.auc_ci[1])],
            "brier": _num6(self.brier),
            "calibration": [b.to_dict() for b in self.calibration],
            "effects": [
                {
                    "feature": e.feature,
                    "kind": e.kind,
                    "coef": _num6(e.coef),
                    "ci_low": _num6(e.ci_low),
                    "ci_high": _num6(e.ci_high),
                    "p_value": _num6(e.p_value),
                    "n": e.n,
                }
                for e in self.effects
            ],
            "folds": self.folds,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class ExperimentIngestSummary:
    """What ``empathic experiment ingest`` stored: experiments touched, rows read, how they were kept.

    ``mode`` is ``units`` (unit rows, SQL aggregates them), ``aggregated`` (the file streamed into one
    mergeable part per arm and metric) or ``arms`` (one pre-aggregated row per arm in the file).
    """

    file: str
    experiments: tuple[str, ...]
    mode: str
    rows: int
    arms: Mapping[str, int] = field(default_factory=dict)  # variant -> units (first experiment)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "arms", _frozen_map(self.arms))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "experiments": list(self.experiments),
            "mode": self.mode,
            "rows": self.rows,
            "arms": dict(self.arms),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class PretestDriver:
    """One reason behind a pre-test score: a feature's part of the utility (log-odds, vs an average headline).

    ``value`` is the text's raw feature value where it has one (a count, a probability);
    ``detail`` names the strongest n-grams for the ``wording`` driver.
    """

    feature: str
    label: str
    contribution: float
    value: float | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PretestScore:
    """A ranked variant: utility ``score`` (log-odds of out-clicking an average training headline)."""

    text: str
    rank: int
    score: float
    p_beats_average: float
    p_beats_best: float  # P(this variant out-clicks the top-ranked one); 0.5 for the top one
    drivers: tuple[PretestDriver, ...] = ()
    features: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", _frozen_map(self.features))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "text": self.text,
            "score": round(self.score, 4),
            "p_beats_average": round(self.p_beats_average, 4),
            "p_beats_best": round(self.p_beats_best, 4),
            "drivers": [
                {"feature": d.feature, "label": d.label, "contribution": round(d.contribution, 4),
                 "value": d.value, "detail": d.detail}
                for d in self.drivers
            ],
            "features": dict(self.features),
        }


@dataclass(frozen=True, slots=True)
class PretestEvaluation:
    """Pairwise accuracy of a pre-test model on the significant headline pairs of an Upworthy-format file."""

    pairs: int
    tests: int
    pairwise_accuracy: float
    ci_low: float
    ci_high: float
    model: str
    all_pairs: int = 0
    flagged_pairs: int = 0  # significant pairs from the weeks flagged for randomisation problems
    accuracy_unflagged: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "tests": self.tests,
            "pairwise_accuracy": _num6(self.pairwise_accuracy),  # None when there is no significant pair
            "ci95": [_num6(self.ci_low), _num6(self.ci_high)],
            "model": self.model,
            "all_pairs": self.all_pairs,
            "flagged_pairs": self.flagged_pairs,
            "pairwise_accuracy_unflagged": self.accuracy_unflagged,
        }
