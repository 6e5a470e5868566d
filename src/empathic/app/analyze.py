"""Analyse use case: run analysers over the documents they have not yet analysed, batch by batch.

Each batch is committed before the next starts; Ctrl-C / SIGTERM raise
:class:`~empathic.errors.Interrupted` saying how many were saved (:func:`uninterruptible` keeps
"N saved" exact). Progress goes to an optional callback ``progress(done, total)``.

>>> from empathic.store import open_store
>>> from empathic.types import Document, DocumentKind
>>> store = open_store("memory")
>>> _ = store.write_batch([Document("s", "1", DocumentKind.REVIEW, "Love it!")], [])
>>> dict(analyze(store, ["vader"]).analysed)
{'vader': 1}
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from empathic.analyse.base import Analyser, EmbeddingAnalyser, get_analyser
from empathic.config import AnalyseSettings
from empathic.errors import AnalysisError, Interrupted
from empathic.store import Store
from empathic.types import AnalysisSummary, Score

Progress = Callable[[int, int], None]


@contextlib.contextmanager
def uninterruptible() -> Iterator[None]:
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


def analyze(
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
        with uninterruptible():  # committed and counted together
            if vectors is not None and isinstance(model, EmbeddingAnalyser) and model.embedding_model:
                store.write_embeddings(model.embedding_model, doc_ids, vectors)
            store.write_scores(model.name, model.version, doc_ids, scores)
            analysed[model.name] += len(docs)
        if progress:
            progress(sum(analysed.values()), total)
