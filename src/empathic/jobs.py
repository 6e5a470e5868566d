"""Application jobs: each reads from one stage and writes through the store.

These functions are what the CLI, the API and the :class:`~empathic.workspace.Workspace`
facade call. They take a store and plain arguments, report progress through an optional
callback ``progress(done, total)``, and return typed summaries.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from empathic.analyse.base import EmbeddingAnalyser, get_analyser
from empathic.config import AnalyseSettings, Settings
from empathic.errors import AnalysisError
from empathic.ingest import default_source, iter_batches
from empathic.report import render_report
from empathic.store import Store
from empathic.types import (
    AnalysisSummary,
    ColumnMapping,
    Document,
    DocumentKind,
    IngestSummary,
    MirrorResult,
    Score,
    WorkspaceStatus,
)

Progress = Callable[[int, int], None]


def run_ingest(
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
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest one file into ``store``; every row read is stored, skipped or quarantined.

    Each chunk is written in one transaction, so a crash loses at most the chunk in flight and
    re-running the same command completes the file without duplicates.
    """
    settings = settings or Settings()
    kind = DocumentKind(kind)
    source = source or default_source(path)
    started = time.perf_counter()
    read = stored = skipped = quarantined = 0
    reasons: Counter[str] = Counter()
    for batch in iter_batches(
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
    ):
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
    )
    assert summary.read == summary.stored + summary.skipped + summary.quarantined
    store.record_ingest(summary)
    return summary


def run_analyse(
    store: Store,
    analysers: Sequence[str],
    *,
    settings: AnalyseSettings | None = None,
    progress: Progress | None = None,
) -> AnalysisSummary:
    """Run each analyser over the documents it has not yet analysed (at its current version).

    Analysers with an encoder also store the sentence embeddings they computed, so later stages
    reuse them instead of encoding the text again.
    """
    started = time.perf_counter()
    settings = settings or AnalyseSettings()
    batch_size = settings.batch_size
    models = [get_analyser(name, settings) for name in analysers]
    todo = {m.name: store.count_pending(m.name, m.version) for m in models}
    total_docs = store.status().documents
    total = sum(todo.values())
    done = 0
    analysed: dict[str, int] = {}
    for model in models:
        count = 0
        while True:
            docs = store.pending(model.name, model.version, batch_size)
            if not docs:
                break
            texts = [d.text for d in docs]
            vectors = None
            if isinstance(model, EmbeddingAnalyser) and model.embedding_model:
                outputs, vectors = model.analyse_with_embeddings(texts)
            else:
                outputs = model.analyse(texts)
            if len(outputs) != len(docs):
                raise AnalysisError(
                    f"Analyser {model.name!r} returned {len(outputs)} results for {len(docs)} texts.",
                    hint="This is a bug in the analyser; report it to its authors.",
                )
            scores = [
                Score(doc_id=d.doc_id or 0, analyser=model.name, name=k, value=float(v))
                for d, out in zip(docs, outputs, strict=True)
                for k, v in out.items()
            ]
            doc_ids = [d.doc_id or 0 for d in docs]
            if vectors is not None and isinstance(model, EmbeddingAnalyser) and model.embedding_model:
                store.write_embeddings(model.embedding_model, doc_ids, vectors)
            store.write_scores(model.name, model.version, doc_ids, scores)
            count += len(docs)
            done += len(docs)
            if progress:
                progress(done, total)
        analysed[model.name] = count
    return AnalysisSummary(
        analysed=analysed,
        already_done={m.name: total_docs - todo[m.name] for m in models},
        seconds=time.perf_counter() - started,
    )


def workspace_status(store: Store, analysers: Sequence[str] = ()) -> WorkspaceStatus:
    """The store's counts, with every configured analyser listed even before its first run."""
    st = store.status()
    analysed = {a: st.analysed.get(a, 0) for a in analysers} | dict(st.analysed)
    return replace(st, analysed=analysed, unanalysed={a: st.documents - n for a, n in analysed.items()})


def build_report(
    store: Store, out: str | Path, *, settings: Settings | None = None, sections: Sequence[str] | None = None
) -> Path:
    """Write the self-contained HTML report to ``out`` and return its path."""
    settings = settings or Settings()
    html = render_report(store, settings=settings, sections=sections)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


MIRROR_BY = ("author", "campaign", "segment")


def _mirror_key(by: str, parent: Document, child: Document) -> str | None:
    if by == "author":
        return parent.author
    if by == "campaign":
        return parent.attrs.get("campaign")
    for attr in ("segment", "age_band", "region", "customer_type"):
        if attr in child.attrs:
            return f"{attr}={child.attrs[attr]}"
    return None


def run_mirror(
    store: Store,
    *,
    by: str | None = None,
    n_perm: int = 1000,
    n_boot: int = 1000,
    seed: int = 0,
    min_items: int = 5,
    stratify: str = "channel",
) -> MirrorResult:
    """Emotional echo over every stored reply link, from the stored ``emotion`` scores.

    The null reassigns responses across content items of the same kind and the same value of the
    parent attribute ``stratify`` (default ``channel``; ``inbound`` for customer-support threads).
    With ``by``, the same statistics are rolled up per parent author, parent campaign or responder segment.
    """
    from empathic.analyse.emotion.taxonomy import LABELS
    from empathic.analyse.mirror import mirror_stats

    if by is not None and by not in MIRROR_BY:
        raise AnalysisError(f"Cannot roll the mirror up by {by!r}.", hint=f"Use one of: {', '.join(MIRROR_BY)}.")
    pairs = store.reply_pairs()
    if not pairs:
        return MirrorResult(items=0, responses=0, status="no_pairs")
    parents = sorted({p for p, _ in pairs})
    children = [c for _, c in pairs]
    pm = store.score_matrix("emotion", LABELS, parents)
    cm = store.score_matrix("emotion", LABELS, children)
    row = {p: i for i, p in enumerate(parents)}
    keep = [k for k, (p, _) in enumerate(pairs) if not np.isnan(pm[row[p]]).any() and not np.isnan(cm[k]).any()]
    if not keep:
        raise AnalysisError(
            "No reply link has emotion scores on both sides.",
            hint="Run `empathic analyze` (with the 'emotion' analyser) first.",
        )
    docs = {d: store.get_document(d) for d in {*parents, *children}}
    owner = np.array([row[pairs[k][0]] for k in keep])
    strata = [f"{docs[p].kind.value}/{docs[p].attrs.get(stratify, '')}" for p in parents]  # type: ignore[union-attr]
    result = mirror_stats(
        pm, cm[keep], owner, strata, n_perm=n_perm, n_boot=n_boot, seed=seed, content_probs=pm, response_probs=cm[keep]
    )
    if by is None:
        return result
    groups: dict[str, list[int]] = {}
    for k in keep:
        key = _mirror_key(by, docs[pairs[k][0]], docs[pairs[k][1]])  # type: ignore[arg-type]
        if key is not None:
            groups.setdefault(key, []).append(k)
    rollup: dict[str, dict[str, float | int | None]] = {}
    for key, ks in sorted(groups.items()):
        sub_parents = sorted({pairs[k][0] for k in ks})
        if len(sub_parents) < min_items:
            continue
        sub_row = {p: i for i, p in enumerate(sub_parents)}
        sub = mirror_stats(
            pm[[row[p] for p in sub_parents]],
            cm[ks],
            np.array([sub_row[pairs[k][0]] for k in ks]),
            [strata[row[p]] for p in sub_parents],
            n_perm=n_perm,
            n_boot=n_boot,
            seed=seed,
        )
        d = sub.to_dict()
        rollup[key] = {
            k: d[k]
            for k in (
                "items",
                "responses",
                "mirror_similarity",
                "null_similarity",
                "lift",
                "ci_low",
                "ci_high",
                "p_value",
            )
        }
    return replace(result, by={"dimension": by, "min_items": min_items, "groups": rollup})
