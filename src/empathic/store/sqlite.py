"""The embedded default store: SQLite through SQLAlchemy 2 Core, schema by Alembic migrations.

SQLite runs in WAL mode (readers never block the one writer). The same code is meant to take
a PostgreSQL URL later; SQL here stays portable Core expressions.

Faults come out as EMP errors: an empty, missing or damaged database file is refused before
SQLite touches it (never re-created or overwritten), and SQLite's own errors are mapped in one
``handle_error`` hook (disk full, read-only, corrupt). A read-only database is opened with
``mode=ro`` (or ``immutable=1`` when no write-ahead log is pending), so a workspace on a
read-only disk can still be read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from empathic.errors import StoreError
from empathic.store.base import Store
from empathic.store.experiments_sql import ExperimentSQL
from empathic.store.records import (
    doc_to_row,
    duplicate_of,
    now_iso,
    quarantine_to_row,
    resolve_parent,
    row_to_doc,
    row_to_quarantine,
)
from empathic.store.schema import analysed, documents, embeddings, ingest_runs, quarantine, results, scores
from empathic.store.sqlite_file import (
    check_database_file,
    check_revision,
    connect_read_only,
    read_only_pragmas,
    sqlite_fault,
    sqlite_file,
)
from empathic.types import (
    Document,
    DocumentKind,
    IngestSummary,
    PeriodCount,
    QuarantinedRow,
    ReplyLinks,
    Score,
    ScoredQuote,
    WorkspaceStatus,
    WriteResult,
)

_IN_CHUNK = 900  # stay well under SQLite's bound-parameter limit


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class SQLiteStore(ExperimentSQL, Store):
    """Store backed by an SQL database (SQLite by default).

    ``create`` allows a missing (or empty) SQLite file to become a new database; a workspace passes
    it only from ``empathic init``. ``read_only`` opens the file without writing anything beside it.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> store = SQLiteStore(url=f"sqlite:///{os.path.join(d, 'e.sqlite')}")
    >>> store.status().documents
    0
    """

    def __init__(self, url: str = "sqlite:///empathic.sqlite", *, create: bool = True, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        path = sqlite_file(url)
        self._where = str(path) if path else url
        if path is not None:
            check_database_file(path, create=create and not read_only)
        try:
            if read_only and path is not None:
                self.engine = create_engine("sqlite://", creator=lambda: connect_read_only(path), future=True)
                event.listen(self.engine, "connect", read_only_pragmas)
            else:
                self.engine = create_engine(url, future=True)
                if self.engine.dialect.name == "sqlite":
                    event.listen(self.engine, "connect", _sqlite_pragmas)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "handle_error", self._on_error)
            if read_only:
                check_revision(self.engine, self._where)
            else:
                migrate(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Could not open the database at {url}: {exc.__class__.__name__}: {exc}.",
                hint="Check the path or URL in empathic.toml and that the folder is writable.",
            ) from exc

    def _on_error(self, ctx: Any) -> None:
        fault = sqlite_fault(ctx.original_exception, self._where)
        if fault is not None:
            raise fault from ctx.original_exception

    # -- writes -------------------------------------------------------------------------------
    def write_batch(
        self, docs: Sequence[Document], quarantined: Sequence[QuarantinedRow], file: str | None = None
    ) -> WriteResult:
        stamp = now_iso()
        stored = skipped = 0
        dups: list[QuarantinedRow] = []
        with self.engine.begin() as conn:
            existing: dict[tuple[str, str], str] = {}
            keys = sorted({(d.source, d.source_id) for d in docs})
            by_source: dict[str, list[str]] = {}
            for source, sid in keys:
                by_source.setdefault(source, []).append(sid)
            for source, ids in by_source.items():
                for i in range(0, len(ids), _IN_CHUNK):
                    part = ids[i : i + _IN_CHUNK]
                    rows = conn.execute(
                        select(documents.c.source_id, documents.c.content_hash).where(
                            documents.c.source == source, documents.c.source_id.in_(part)
                        )
                    )
                    existing.update({(source, r.source_id): r.content_hash for r in rows})
            new_rows = []
            again: list[Document] = []  # replies written again: their pin may change
            for doc in docs:
                h = doc.content_hash()
                key = (doc.source, doc.source_id)
                if key in existing:
                    if existing[key] == h:
                        skipped += 1
                        if doc.parent_id is not None:
                            again.append(doc)
                    else:
                        dups.append(duplicate_of(doc, file))
                    continue
                existing[key] = h
                new_rows.append(doc_to_row(doc, h, stamp))
            if new_rows:
                # link against what is stored already; parents in this very batch are linked just after
                holders = self._holders(conn, [r["parent_id"] for r in new_rows if r["parent_id"] is not None])
                for r in new_rows:
                    link = None, None
                    if r["parent_id"] is not None:
                        link = resolve_parent(r["source"], r["parent_source"], holders.get(r["parent_id"], []))
                    r["parent_doc_id"], r["parent_link"] = link
                conn.execute(insert(documents), new_rows)
                stored = len(new_rows)
            self._relink(conn, again, sorted({r["source_id"] for r in new_rows}))
            q_rows = [quarantine_to_row(q, stamp) for q in [*quarantined, *dups]]
            if q_rows:
                stmt = insert(quarantine).prefix_with("OR IGNORE") if self._is_sqlite else insert(quarantine)
                conn.execute(stmt, q_rows)
        return WriteResult(stored=stored, skipped=skipped, duplicates=tuple(dups))

    @staticmethod
    def _holders(conn: Connection, parent_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """``parent id -> [(source, doc_id)]`` of the stored documents with that id (index-only look-ups)."""
        wanted = sorted(set(parent_ids))
        out: dict[str, list[tuple[str, int]]] = {}
        stmt = select(documents.c.source_id, documents.c.source, documents.c.doc_id)
        for i in range(0, len(wanted), _IN_CHUNK):  # covered by ix_documents_source_id (source_id, source)
            for sid, source, doc_id in conn.execute(stmt.where(documents.c.source_id.in_(wanted[i : i + _IN_CHUNK]))):
                out.setdefault(sid, []).append((source, doc_id))
        return out

    def _relink(self, conn: Connection, again: Sequence[Document], new_ids: Sequence[str]) -> None:
        """Resolve again, by :func:`resolve_parent`, the replies written again (their pin may change) and the
        stored replies whose parent id is one of ``new_ids`` (just stored). Only changed links are written."""
        d = documents
        pins = {(doc.source, doc.source_id): doc.parent_source for doc in again}
        by_source: dict[str, list[str]] = {}
        for source, sid in pins:
            by_source.setdefault(source, []).append(sid)
        conds = [
            and_(d.c.source == source, d.c.source_id.in_(ids[i : i + _IN_CHUNK]))
            for source, ids in by_source.items()
            for i in range(0, len(ids), _IN_CHUNK)
        ]
        conds += [d.c.parent_id.in_(new_ids[i : i + _IN_CHUNK]) for i in range(0, len(new_ids), _IN_CHUNK)]
        cols = (d.c.doc_id, d.c.source, d.c.source_id, d.c.parent_id, d.c.parent_source, d.c.parent_doc_id)
        todo = {}
        for cond in conds:
            for r in conn.execute(select(*cols, d.c.parent_link).where(cond, d.c.parent_id.is_not(None))):
                todo[r.doc_id] = r
        holders = self._holders(conn, [r.parent_id for r in todo.values()])
        changes = []
        for r in todo.values():
            pin = pins.get((r.source, r.source_id), r.parent_source)
            candidates = [h for h in holders.get(r.parent_id, []) if h[1] != r.doc_id]
            parent, link = resolve_parent(r.source, pin, candidates)
            if (parent, link, pin) != (r.parent_doc_id, r.parent_link, r.parent_source):
                changes.append({"b_id": r.doc_id, "b_parent": parent, "b_link": link, "b_pin": pin})
        if changes:
            values = {"parent_doc_id": bindparam("b_parent"), "parent_link": bindparam("b_link")}
            conn.execute(
                update(d).where(d.c.doc_id == bindparam("b_id")).values(**values, parent_source=bindparam("b_pin")),
                changes,
            )

    @property
    def _is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def record_ingest(self, summary: IngestSummary) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(ingest_runs).values(
                    file=summary.file,
                    source=summary.source,
                    kind=summary.kind.value,
                    read=summary.read,
                    stored=summary.stored,
                    skipped=summary.skipped,
                    quarantined=summary.quarantined,
                    by_reason=json.dumps(dict(summary.by_reason)),
                    seconds=summary.seconds,
                    finished_at=now_iso(),
                    parents=json.dumps(summary.links.to_dict()),
                )
            )

    def write_scores(self, analyser: str, version: str, doc_ids: Sequence[int], scores_: Sequence[Score]) -> None:
        stamp = now_iso()
        with self.engine.begin() as conn:
            ids = list(doc_ids)
            for i in range(0, len(ids), _IN_CHUNK):
                part = ids[i : i + _IN_CHUNK]
                conn.execute(scores.delete().where(scores.c.analyser == analyser, scores.c.doc_id.in_(part)))
                conn.execute(analysed.delete().where(analysed.c.analyser == analyser, analysed.c.doc_id.in_(part)))
            if ids:
                conn.execute(
                    insert(analysed),
                    [{"doc_id": d, "analyser": analyser, "version": version, "analysed_at": stamp} for d in ids],
                )
            if scores_:
                conn.execute(
                    insert(scores),
                    [{"doc_id": s.doc_id, "analyser": analyser, "name": s.name, "value": s.value} for s in scores_],
                )

    def write_embeddings(self, model: str, doc_ids: Sequence[int], vectors: Any) -> None:
        mat = np.ascontiguousarray(vectors, dtype="<f4")
        ids = list(doc_ids)
        with self.engine.begin() as conn:
            for i in range(0, len(ids), _IN_CHUNK):
                part = ids[i : i + _IN_CHUNK]
                conn.execute(embeddings.delete().where(embeddings.c.model == model, embeddings.c.doc_id.in_(part)))
            if ids:
                conn.execute(
                    insert(embeddings),
                    [
                        {"doc_id": d, "model": model, "dim": mat.shape[1], "vector": mat[k].tobytes()}
                        for k, d in enumerate(ids)
                    ],
                )

    def embeddings(self, model: str, doc_ids: Sequence[int] | None = None) -> tuple[list[int], Any]:
        stmt = select(embeddings.c.doc_id, embeddings.c.vector).where(embeddings.c.model == model)
        rows: list[Any] = []
        with self.engine.connect() as conn:
            if doc_ids is None:
                rows = list(conn.execute(stmt.order_by(embeddings.c.doc_id)))
            else:
                ids = list(doc_ids)
                for i in range(0, len(ids), _IN_CHUNK):
                    rows.extend(conn.execute(stmt.where(embeddings.c.doc_id.in_(ids[i : i + _IN_CHUNK]))))
                order = {d: k for k, d in enumerate(ids)}
                rows.sort(key=lambda r: order[r.doc_id])
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r.doc_id for r in rows], np.stack([np.frombuffer(r.vector, dtype="<f4") for r in rows])

    # -- reads --------------------------------------------------------------------------------
    def ingest_history(self) -> list[IngestSummary]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(ingest_runs).order_by(ingest_runs.c.run_id)).mappings().all()
        return [
            IngestSummary(
                file=r["file"],
                source=r["source"],
                kind=DocumentKind(r["kind"]),
                read=r["read"],
                stored=r["stored"],
                skipped=r["skipped"],
                quarantined=r["quarantined"],
                by_reason=json.loads(r["by_reason"]),
                seconds=r["seconds"],
                links=ReplyLinks.from_dict(json.loads(r["parents"] or "{}")),
            )
            for r in rows
        ]

    def get_document(self, doc_id: int) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.doc_id == doc_id)).mappings().first()
        return None if row is None else row_to_doc(row)

    def iter_documents(self, kind: DocumentKind | None = None, batch_size: int = 1000) -> Iterator[Document]:
        last = 0
        while True:
            stmt = select(documents).where(documents.c.doc_id > last)
            if kind is not None:
                stmt = stmt.where(documents.c.kind == kind.value)
            with self.engine.connect() as conn:
                rows = conn.execute(stmt.order_by(documents.c.doc_id).limit(batch_size)).mappings().all()
            if not rows:
                return
            for r in rows:
                yield row_to_doc(r)
            last = rows[-1]["doc_id"]

    def _pending_filter(self, analyser: str, version: str) -> Any:
        done = select(analysed.c.doc_id).where(analysed.c.analyser == analyser, analysed.c.version == version)
        return documents.c.doc_id.not_in(done)

    def pending(self, analyser: str, version: str, limit: int) -> list[Document]:
        stmt = (
            select(documents).where(self._pending_filter(analyser, version)).order_by(documents.c.doc_id).limit(limit)
        )
        with self.engine.connect() as conn:
            return [row_to_doc(r) for r in conn.execute(stmt).mappings()]

    def count_pending(self, analyser: str, version: str) -> int:
        stmt = select(func.count()).select_from(documents).where(self._pending_filter(analyser, version))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def quarantined(self, limit: int | None = None, reason: str | None = None) -> list[QuarantinedRow]:
        stmt = select(quarantine).order_by(quarantine.c.id)
        if reason:
            stmt = stmt.where(quarantine.c.reason == reason)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [row_to_quarantine(r) for r in conn.execute(stmt).mappings()]

    def status(self) -> WorkspaceStatus:
        with self.engine.connect() as conn:
            by_kind = dict(conn.execute(select(documents.c.kind, func.count()).group_by(documents.c.kind)).all())
            by_source = dict(conn.execute(select(documents.c.source, func.count()).group_by(documents.c.source)).all())
            done = dict(conn.execute(select(analysed.c.analyser, func.count()).group_by(analysed.c.analyser)).all())
            q_reason = dict(conn.execute(select(quarantine.c.reason, func.count()).group_by(quarantine.c.reason)).all())
        total = sum(by_kind.values())
        return WorkspaceStatus(
            documents=total,
            by_kind=by_kind,
            by_source=by_source,
            analysed=done,
            unanalysed={a: total - n for a, n in done.items()},
            quarantined=sum(q_reason.values()),
            quarantined_by_reason=q_reason,
        )

    def counts_by_period(self) -> list[PeriodCount]:
        period = func.substr(documents.c.created_at, 1, 7)
        stmt = (
            select(period.label("period"), documents.c.kind, func.count().label("n"))
            .where(documents.c.created_at.is_not(None), func.substr(documents.c.created_at, 5, 1) == "-")
            .group_by(period, documents.c.kind)
            .order_by(period, documents.c.kind)
        )
        with self.engine.connect() as conn:
            return [PeriodCount(r.period, DocumentKind(r.kind), r.n) for r in conn.execute(stmt)]

    def score_histogram(
        self, analyser: str, name: str, lo: float, hi: float, bins: int, kind: DocumentKind | None = None
    ) -> list[int]:
        width = (hi - lo) / bins
        raw_bin = func.cast((scores.c.value - lo) / width, Integer)
        bin_ = case((raw_bin >= bins, bins - 1), (raw_bin < 0, 0), else_=raw_bin)
        stmt = (
            select(bin_.label("b"), func.count().label("n"))
            .where(scores.c.analyser == analyser, scores.c.name == name)
            .group_by(bin_)
        )
        if kind is not None:
            stmt = stmt.join(documents, documents.c.doc_id == scores.c.doc_id).where(documents.c.kind == kind.value)
        out = [0] * bins
        with self.engine.connect() as conn:
            for r in conn.execute(stmt):
                out[int(r.b)] += r.n
        return out

    def score_moments(self, analyser: str, name: str) -> dict[str, tuple[int, float, float]]:
        stmt = (
            select(
                documents.c.kind,
                func.count(),
                func.sum(scores.c.value),
                func.sum(scores.c.value * scores.c.value),
            )
            .join(documents, documents.c.doc_id == scores.c.doc_id)
            .where(scores.c.analyser == analyser, scores.c.name == name)
            .group_by(documents.c.kind)
        )
        with self.engine.connect() as conn:
            return {k: (int(n), float(s or 0.0), float(ss or 0.0)) for k, n, s, ss in conn.execute(stmt)}

    def score_sums(
        self, analyser: str, names: Sequence[str], by: str = "kind"
    ) -> dict[str, dict[str, tuple[int, float]]]:
        if by not in ("kind", "period"):
            raise ValueError(f"by must be 'kind' or 'period', not {by!r}")
        key = documents.c.kind if by == "kind" else func.substr(documents.c.created_at, 1, 7)
        stmt = (
            select(key.label("g"), scores.c.name, func.count(), func.sum(scores.c.value))
            .join(documents, documents.c.doc_id == scores.c.doc_id)
            .where(scores.c.analyser == analyser, scores.c.name.in_(list(names)))
            .group_by(key, scores.c.name)
        )
        if by == "period":
            stmt = stmt.where(documents.c.created_at.is_not(None), func.substr(documents.c.created_at, 5, 1) == "-")
        out: dict[str, dict[str, tuple[int, float]]] = {}
        with self.engine.connect() as conn:
            for g, name, n, total in conn.execute(stmt):
                out.setdefault(g, {})[name] = (int(n), float(total or 0.0))
        return out

    def reply_pairs(self) -> list[tuple[int, int]]:
        d = documents
        stmt = (
            select(d.c.parent_doc_id, d.c.doc_id)
            .where(d.c.parent_doc_id.is_not(None))
            .order_by(d.c.parent_doc_id, d.c.doc_id)
        )
        with self.engine.connect() as conn:
            return [(int(a), int(b)) for a, b in conn.execute(stmt)]

    def reply_links(self, source: str | None = None, examples: int = 3) -> ReplyLinks:
        d, p = documents, documents.alias("p")
        mine = d.c.parent_id.is_not(None) if source is None else and_(d.c.parent_id.is_not(None), d.c.source == source)
        with self.engine.connect() as conn:
            counts = dict(
                conn.execute(select(d.c.parent_link, func.count()).where(mine).group_by(d.c.parent_link)).all()
            )

            def some(link: str) -> list[str]:
                stmt = (
                    select(d.c.parent_id)
                    .where(mine, d.c.parent_link == link)
                    .group_by(d.c.parent_id)
                    .order_by(func.min(d.c.doc_id))
                    .limit(examples)
                )
                return list(conn.execute(stmt).scalars())

            holders = {
                pid: tuple(
                    conn.execute(
                        select(d.c.source).where(d.c.source_id == pid).group_by(d.c.source).order_by(d.c.source)
                    ).scalars()
                )
                for pid in some("ambiguous")
            }
            # links that cross sources: into this source's documents, or anywhere when no source is given
            into = (
                select(func.count())
                .select_from(d)
                .join(p, p.c.doc_id == d.c.parent_doc_id)
                .where(p.c.source != d.c.source)
            )
            linked_in = conn.execute(into if source is None else into.where(p.c.source == source)).scalar_one()
            across = (
                select(p.c.source, func.count())
                .select_from(d)
                .join(p, p.c.doc_id == d.c.parent_doc_id)
                .where(mine, p.c.source != d.c.source)
                .group_by(p.c.source)
            )
            elsewhere = {src: int(n) for src, n in conn.execute(across)}
            pins = conn.execute(
                select(d.c.parent_source).where(mine, d.c.parent_source.is_not(None)).group_by(d.c.parent_source)
            ).scalars()
            return ReplyLinks(
                matched=counts.get("matched", 0),
                unmatched=counts.get("unmatched", 0),
                ambiguous=counts.get("ambiguous", 0),
                linked_in=int(linked_in),
                elsewhere=elsewhere,
                unmatched_examples=tuple(some("unmatched")),
                ambiguous_examples=holders,
                pinned=tuple(sorted(pins)),
            )

    def score_matrix(self, analyser: str, names: Sequence[str], doc_ids: Sequence[int]) -> Any:
        ids = list(doc_ids)
        row = {d: i for i, d in enumerate(ids)}
        col = {n: j for j, n in enumerate(names)}
        out = np.full((len(ids), len(col)), np.nan)
        stmt = select(scores.c.doc_id, scores.c.name, scores.c.value).where(
            scores.c.analyser == analyser, scores.c.name.in_(list(col))
        )
        with self.engine.connect() as conn:
            for i in range(0, len(ids), _IN_CHUNK):
                for d, n, v in conn.execute(stmt.where(scores.c.doc_id.in_(ids[i : i + _IN_CHUNK]))):
                    out[row[d], col[n]] = v
        return out

    def save_results(self, kind: str, items: Mapping[str, Any]) -> None:
        stamp = now_iso()
        with self.engine.begin() as conn:
            conn.execute(results.delete().where(results.c.kind == kind))
            if items:
                conn.execute(
                    insert(results),
                    [
                        {"kind": kind, "name": n, "payload": json.dumps(p, ensure_ascii=False), "created_at": stamp}
                        for n, p in items.items()
                    ],
                )

    def results(self, kind: str) -> dict[str, Any]:
        stmt = select(results.c.name, results.c.payload).where(results.c.kind == kind).order_by(results.c.name)
        with self.engine.connect() as conn:
            return {n: json.loads(p) for n, p in conn.execute(stmt)}

    def top_quotes(
        self, analyser: str, name: str, n: int, *, highest: bool = True, kind: DocumentKind | None = None
    ) -> list[ScoredQuote]:
        order = scores.c.value.desc() if highest else scores.c.value.asc()
        cond = and_(scores.c.analyser == analyser, scores.c.name == name)
        if kind is not None:
            cond = and_(cond, documents.c.kind == kind.value)
        stmt = (
            select(documents, scores.c.value)
            .join(documents, documents.c.doc_id == scores.c.doc_id)
            .where(cond)
            .order_by(order, documents.c.doc_id)
            .limit(n)
        )
        with self.engine.connect() as conn:
            return [
                ScoredQuote(
                    doc_id=r["doc_id"],
                    kind=DocumentKind(r["kind"]),
                    text=r["text"],
                    score=r["value"],
                    author=r["author"],
                    product=r["product"],
                    source_id=r["source_id"],
                    consent=None if r["consent"] is None else bool(r["consent"]),
                )
                for r in conn.execute(stmt).mappings()
            ]

    def close(self) -> None:
        self.engine.dispose()
