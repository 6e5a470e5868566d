"""Documents, ingest, analysis runs, workspace status, emotion and mirror results."""

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
    ROW_TOO_LARGE = "row_too_large"  # a line/record over ingest.max_row_bytes: kept as first bytes, length, sha256
    DUPLICATE_ID = "duplicate_id"  # id already stored with different content
    MISSING_ID = "missing_id"  # the id column is empty in this row
    INVALID_VALUE = "invalid_value"  # rating, time or consent that cannot be parsed


@dataclass(frozen=True, slots=True)
class Document:
    """One piece of text with its author's attributes and reply link.

    ``source`` namespaces ids (one data set); ``parent_id`` is the ``source_id`` of the
    document this one answers: looked up in the same source first, else in the one other source
    that holds it; ``parent_source`` pins the source to look in. Neither is part of
    :meth:`content_hash` (where to look is not content). ``doc_id`` is set once stored.
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
    parent_source: str | None = None

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
class ReplyLinks:
    """How the stored replies (documents with a parent id) of one source, or of all, resolve.

    A reply is ``matched`` (its parent is stored), ``unmatched`` (its parent id is in no source
    searched) or ``ambiguous`` (not in its own source and in two or more others: not guessed).
    ``elsewhere`` counts matched replies whose parent is in another source, by that source (ids
    such as ``223`` can collide across unrelated data sets: pin the own source to forbid it);
    ``linked_in`` counts replies of other sources whose parent is in this source. Examples are
    a few parent ids, for messages.

    >>> links = ReplyLinks(matched=2, unmatched=1, unmatched_examples=("p9",))
    >>> links.to_dict()["unmatched"], ReplyLinks.from_dict(links.to_dict()) == links
    (1, True)
    """

    matched: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    linked_in: int = 0
    elsewhere: Mapping[str, int] = field(default_factory=dict)
    unmatched_examples: tuple[str, ...] = ()
    ambiguous_examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # parent id -> its sources
    pinned: tuple[str, ...] = ()  # --parent-source values of these replies

    def __post_init__(self) -> None:
        object.__setattr__(self, "ambiguous_examples", _frozen_map(self.ambiguous_examples))
        object.__setattr__(self, "elsewhere", _frozen_map(self.elsewhere))

    @property
    def replies(self) -> int:
        return self.matched + self.unmatched + self.ambiguous

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReplyLinks:
        """Inverse of :meth:`to_dict` (``replies`` is derived)."""
        return cls(
            matched=data.get("matched", 0),
            unmatched=data.get("unmatched", 0),
            ambiguous=data.get("ambiguous", 0),
            linked_in=data.get("linked_in", 0),
            elsewhere=data.get("elsewhere", {}),
            unmatched_examples=tuple(data.get("unmatched_examples", ())),
            ambiguous_examples={k: tuple(v) for k, v in data.get("ambiguous_examples", {}).items()},
            pinned=tuple(data.get("pinned", ())),
        )

    def problems(self) -> list[str]:
        """One sentence per kind of parent not found; ids are shown with ``repr()`` (file content stays inert)."""
        out = []
        if self.unmatched:
            searched = (
                f"source {', '.join(map(repr, self.pinned))} (--parent-source)"
                if self.pinned
                else "the reply's own source, then every other source"
            )
            out.append(
                f"{self.unmatched:,} replies have a parent id that matches no document "
                f"(e.g. {', '.join(map(repr, self.unmatched_examples))}; searched {searched})."
            )
        if self.ambiguous:
            examples = "; ".join(f"{p!r} in {', '.join(map(repr, s))}" for p, s in self.ambiguous_examples.items())
            out.append(
                f"{self.ambiguous:,} replies have a parent id held by two or more other sources (e.g. {examples}), "
                "so none was guessed: ingest the replies again with --parent-source NAME."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "ambiguous": self.ambiguous,
            "linked_in": self.linked_in,
            "elsewhere": dict(self.elsewhere),
            "unmatched_examples": list(self.unmatched_examples),
            "ambiguous_examples": {k: list(v) for k, v in self.ambiguous_examples.items()},
            "pinned": list(self.pinned),
        }


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """Outcome of one ingest: ``read == stored + skipped + quarantined`` always holds.

    ``links`` says how the replies of the source resolve after this ingest (see :class:`ReplyLinks`).
    """

    file: str
    source: str
    kind: DocumentKind
    read: int
    stored: int
    skipped: int
    quarantined: int
    by_reason: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    links: ReplyLinks = field(default_factory=ReplyLinks)

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
            "parents": self.links.to_dict(),
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
    ``reason`` says why there are no pairs; ``warnings`` flag inputs that did not do what was asked.
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
    reason: str = ""
    warnings: tuple[str, ...] = ()

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
            "reason": self.reason,
            "warnings": list(self.warnings),
        }

    def to_payload(self) -> dict[str, Any]:
        """The stored form (results kind ``mirror``): every number unrounded, NaN as None."""
        nan = {f: (None if v != v else v) for f, v in ((f, getattr(self, f)) for f in _MIRROR_FLOATS)}
        return self.to_dict() | nan

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> MirrorResult:
        """The result stored by :meth:`to_payload`.

        >>> r = MirrorResult(12, 40, 0.61234567, 0.5, 0.11234567, 0.05, 0.2, 0.001, warnings=("w",))
        >>> MirrorResult.from_payload(r.to_payload()) == r
        True
        """
        floats = {f: float("nan") if data.get(f) is None else float(data[f]) for f in _MIRROR_FLOATS}
        return cls(
            items=int(data["items"]),
            responses=int(data["responses"]),
            **floats,
            by_emotion=dict(data.get("by_emotion", {})),
            transfer=dict(data.get("transfer", {})),
            status=str(data.get("status", "ok")),
            by=dict(data.get("by", {})),
            reason=str(data.get("reason", "")),
            warnings=tuple(data.get("warnings", ())),
        )


_MIRROR_FLOATS = ("mirror_similarity", "null_similarity", "lift", "ci_low", "ci_high", "p_value")
