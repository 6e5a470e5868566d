"""Conversions between typed records and table rows, shared by every store backend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from empathic.types import Document, DocumentKind, QuarantinedRow, QuarantineReason


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def doc_to_row(doc: Document, content_hash: str, ingested_at: str) -> dict[str, Any]:
    return {
        "source": doc.source,
        "source_id": doc.source_id,
        "kind": doc.kind.value,
        "text": doc.text,
        "parent_id": doc.parent_id,
        "author": doc.author,
        "created_at": doc.created_at,
        "rating": doc.rating,
        "product": doc.product,
        "consent": None if doc.consent is None else int(doc.consent),
        "attrs": json.dumps(dict(doc.attrs), ensure_ascii=False, sort_keys=True),
        "content_hash": content_hash,
        "row_number": doc.row_number,
        "ingested_at": ingested_at,
        "parent_source": doc.parent_source,
    }


def row_to_doc(row: Mapping[str, Any]) -> Document:
    return Document(
        source=row["source"],
        source_id=row["source_id"],
        kind=DocumentKind(row["kind"]),
        text=row["text"],
        parent_id=row["parent_id"],
        author=row["author"],
        created_at=row["created_at"],
        rating=row["rating"],
        product=row["product"],
        consent=None if row["consent"] is None else bool(row["consent"]),
        attrs=json.loads(row["attrs"]),
        row_number=row["row_number"],
        doc_id=row["doc_id"],
        parent_source=row["parent_source"],
    )


def resolve_parent(source: str, pinned: str | None, candidates: Sequence[tuple[str, int]]) -> tuple[int | None, str]:
    """The parent of a reply of ``source`` among ``(source, doc_id)`` holders of its parent id, and how it resolved.

    The pinned source, if any, is the only place looked in; else the reply's own source first, else
    the one other source that holds the id. Two or more others are ``ambiguous``: never guessed.

    >>> resolve_parent("comments", None, [("posts", 7)]), resolve_parent("c", None, [("a", 1), ("b", 2)])
    ((7, 'matched'), (None, 'ambiguous'))
    >>> resolve_parent("c", "b", [("a", 1), ("b", 2)]), resolve_parent("c", "z", [("a", 1)])
    ((2, 'matched'), (None, 'unmatched'))
    """
    if pinned is not None:
        found = [d for s, d in candidates if s == pinned]
        return (found[0], "matched") if found else (None, "unmatched")
    same = [d for s, d in candidates if s == source]
    if same:
        return same[0], "matched"
    if len(candidates) == 1:
        return candidates[0][1], "matched"
    return None, "ambiguous" if candidates else "unmatched"


def raw_hash(q: QuarantinedRow) -> str:
    h = hashlib.sha256(q.raw.encode("utf-8", "surrogatepass"))
    if q.raw_bytes is not None:
        h.update(q.raw_bytes)
    h.update(q.reason.value.encode())
    return h.hexdigest()


def quarantine_to_row(q: QuarantinedRow, created_at: str) -> dict[str, Any]:
    return {
        "source": q.source,
        "row_number": q.row_number,
        "reason": q.reason.value,
        "detail": q.detail,
        "raw": q.raw,
        "raw_bytes": q.raw_bytes,
        "source_id": q.source_id,
        "file": q.file,
        "raw_hash": raw_hash(q),
        "created_at": created_at,
    }


def row_to_quarantine(row: Mapping[str, Any]) -> QuarantinedRow:
    return QuarantinedRow(
        source=row["source"],
        row_number=row["row_number"],
        reason=QuarantineReason(row["reason"]),
        detail=row["detail"],
        raw=row["raw"],
        raw_bytes=row["raw_bytes"],
        source_id=row["source_id"],
        file=row["file"],
    )


def duplicate_of(doc: Document, file: str | None = None) -> QuarantinedRow:
    """The quarantine record for a document whose id is already stored with other content."""
    payload = {k: v for k, v in doc_to_row(doc, "", "").items() if k not in ("content_hash", "ingested_at")}
    return QuarantinedRow(
        source=doc.source,
        row_number=doc.row_number or 0,
        reason=QuarantineReason.DUPLICATE_ID,
        detail=f"id {doc.source_id!r} is already stored in source {doc.source!r} with different content",
        raw=json.dumps(payload, ensure_ascii=False),
        source_id=doc.source_id,
        file=file,
    )


def period_of(created_at: str | None) -> str | None:
    """Calendar month ``YYYY-MM`` of an ISO timestamp, or None."""
    if not created_at or len(created_at) < 7 or created_at[4] != "-":
        return None
    return created_at[:7]
