"""Ingest use cases: store a file's rows (resumable, every row accounted for), the workspace's counts, quarantine.

>>> import tempfile, pathlib
>>> from empathic.store import open_store
>>> from empathic.types import ColumnMapping
>>> csv = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
>>> _ = csv.write_text("id,text\\n1,Great fit\\n2,\\n")
>>> store = open_store("memory")
>>> s = ingest_file(store, csv, ColumnMapping(text_col="text", id_col="id"), "review")
>>> s.read, s.stored, s.quarantined, dict(status(store, ["vader"]).unanalysed)
(2, 1, 1, {'vader': 1})
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from empathic.app.analyze import Progress, uninterruptible
from empathic.config import Settings
from empathic.errors import Interrupted, ReplyLinkError
from empathic.ingest import default_source, iter_batches
from empathic.store import Store
from empathic.types import ColumnMapping, DocumentKind, IngestSummary, QuarantinedRow, WorkspaceStatus


def ingest_file(
    store: Store,
    path: str | Path,
    mapping: ColumnMapping,
    kind: DocumentKind | str,
    *,
    settings: Settings | None = None,
    source: str | None = None,
    fmt: str | None = None,
    encoding: str | None = None,
    columns: list[str] | None = None,
    quoting: str | None = None,
    parent_source: str | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest one file into ``store``; every row read is stored, skipped or quarantined.

    Each chunk is written in one transaction, so a crash loses at most the chunk in flight and
    re-running the same command completes the file without duplicates. Reply links resolve as
    chunks are written (see :meth:`~empathic.store.base.Store.reply_pairs`); ``parent_source`` pins
    where the parent ids are looked up. Ctrl-C / SIGTERM raise :class:`~empathic.errors.Interrupted`
    saying how many rows were stored.
    """
    settings = settings or Settings()
    kind = DocumentKind(kind)
    source = source or default_source(path)
    if parent_source is not None and mapping.parent_col is None:
        raise ReplyLinkError(
            f"--parent-source {parent_source!r} was given without --parent-col.",
            hint="Name the column that holds the parent ids with --parent-col, or drop --parent-source.",
        )
    started = time.perf_counter()
    read = stored = skipped = quarantined = 0
    reasons: Counter[str] = Counter()
    batches = iter_batches(
        path,
        mapping,
        kind,
        source=source,
        fmt=fmt,
        encoding=encoding or settings.ingest.encoding,
        columns=columns,
        quoting=quoting,
        chunk_size=settings.ingest.chunk_size,
        max_text_chars=settings.ingest.max_text_chars,
        max_row_bytes=settings.ingest.max_row_bytes,
        parent_source=parent_source,
    )
    try:
        for batch in batches:
            with uninterruptible():
                result = store.write_batch(batch.docs, batch.quarantined, file=Path(path).name)
                read += batch.read
                stored += result.stored
            skipped += result.skipped
            bad = len(batch.quarantined) + len(result.duplicates)
            quarantined += bad
            reasons.update(q.reason.value for q in batch.quarantined)
            reasons.update(q.reason.value for q in result.duplicates)
            if progress:
                progress(batch.bytes_read, batch.bytes_total)
    except KeyboardInterrupt as exc:
        raise Interrupted.from_interrupt(
            exc,
            f"Interrupted: {stored:,} rows stored; run the same command to continue — already stored rows are skipped.",
        ) from exc
    summary = IngestSummary(
        file=str(path),
        source=source,
        kind=kind,
        read=read,
        stored=stored,
        skipped=skipped,
        quarantined=quarantined,
        by_reason=dict(sorted(reasons.items())),
        seconds=time.perf_counter() - started,
        links=store.reply_links(source),
    )
    assert summary.read == summary.stored + summary.skipped + summary.quarantined
    store.record_ingest(summary)
    return summary


def status(store: Store, analysers: Sequence[str] = ()) -> WorkspaceStatus:
    """The store's counts, with every configured analyser listed even before its first run."""
    st = store.status()
    analysed = {a: st.analysed.get(a, 0) for a in analysers} | dict(st.analysed)
    return replace(st, analysed=analysed, unanalysed={a: st.documents - n for a, n in analysed.items()})


def quarantine(store: Store, *, limit: int | None = None, reason: str | None = None) -> list[QuarantinedRow]:
    """The quarantined rows (raw content and reason), oldest first."""
    return store.quarantined(limit=limit, reason=reason)
