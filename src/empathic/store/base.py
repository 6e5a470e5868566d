"""The store protocols every backend implements, and :func:`open_store` to pick one by name.

One protocol per concern, so code (and a plugin backend) can depend on just what it uses:
:class:`DocumentStore` (documents, quarantine, reply links, ingest history), :class:`ScoreStore`
(pending work, scores, embeddings), :class:`ResultStore` (named results), :class:`ExperimentStore`
(experiments and bandits). :class:`Store` is their union: what a full backend such as ``sqlite``
implements and what ``open_store`` returns. ``empathic.testing.check_store`` checks them by group.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from empathic import registry
from empathic.types import (
    BanditKind,
    BanditState,
    Document,
    DocumentKind,
    ExperimentObservation,
    ExperimentSpec,
    IngestSummary,
    MetricStats,
    PeriodCount,
    QuarantinedRow,
    ReplyLinks,
    Score,
    ScoredQuote,
    WorkspaceStatus,
    WriteResult,
)


@runtime_checkable
class DocumentStore(Protocol):
    """Documents and quarantined rows: atomic batch writes, reads, reply links and ingest history."""

    def write_batch(
        self, docs: Sequence[Document], quarantined: Sequence[QuarantinedRow], file: str | None = None
    ) -> WriteResult:
        """Store documents (skipping identical ones, quarantining changed ones) and rows, and resolve reply
        links (see :meth:`reply_pairs`), atomically."""
        ...

    def get_document(self, doc_id: int) -> Document | None: ...

    def iter_documents(self, kind: DocumentKind | None = None, batch_size: int = 1000) -> Iterator[Document]: ...

    def quarantined(self, limit: int | None = None, reason: str | None = None) -> list[QuarantinedRow]: ...

    def status(self) -> WorkspaceStatus: ...

    def counts_by_period(self) -> list[PeriodCount]:
        """Documents per calendar month (``YYYY-MM``) and kind; undated ones are left out."""
        ...

    def reply_pairs(self) -> list[tuple[int, int]]:
        """``(parent doc_id, reply doc_id)`` for every reply whose parent resolved (``write_batch`` resolves links).

        A reply's parent id is looked up in its ``parent_source`` when pinned, else in its own source, else
        in the one other source holding that id (two or more: ambiguous, not linked). Writing a document
        re-resolves the replies waiting for its id, so either file may be ingested first.
        """
        ...

    def reply_links(self, source: str | None = None, examples: int = 3) -> ReplyLinks:
        """How the replies of ``source`` (or of every source) resolved: counts and a few example parent ids."""
        ...

    def record_ingest(self, summary: IngestSummary) -> None: ...

    def ingest_history(self) -> list[IngestSummary]: ...

    def close(self) -> None: ...


@runtime_checkable
class ScoreStore(Protocol):
    """Analysis bookkeeping: what is pending per analyser version, scores, their aggregates and embeddings."""

    def pending(self, analyser: str, version: str, limit: int) -> list[Document]:
        """Documents not yet analysed by ``analyser`` at ``version`` (oldest first)."""
        ...

    def count_pending(self, analyser: str, version: str) -> int: ...

    def write_scores(self, analyser: str, version: str, doc_ids: Sequence[int], scores: Sequence[Score]) -> None:
        """Store scores and mark ``doc_ids`` as analysed (replacing older scores), atomically."""
        ...

    def score_histogram(
        self, analyser: str, name: str, lo: float, hi: float, bins: int, kind: DocumentKind | None = None
    ) -> list[int]: ...

    def score_moments(self, analyser: str, name: str) -> dict[str, tuple[int, float, float]]:
        """Per kind: mergeable ``(n, sum, sum of squares)`` of one score."""
        ...

    def score_sums(
        self, analyser: str, names: Sequence[str], by: str = "kind"
    ) -> dict[str, dict[str, tuple[int, float]]]:
        """Mergeable ``(n, sum)`` of scores per group (``by`` = ``"kind"`` or ``"period"``) and name."""
        ...

    def score_matrix(self, analyser: str, names: Sequence[str], doc_ids: Sequence[int]) -> Any:
        """``[len(doc_ids), len(names)]`` float array of stored scores (NaN where missing)."""
        ...

    def top_quotes(
        self, analyser: str, name: str, n: int, *, highest: bool = True, kind: DocumentKind | None = None
    ) -> list[ScoredQuote]: ...

    def write_embeddings(self, model: str, doc_ids: Sequence[int], vectors: Any) -> None:
        """Store float32 vectors (``[len(doc_ids), d]``) for ``model``, replacing older ones."""
        ...

    def embeddings(self, model: str, doc_ids: Sequence[int] | None = None) -> tuple[list[int], Any]:
        """``(doc_ids, [n, d] float32 matrix)`` of the stored vectors of ``model`` (all, or those asked)."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class ResultStore(Protocol):
    """Named results of the later stages (themes, personas, rankings...): JSON payloads replaced per kind."""

    def save_results(self, kind: str, items: Mapping[str, Any]) -> None:
        """Replace every stored result of ``kind`` by ``items`` (name -> JSON-serialisable payload)."""
        ...

    def results(self, kind: str) -> dict[str, Any]:
        """Stored results of ``kind``: name -> payload."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class ExperimentStore(Protocol):
    """Experiments (definitions, unit rows, pre-aggregated parts) and bandit arm state."""

    def save_experiment(self, spec: ExperimentSpec) -> None:
        """Create or replace the definition of an experiment (control, metrics, planned shares)."""
        ...

    def experiments(self) -> list[ExperimentSpec]: ...

    def write_experiment_units(self, experiment: str, rows: Sequence[ExperimentObservation]) -> None:
        """Store unit-level observations; the same (unit, metric) written again replaces the old value."""
        ...

    def write_experiment_aggregates(
        self, experiment: str, part: str, stats: Mapping[str, Mapping[str, MetricStats]]
    ) -> None:
        """Replace the pre-aggregated ``part`` (variant -> metric -> mergeable stats) of an experiment."""
        ...

    def experiment_stats(self, experiment: str) -> dict[str, dict[str, MetricStats]]:
        """Variant -> metric -> sufficient statistics over unit rows and aggregated parts (SQL GROUP BY)."""
        ...

    def bandit_states(self, bandit: str | None = None, segment: str | None = None) -> list[BanditState]: ...

    def add_bandit_arms(self, bandit: str, segment: str, kind: BanditKind | str, arms: Sequence[str]) -> None:
        """Create the arms that do not exist yet, with no rewards."""
        ...

    def record_reward(self, bandit: str, segment: str, arm: str, reward: float) -> None:
        """Add one reward to an existing arm (``KeyError`` if it does not exist), atomically."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class Store(DocumentStore, ScoreStore, ResultStore, ExperimentStore, Protocol):
    """Where documents, quarantined rows, analysis scores, results and experiments live: all four concerns.

    Writes are atomic per call: a batch is either wholly stored or not at all, which is what
    makes an interrupted ingest safe to re-run. Code that needs one concern asks for its protocol
    (e.g. a report section that reads results takes a :class:`ResultStore`).

    >>> from empathic.store.memory import MemoryStore
    >>> store = MemoryStore()
    >>> all(isinstance(store, p) for p in (DocumentStore, ScoreStore, ResultStore, ExperimentStore, Store))
    True
    """


def open_store(backend: str = "sqlite", **options: Any) -> Store:
    """Open a store backend by registry name, e.g. ``open_store("sqlite", url="sqlite:///x.db")``."""
    factory = registry.get("store", backend)
    return factory(**options)
