"""In-memory store: plain dictionaries, same behaviour as SQLite (tested by one conformance suite)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from empathic.store.base import Store
from empathic.store.experiments_memory import ExperimentMemory
from empathic.store.records import duplicate_of, period_of, raw_hash, resolve_parent
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


class MemoryStore(ExperimentMemory, Store):
    """A store that lives as long as the process; for tests and throwaway analyses.

    >>> from empathic.types import Document, DocumentKind
    >>> s = MemoryStore()
    >>> s.write_batch([Document("src", "1", DocumentKind.REVIEW, "Great")], []).stored
    1
    """

    def __init__(self, **_options: object) -> None:
        self._docs: dict[int, Document] = {}
        self._hash: dict[tuple[str, str], tuple[int, str]] = {}
        self._holders: dict[str, list[tuple[str, int]]] = defaultdict(list)  # source_id -> (source, doc_id)
        self._links: dict[int, tuple[int | None, str]] = {}  # reply doc_id -> (parent doc_id, link status)
        self._quarantine: dict[tuple[str, int, str], QuarantinedRow] = {}
        self._analysed: dict[tuple[int, str], str] = {}
        self._scores: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
        self._runs: list[IngestSummary] = []
        self._emb: dict[str, dict[int, np.ndarray]] = defaultdict(dict)
        self._results: dict[str, dict[str, Any]] = {}

    def write_batch(
        self, docs: Sequence[Document], quarantined: Sequence[QuarantinedRow], file: str | None = None
    ) -> WriteResult:
        stored = skipped = 0
        dups: list[QuarantinedRow] = []
        relink: list[int] = []
        new_ids: set[str] = set()
        for doc in docs:
            h = doc.content_hash()
            key = (doc.source, doc.source_id)
            if key in self._hash:
                doc_id, stored_hash = self._hash[key]
                if stored_hash == h:
                    skipped += 1
                    if doc.parent_id is not None:  # written again: its pin may change
                        self._docs[doc_id] = replace(self._docs[doc_id], parent_source=doc.parent_source)
                        relink.append(doc_id)
                else:
                    dups.append(duplicate_of(doc, file))
                continue
            doc_id = len(self._docs) + 1
            self._docs[doc_id] = replace(doc, doc_id=doc_id)
            self._hash[key] = (doc_id, h)
            self._holders[doc.source_id].append((doc.source, doc_id))
            new_ids.add(doc.source_id)
            if doc.parent_id is not None:
                relink.append(doc_id)
            stored += 1
        if new_ids:
            relink.extend(i for i, d in self._docs.items() if d.parent_id in new_ids)
        for doc_id in relink:
            d = self._docs[doc_id]
            holders = [(s, i) for s, i in self._holders.get(d.parent_id or "", []) if i != doc_id]
            self._links[doc_id] = resolve_parent(d.source, d.parent_source, holders)
        for q in [*quarantined, *dups]:
            self._quarantine.setdefault((q.source, q.row_number, raw_hash(q)), q)
        return WriteResult(stored=stored, skipped=skipped, duplicates=tuple(dups))

    def record_ingest(self, summary: IngestSummary) -> None:
        self._runs.append(summary)

    def ingest_history(self) -> list[IngestSummary]:
        return list(self._runs)

    def get_document(self, doc_id: int) -> Document | None:
        return self._docs.get(doc_id)

    def iter_documents(self, kind: DocumentKind | None = None, batch_size: int = 1000) -> Iterator[Document]:
        for doc in list(self._docs.values()):
            if kind is None or doc.kind == kind:
                yield doc

    def _pending_docs(self, analyser: str, version: str) -> list[Document]:
        return [d for i, d in self._docs.items() if self._analysed.get((i, analyser)) != version]

    def pending(self, analyser: str, version: str, limit: int) -> list[Document]:
        return self._pending_docs(analyser, version)[:limit]

    def count_pending(self, analyser: str, version: str) -> int:
        return len(self._pending_docs(analyser, version))

    def write_scores(self, analyser: str, version: str, doc_ids: Sequence[int], scores: Sequence[Score]) -> None:
        for doc_id in doc_ids:
            self._analysed[(doc_id, analyser)] = version
            for (a, _name), values in self._scores.items():
                if a == analyser:
                    values.pop(doc_id, None)
        for s in scores:
            self._scores[(analyser, s.name)][s.doc_id] = s.value

    def write_embeddings(self, model: str, doc_ids: Sequence[int], vectors: Any) -> None:
        mat = np.asarray(vectors, dtype=np.float32)
        for k, doc_id in enumerate(doc_ids):
            self._emb[model][doc_id] = mat[k].copy()

    def embeddings(self, model: str, doc_ids: Sequence[int] | None = None) -> tuple[list[int], Any]:
        stored = self._emb.get(model, {})
        ids = sorted(stored) if doc_ids is None else [d for d in doc_ids if d in stored]
        if not ids:
            return [], np.zeros((0, 0), dtype=np.float32)
        return ids, np.stack([stored[d] for d in ids])

    def quarantined(self, limit: int | None = None, reason: str | None = None) -> list[QuarantinedRow]:
        rows = [q for q in self._quarantine.values() if reason is None or q.reason.value == reason]
        return rows if limit is None else rows[:limit]

    def status(self) -> WorkspaceStatus:
        by_kind = Counter(d.kind.value for d in self._docs.values())
        by_source = Counter(d.source for d in self._docs.values())
        done = Counter(a for (_i, a) in self._analysed)
        reasons = Counter(q.reason.value for q in self._quarantine.values())
        total = len(self._docs)
        return WorkspaceStatus(
            documents=total,
            by_kind=dict(by_kind),
            by_source=dict(by_source),
            analysed=dict(done),
            unanalysed={a: total - n for a, n in done.items()},
            quarantined=sum(reasons.values()),
            quarantined_by_reason=dict(reasons),
        )

    def counts_by_period(self) -> list[PeriodCount]:
        counts = Counter((p, d.kind.value) for d in self._docs.values() if (p := period_of(d.created_at)) is not None)
        return [PeriodCount(p, DocumentKind(k), n) for (p, k), n in sorted(counts.items())]

    def score_histogram(
        self, analyser: str, name: str, lo: float, hi: float, bins: int, kind: DocumentKind | None = None
    ) -> list[int]:
        out = [0] * bins
        width = (hi - lo) / bins
        for doc_id, v in self._scores.get((analyser, name), {}).items():
            if kind is not None and self._docs[doc_id].kind != kind:
                continue
            out[min(bins - 1, max(0, int((v - lo) / width)))] += 1
        return out

    def score_moments(self, analyser: str, name: str) -> dict[str, tuple[int, float, float]]:
        acc: dict[str, tuple[int, float, float]] = {}
        for doc_id, v in self._scores.get((analyser, name), {}).items():
            k = self._docs[doc_id].kind.value
            n, s, ss = acc.get(k, (0, 0.0, 0.0))
            acc[k] = (n + 1, s + v, ss + v * v)
        return acc

    def score_sums(
        self, analyser: str, names: Sequence[str], by: str = "kind"
    ) -> dict[str, dict[str, tuple[int, float]]]:
        if by not in ("kind", "period"):
            raise ValueError(f"by must be 'kind' or 'period', not {by!r}")
        out: dict[str, dict[str, tuple[int, float]]] = {}
        for name in names:
            for doc_id, v in self._scores.get((analyser, name), {}).items():
                doc = self._docs[doc_id]
                g = doc.kind.value if by == "kind" else period_of(doc.created_at)
                if g is None:
                    continue
                n, total = out.setdefault(g, {}).get(name, (0, 0.0))
                out[g][name] = (n + 1, total + v)
        return out

    def reply_pairs(self) -> list[tuple[int, int]]:
        return sorted((parent, doc_id) for doc_id, (parent, _) in self._links.items() if parent is not None)

    def reply_links(self, source: str | None = None, examples: int = 3) -> ReplyLinks:
        mine = sorted(i for i in self._links if source is None or self._docs[i].source == source)
        counts = Counter(self._links[i][1] for i in mine)

        def some(link: str) -> list[str]:
            ids = [self._docs[i].parent_id or "" for i in mine if self._links[i][1] == link]
            return list(dict.fromkeys(ids))[:examples]

        linked_in = sum(
            1
            for i, (parent, _) in self._links.items()
            if parent is not None
            and self._docs[parent].source != self._docs[i].source
            and (source is None or self._docs[parent].source == source)
        )
        elsewhere = Counter(
            self._docs[parent].source
            for i in mine
            if (parent := self._links[i][0]) is not None and self._docs[parent].source != self._docs[i].source
        )
        return ReplyLinks(
            matched=counts["matched"],
            unmatched=counts["unmatched"],
            ambiguous=counts["ambiguous"],
            linked_in=linked_in,
            elsewhere=dict(sorted(elsewhere.items())),
            unmatched_examples=tuple(some("unmatched")),
            ambiguous_examples={p: tuple(sorted({s for s, _ in self._holders[p]})) for p in some("ambiguous")},
            pinned=tuple(sorted({self._docs[i].parent_source or "" for i in mine} - {""})),
        )

    def score_matrix(self, analyser: str, names: Sequence[str], doc_ids: Sequence[int]) -> Any:
        out = np.full((len(doc_ids), len(names)), np.nan)
        for j, name in enumerate(names):
            values = self._scores.get((analyser, name), {})
            for i, d in enumerate(doc_ids):
                if d in values:
                    out[i, j] = values[d]
        return out

    def save_results(self, kind: str, items: Mapping[str, Any]) -> None:
        self._results[kind] = {n: json.loads(json.dumps(p)) for n, p in items.items()}

    def results(self, kind: str) -> dict[str, Any]:
        return dict(sorted(self._results.get(kind, {}).items()))

    def top_quotes(
        self, analyser: str, name: str, n: int, *, highest: bool = True, kind: DocumentKind | None = None
    ) -> list[ScoredQuote]:
        items = [
            (v, i)
            for i, v in self._scores.get((analyser, name), {}).items()
            if kind is None or self._docs[i].kind == kind
        ]
        items.sort(key=lambda t: (-t[0] if highest else t[0], t[1]))
        out = []
        for v, i in items[:n]:
            d = self._docs[i]
            out.append(ScoredQuote(i, d.kind, d.text, v, d.author, d.product, d.source_id, d.consent))
        return out

    def close(self) -> None:
        pass
