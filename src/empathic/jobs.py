"""Application jobs: each reads from one stage and writes through the store.

These functions are what the CLI, the API and the :class:`~empathic.workspace.Workspace`
facade call. They take a store and plain arguments, report progress through an optional
callback ``progress(done, total)``, and return typed summaries.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from empathic.analyse.base import Analyser, EmbeddingAnalyser, get_analyser
from empathic.analyse.from_store import (
    drivers_from_store,
    mirror_from_store,
    needs_from_store,
    personas_from_store,
    themes_from_store,
)
from empathic.config import AnalyseSettings, Settings
from empathic.errors import AnalysisError, Interrupted, ReplyLinkError
from empathic.experiment.runner import (
    bandit_recommend,
    bandit_update,
    experiment_from_store,
    ingest_experiment,
    list_experiments,
)
from empathic.fsutil import check_output, write_output
from empathic.ingest import default_source, iter_batches
from empathic.persona_narratives import narrate_for_audience
from empathic.predict.propensity import propensity_from_store
from empathic.relate.testimonials import select_testimonials
from empathic.report import render_report
from empathic.store import Store
from empathic.types import (
    AnalysisSummary,
    ColumnMapping,
    DocumentKind,
    IngestSummary,
    Score,
    WorkspaceStatus,
)

Progress = Callable[[int, int], None]


@contextlib.contextmanager
def _uninterruptible() -> Iterator[None]:
    """Defer SIGINT/SIGTERM while a batch is committed and counted, so "N saved" on interrupt is exact.

    The Python-level handlers are swapped for one that only records the signal (a signal mask would not
    do: another thread, a progress bar's, may take the signal and the main thread then runs the handler
    inside the block); on exit the old handler gets the signal, so ``KeyboardInterrupt`` is raised (or
    the process ends, for a default SIGTERM) right after the batch.
    """
    if threading.current_thread() is not threading.main_thread():  # handlers run in the main thread only
        yield
        return
    caught: list[int] = []
    old = {
        s: signal.signal(s, lambda signum, _frame: caught.append(signum))
        for s in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(s) not in (signal.SIG_IGN, None)
    }
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if caught:
            handler = old[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            else:  # SIG_DFL
                signal.raise_signal(caught[0])


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
            with _uninterruptible():
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


def run_analyse(
    store: Store,
    analysers: Sequence[str],
    *,
    settings: AnalyseSettings | None = None,
    progress: Progress | None = None,
) -> AnalysisSummary:
    """Run each analyser over the documents it has not yet analysed (at its current version).

    Analysers with an encoder also store the sentence embeddings they computed, so later stages
    reuse them instead of encoding the text again. Each batch is committed before the next starts;
    Ctrl-C / SIGTERM raise :class:`~empathic.errors.Interrupted` saying how many were saved.
    """
    started = time.perf_counter()
    settings = settings or AnalyseSettings()
    batch_size = settings.batch_size
    models = [get_analyser(name, settings) for name in analysers]
    todo = {m.name: store.count_pending(m.name, m.version) for m in models}
    total_docs = store.status().documents
    total = sum(todo.values())
    analysed: dict[str, int] = {m.name: 0 for m in models}
    try:
        for model in models:
            _analyse_one(store, model, batch_size, analysed, total, progress)
    except KeyboardInterrupt as exc:
        done = sum(analysed.values())
        detail = ", ".join(f"{m.name} {analysed[m.name]:,} of {todo[m.name]:,}" for m in models)
        raise Interrupted.from_interrupt(
            exc,
            f"Interrupted: {done:,} of {total:,} analysed and saved"
            + (f" ({detail})" if len(models) > 1 else "")
            + "; run the same command to continue.",
        ) from exc
    return AnalysisSummary(
        analysed=analysed,
        already_done={m.name: total_docs - todo[m.name] for m in models},
        seconds=time.perf_counter() - started,
    )


def _analyse_one(
    store: Store, model: Analyser, batch_size: int, analysed: dict[str, int], total: int, progress: Progress | None
) -> None:
    """Analyse every pending document with ``model``, one committed batch at a time, counting into ``analysed``."""
    while True:
        docs = store.pending(model.name, model.version, batch_size)
        if not docs:
            return
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
        with _uninterruptible():  # committed and counted together
            if vectors is not None and isinstance(model, EmbeddingAnalyser) and model.embedding_model:
                store.write_embeddings(model.embedding_model, doc_ids, vectors)
            store.write_scores(model.name, model.version, doc_ids, scores)
            analysed[model.name] += len(docs)
        if progress:
            progress(sum(analysed.values()), total)


def workspace_status(store: Store, analysers: Sequence[str] = ()) -> WorkspaceStatus:
    """The store's counts, with every configured analyser listed even before its first run."""
    st = store.status()
    analysed = {a: st.analysed.get(a, 0) for a in analysers} | dict(st.analysed)
    return replace(st, analysed=analysed, unanalysed={a: st.documents - n for a, n in analysed.items()})


def build_report(
    store: Store,
    out: str | Path,
    *,
    settings: Settings | None = None,
    sections: Sequence[str] | None = None,
    llm: str | None = None,
) -> Path:
    """Write the self-contained HTML report to ``out`` (atomically: a failure keeps the old file).

    ``llm`` names the narratives' backend (see ``render_report``).
    """
    settings = settings or Settings()
    check_output(out)
    html = render_report(store, settings=settings, sections=sections, llm=llm)
    return write_output(out, html)


run_mirror = mirror_from_store  # the job is the store-backed analysis itself
run_themes = themes_from_store
run_needs = needs_from_store
run_drivers = drivers_from_store
run_personas = personas_from_store
run_experiment_ingest = ingest_experiment  # experiment: file -> unit rows / mergeable parts in the store
run_experiment = experiment_from_store
run_experiment_list = list_experiments  # experiment: stored experiments with units per arm
run_bandit_recommend = bandit_recommend
run_bandit_update = bandit_update
run_propensity = propensity_from_store  # predict: emotions -> recommendation, stored by target name
run_testimonials = select_testimonials  # relate: persona-matched testimonials (TestimonialRanking)
run_narrative = narrate_for_audience  # relate + narrate: a guarded narrative for a persona (Narrative)
