"""Listen: read customer voice and brand content from files into validated documents.

Nothing here touches the store: :func:`iter_batches` yields validated chunks and the caller
(:mod:`empathic.app.ingest`) writes each chunk in one transaction.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
>>> _ = p.write_text("id,text\\n1,Love it\\n2,\\n")
>>> b = next(iter_batches(p, ColumnMapping(text_col="text", id_col="id"), DocumentKind.REVIEW))
>>> b.read, len(b.docs), b.quarantined[0].reason.value
(2, 1, 'empty_text')
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from empathic.ingest.normalize import Normalizer
from empathic.ingest.readers import MAX_ROW_BYTES, detect_format, read_records
from empathic.types import ColumnMapping, Document, DocumentKind, IngestBatch, QuarantinedRow

__all__ = ["default_source", "iter_batches"]

CHUNK_TEXT = 8 * 1024 * 1024  # a chunk is also cut at about this much row text, so big rows can't pile up


def default_source(path: str | Path) -> str:
    """The id namespace of a file when none is given: its name without extensions.

    >>> default_source("data/reviews.2025.csv.gz")
    'reviews.2025'
    """
    name = Path(path).name
    name = re.sub(r"(\.(gz|gzip))$", "", name, flags=re.I)
    name = re.sub(r"\.(csv|tsv|tab|jsonl|ndjson|parquet|pq)$", "", name, flags=re.I)
    return name or "default"


def iter_batches(
    path: str | Path,
    mapping: ColumnMapping,
    kind: DocumentKind,
    *,
    source: str | None = None,
    fmt: str | None = None,
    encoding: str = "utf-8",
    columns: list[str] | None = None,
    quoting: str | None = None,
    chunk_size: int = 2000,
    max_text_chars: int = 20000,
    max_row_bytes: int = MAX_ROW_BYTES,
    parent_source: str | None = None,
) -> Iterator[IngestBatch]:
    """Read a file in chunks of ``chunk_size`` rows, validating each row (see :mod:`.normalize`).

    Memory is bounded by ``max_row_bytes``: a longer row is quarantined as ``row_too_large``, and a
    chunk is cut early once its rows hold :data:`CHUNK_TEXT` characters. ``parent_source`` pins the source
    where the parent ids of ``mapping.parent_col`` are looked up.
    """
    path = Path(path)
    real_fmt = fmt or detect_format(path)[0]
    normalizer = Normalizer(
        mapping,
        DocumentKind(kind),
        source or default_source(path),
        max_text_chars,
        file=path.name,
        parent_source=parent_source,
    )
    position: list[Callable[[], int]] = []
    total = os.path.getsize(path) if path.exists() else 0
    docs: list[Document] = []
    bad: list[QuarantinedRow] = []
    checked = False
    held = 0
    for rec in read_records(
        path,
        fmt=fmt,
        encoding=encoding,
        columns=columns,
        quoting=quoting,
        batch_size=chunk_size,
        max_row_bytes=max_row_bytes,
        position=position,
    ):
        if not checked and rec.fields is not None:
            header = list(rec.fields)
            if real_fmt == "jsonl":
                normalizer.check_columns([*header, *[c for c in mapping.named_columns() if c != mapping.text_col]])
            else:
                normalizer.check_columns(header)
            checked = True
        out = normalizer(rec)
        (docs if isinstance(out, Document) else bad).append(out)
        held += len(rec.raw)
        if len(docs) + len(bad) >= chunk_size or held >= CHUNK_TEXT:
            yield IngestBatch(len(docs) + len(bad), tuple(docs), tuple(bad), position[0](), total)
            docs, bad, held = [], [], 0
    if docs or bad:
        yield IngestBatch(len(docs) + len(bad), tuple(docs), tuple(bad), total, total)
