"""Turn raw rows into :class:`~empathic.types.Document` records, or quarantine them with a reason.

Value rules (documented in docs/ingest.md):

* text: required; empty or whitespace-only → ``empty_text``; longer than ``max_text_chars``
  → ``text_too_long``; any NUL character in the row → ``nul_byte``. Emoji-only text is kept.
* id: from ``id_col``; an empty id → ``missing_id``. Without ``id_col`` the id is ``line:N``
  (the row's first line), so re-ingesting the same file is idempotent.
* integer ids written as floats by spreadsheet/pandas exports (``3.0``) are read as ``3`` in
  the id and parent columns, so reply links match.
* rating: a number; time: ISO 8601, Unix seconds, or Twitter's ``Tue Oct 31 22:10:47 +0000 2017``
  (stored as ISO 8601, UTC when a zone is given); consent: yes/no/true/false/y/n/1/0 or empty
  (unknown). Anything else → ``invalid_value``.
* attributes: the ``attr_cols`` given, or else every column not mapped to a field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from empathic.errors import ColumnError
from empathic.types import ColumnMapping, Document, DocumentKind, QuarantinedRow, QuarantineReason, RawRecord

_FLOAT_INT = re.compile(r"^-?\d+\.0+$")
_TIME_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S%z")
_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


class _Invalid(Exception):
    pass


def clean_id(value: str | None) -> str | None:
    """Strip an id; ``"3.0"`` → ``"3"``; empty → None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if _FLOAT_INT.match(value):
        return value.split(".", 1)[0]
    return value


def parse_time(value: str | None) -> str | None:
    """Normalise a timestamp to ISO 8601, or raise ``_Invalid``.

    >>> parse_time("Tue Oct 31 22:10:47 +0000 2017")
    '2017-10-31T22:10:47Z'
    >>> parse_time("2025-03-01")
    '2025-03-01'
    """
    if value is None or not value.strip():
        return None
    v = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        datetime.strptime(v, "%Y-%m-%d")  # validates the date
        return v
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        if re.fullmatch(r"\d{9,11}(\.\d+)?", v):
            dt = datetime.fromtimestamp(float(v), tz=UTC)
        else:
            for fmt in _TIME_FORMATS:
                try:
                    dt = datetime.strptime(v, fmt)
                    break
                except ValueError:
                    continue
    if dt is None:
        raise _Invalid(f"time {value!r} is not ISO 8601, Unix seconds or a known date format")
    if dt.tzinfo is not None:
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.isoformat()


def parse_rating(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        rating = float(value.strip())
    except ValueError:
        raise _Invalid(f"rating {value!r} is not a number") from None
    if rating != rating or rating in (float("inf"), float("-inf")):
        raise _Invalid(f"rating {value!r} is not a finite number")
    return rating


def parse_consent(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise _Invalid(f"consent {value!r} is not yes/no/true/false/1/0")


@dataclass(frozen=True)
class Normalizer:
    """Validates rows against a column mapping and builds documents.

    >>> n = Normalizer(ColumnMapping(text_col="text", id_col="id"), DocumentKind.REVIEW, "shop")
    >>> n.check_columns(["id", "text"])
    >>> n(RawRecord(line=2, fields={"id": "7", "text": "  "}, raw="7,  ")).reason.value
    'empty_text'
    """

    mapping: ColumnMapping
    kind: DocumentKind
    source: str
    max_text_chars: int = 20000
    file: str | None = None
    parent_source: str | None = None  # where parent ids are looked up (None: same source, then any unique)

    def check_columns(self, header: Sequence[str]) -> None:
        """Raise :class:`ColumnError` if a named column is not in the file's header."""
        missing = [c for c in self.mapping.named_columns() if c not in header]
        if missing:
            raise ColumnError(
                f"Column(s) {', '.join(repr(c) for c in missing)} not found in {self.file or 'the file'}.",
                hint=f"Available columns: {', '.join(repr(c) for c in header)}. "
                "Pass the right --text-col/--id-col/... names.",
            )

    def _quarantine(
        self, rec: RawRecord, reason: QuarantineReason, detail: str, source_id: str | None = None
    ) -> QuarantinedRow:
        return QuarantinedRow(
            source=self.source,
            row_number=rec.line,
            reason=reason,
            detail=detail,
            raw=rec.raw,
            raw_bytes=rec.raw_bytes,
            source_id=source_id,
            file=self.file,
        )

    def __call__(self, rec: RawRecord) -> Document | QuarantinedRow:
        if rec.fields is None:
            return self._quarantine(rec, rec.problem or QuarantineReason.MALFORMED_ROW, rec.detail)
        f: Mapping[str, str | None] = rec.fields
        m = self.mapping
        source_id = clean_id(f.get(m.id_col)) if m.id_col else f"line:{rec.line}"
        if any(v is not None and "\x00" in v for v in f.values()):
            return self._quarantine(
                rec, QuarantineReason.NUL_BYTE, f"line {rec.line}: a field holds a NUL byte", source_id
            )
        if source_id is None:
            return self._quarantine(rec, QuarantineReason.MISSING_ID, f"line {rec.line}: column {m.id_col!r} is empty")
        text = f.get(m.text_col)
        if text is None or not text.strip():
            return self._quarantine(
                rec,
                QuarantineReason.EMPTY_TEXT,
                f"line {rec.line}: column {m.text_col!r} is empty",
                source_id,
            )
        if len(text) > self.max_text_chars:
            return self._quarantine(
                rec,
                QuarantineReason.TEXT_TOO_LONG,
                f"line {rec.line}: text has {len(text):,} characters, "
                f"limit ingest.max_text_chars={self.max_text_chars:,}",
                source_id,
            )
        try:
            rating = parse_rating(f.get(m.rating_col)) if m.rating_col else None
            created = parse_time(f.get(m.time_col)) if m.time_col else None
            consent = parse_consent(f.get(m.consent_col)) if m.consent_col else None
        except _Invalid as exc:
            return self._quarantine(rec, QuarantineReason.INVALID_VALUE, f"line {rec.line}: {exc}", source_id)
        if m.attr_cols:
            attr_names: Sequence[str] = m.attr_cols
        else:
            mapped = set(m.named_columns())
            attr_names = [c for c in f if c not in mapped and c]
        attrs = {c: v.strip() for c in attr_names if (v := f.get(c)) is not None and v.strip()}
        parent_id = clean_id(f.get(m.parent_col)) if m.parent_col else None
        return Document(
            source=self.source,
            source_id=source_id,
            kind=self.kind,
            text=text.strip(),
            parent_id=parent_id,
            parent_source=self.parent_source if parent_id is not None else None,
            author=_opt(f.get(m.author_col)) if m.author_col else None,
            created_at=created,
            rating=rating,
            product=_opt(f.get(m.product_col)) if m.product_col else None,
            consent=consent,
            attrs=attrs,
            row_number=rec.line,
        )


def _opt(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
