"""Store, analyser and emotion-model suites: named checks, each raising ``AssertionError`` with a clear message."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from empathic.analyse.base import Analyser
from empathic.store.base import DocumentStore, ExperimentStore, ResultStore, ScoreStore, Store
from empathic.testing.experiments import EXPERIMENT_CHECKS
from empathic.testing.suite import NamedChecks, lazy, named
from empathic.types import Document, DocumentKind, IngestSummary, QuarantinedRow, QuarantineReason, Score


def _docs() -> list[Document]:
    return [
        Document("s", "1", DocumentKind.POST, "We launched!", created_at="2025-01-05", attrs={"channel": "ig"}),
        Document(
            "s",
            "2",
            DocumentKind.COMMENT,
            "Love it 😍",
            parent_id="1",
            author="ann",
            created_at="2025-01-06",
            rating=5.0,
            consent=True,
            attrs={"age_band": "25-34"},
            row_number=3,
        ),
        Document("s", "3", DocumentKind.COMMENT, "Too pricey", parent_id="1", created_at="2025-02-01", consent=False),
        Document("t", "1", DocumentKind.REVIEW, "Same id, other source", rating=2.0),
    ]


def check_store(factory: Callable[[], Store]) -> NamedChecks:
    """Named checks every store backend must pass, grouped by protocol (``documents:``, ``scores:``,
    ``results:``, ``experiments:``); each check gets a fresh store from ``factory()`` and closes it.

    >>> from empathic.store.memory import MemoryStore
    >>> from empathic.testing import run_checks
    >>> "documents:write_batch_idempotent" in run_checks(check_store(MemoryStore))
    True
    """
    groups: tuple[tuple[str, type, tuple[Callable[[Any], None], ...]], ...] = (
        ("documents", DocumentStore, _DOCUMENT_CHECKS),
        ("scores", ScoreStore, _SCORE_CHECKS),
        ("results", ResultStore, (_results_replace_per_kind,)),
        ("experiments", ExperimentStore, EXPERIMENT_CHECKS),
    )
    for group, protocol, checks in groups:
        yield f"{group}:implements_{protocol.__name__}", functools.partial(_on_fresh, factory, protocol, None)
        for fn in checks:
            name = fn.__name__.lstrip("_")
            yield f"{group}:{name}", functools.partial(_on_fresh, factory, protocol, fn)


def _on_fresh(factory: Callable[[], Any], protocol: type, fn: Callable[[Any], None] | None) -> None:
    store = factory()
    try:
        assert isinstance(store, protocol), f"{type(store).__name__} does not implement {protocol.__name__}"
        if fn is not None:
            fn(store)
    finally:
        store.close()


_BAD = QuarantinedRow("s", 9, QuarantineReason.EMPTY_TEXT, "line 9: empty", raw="9,,x", file="f.csv")


def _seed(store: Any) -> list[Document]:
    """Write the fixture documents and one quarantined row; return the documents as stored."""
    res = store.write_batch(_docs(), [_BAD], file="f.csv")
    assert (res.stored, res.skipped, len(res.duplicates)) == (4, 0, 0), f"first write: {res}"
    return list(store.iter_documents())


def _seed_scores(store: Any) -> list[int]:
    """Seed, then score three documents with analyser ``a`` v1 (``x`` = 0.1, -0.5, 0.9) and return their ids."""
    _seed(store)
    ids = [d.doc_id for d in store.pending("a", "1", 3) if d.doc_id is not None]
    store.write_scores("a", "1", ids, [Score(i, "a", "x", v) for i, v in zip(ids, (0.5, -0.5, 0.9), strict=True)])
    store.write_scores("a", "1", ids[:1], [Score(ids[0], "a", "x", 0.1)])  # re-analysis replaces
    return ids


# -- documents -----------------------------------------------------------------------------------------------------


def _new_store_is_empty(store: DocumentStore) -> None:
    st = store.status()
    assert st.documents == 0 and st.quarantined == 0, f"a new store must be empty: {st}"
    assert list(store.iter_documents()) == [] and store.quarantined() == [] and store.ingest_history() == []


def _write_batch_idempotent(store: DocumentStore) -> None:
    _seed(store)
    # identical content is skipped; changed content under a stored id is quarantined as duplicate_id
    changed = Document("s", "2", DocumentKind.COMMENT, "Changed text")
    res = store.write_batch([*_docs(), changed], [_BAD], file="f.csv")
    assert (res.stored, res.skipped, len(res.duplicates)) == (0, 4, 1), f"second write: {res}"
    assert res.duplicates[0].reason is QuarantineReason.DUPLICATE_ID, res.duplicates
    st = store.status()
    assert st.documents == 4, st
    assert dict(st.quarantined_by_reason) == {"empty_text": 1, "duplicate_id": 1}, "re-written rows must not repeat"


def _status_counts(store: DocumentStore) -> None:
    _seed(store)
    st = store.status()
    assert st.documents == 4 and st.quarantined == 1, st
    assert dict(st.by_kind) == {"post": 1, "comment": 2, "review": 1}, st.by_kind
    assert dict(st.by_source) == {"s": 3, "t": 1}, st.by_source


def _documents_round_trip(store: DocumentStore) -> None:
    _seed(store)
    docs = list(store.iter_documents(batch_size=2))
    assert [d.source_id for d in docs] == ["1", "2", "3", "1"], "documents come back in insertion order"
    ann = next(d for d in docs if d.author == "ann")
    assert ann.doc_id is not None and store.get_document(ann.doc_id) == ann, "get_document round-trips"
    assert (ann.parent_id, ann.rating, ann.consent, dict(ann.attrs)) == ("1", 5.0, True, {"age_band": "25-34"})
    assert ann.text == "Love it 😍" and ann.row_number == 3
    assert store.get_document(10_000) is None
    assert [d.kind for d in store.iter_documents(DocumentKind.COMMENT)] == [DocumentKind.COMMENT] * 2


def _quarantine_rows(store: DocumentStore) -> None:
    _seed(store)
    store.write_batch([Document("s", "2", DocumentKind.COMMENT, "Changed text")], [])
    q = store.quarantined()
    assert len(q) == 2 and q[0].raw == "9,,x" and q[0].file == "f.csv", q
    assert [r.reason.value for r in store.quarantined(reason="duplicate_id")] == ["duplicate_id"]
    assert len(store.quarantined(limit=1)) == 1


def _counts_by_period(store: DocumentStore) -> None:
    _seed(store)
    periods = {(p.period, p.kind.value): p.count for p in store.counts_by_period()}
    assert periods == {("2025-01", "post"): 1, ("2025-01", "comment"): 1, ("2025-02", "comment"): 1}, periods


def _reply_pairs(store: DocumentStore) -> None:
    docs = _seed(store)
    post, ann, third = docs[0].doc_id, docs[1].doc_id, docs[2].doc_id
    assert store.reply_pairs() == [(post, ann), (post, third)], store.reply_pairs()


def _ingest_history(store: DocumentStore) -> None:
    _seed(store)
    run = IngestSummary("f.csv", "s", DocumentKind.COMMENT, 4, 4, 0, 0, links=store.reply_links("s"))
    store.record_ingest(run)
    assert store.ingest_history()[-1] == run, "ingest runs round-trip, reply links included"


# -- scores --------------------------------------------------------------------------------------------------------


def _pending_per_version(store: ScoreStore) -> None:
    _seed(store)  # type: ignore[arg-type]
    assert store.count_pending("a", "1") == 4
    first = store.pending("a", "1", 3)
    assert len(first) == 3, first
    ids = [d.doc_id for d in first if d.doc_id is not None]
    store.write_scores("a", "1", ids, [Score(i, "a", "x", 0.5) for i in ids])
    assert store.count_pending("a", "1") == 1 and len(store.pending("a", "1", 10)) == 1
    assert store.count_pending("a", "2") == 4, "a new analyser version makes everything pending again"


def _aggregates(store: ScoreStore) -> None:
    ids = _seed_scores(store)
    _assert_moments(store, {ids[0]: 0.1, ids[1]: -0.5, ids[2]: 0.9})
    hist = store.score_histogram("a", "x", -1.0, 1.0, 4)
    assert hist == [0, 1, 1, 1], hist
    assert store.score_histogram("a", "x", -1.0, 1.0, 4, kind=DocumentKind.COMMENT) == [0, 1, 0, 1]
    sums = store.score_sums("a", ["x"], by="kind")
    assert sums["comment"]["x"][0] == 2 and math.isclose(sums["comment"]["x"][1], 0.4), sums
    by_month = store.score_sums("a", ["x"], by="period")
    assert set(by_month) == {"2025-01", "2025-02"} and by_month["2025-02"]["x"] == (1, 0.9), by_month


def _top_quotes(store: ScoreStore) -> None:
    _seed_scores(store)
    top = store.top_quotes("a", "x", 2)
    assert [round(q.score, 2) for q in top] == [0.9, 0.1], top
    low = store.top_quotes("a", "x", 1, highest=False, kind=DocumentKind.COMMENT)
    assert [round(q.score, 2) for q in low] == [-0.5], low


def _score_matrix(store: ScoreStore) -> None:
    ids = _seed_scores(store)
    mat = store.score_matrix("a", ["x", "missing"], [ids[2], 10_000])
    assert mat.shape == (2, 2) and math.isclose(mat[0, 0], 0.9), mat
    assert np.isnan(mat[0, 1]) and np.isnan(mat[1, 0]), f"missing scores must be NaN: {mat}"


def _embeddings_replace(store: ScoreStore) -> None:
    ids = [d.doc_id for d in _seed(store)[:3] if d.doc_id is not None]
    vecs = np.arange(6, dtype=np.float32).reshape(3, 2)
    store.write_embeddings("enc", ids, vecs)
    store.write_embeddings("enc", ids[:1], np.array([[9.0, 9.0]], dtype=np.float32))  # replaces
    got_ids, got = store.embeddings("enc")
    assert got_ids == sorted(ids) and got.dtype == np.float32 and got.shape == (3, 2), (got_ids, got)
    assert got[got_ids.index(ids[0])].tolist() == [9.0, 9.0], "a second write must replace the vector"
    some_ids, some = store.embeddings("enc", [ids[2], ids[1]])
    assert some_ids == [ids[2], ids[1]] and some.tolist() == [[4.0, 5.0], [2.0, 3.0]], "asked ids, in asked order"
    assert store.embeddings("other")[0] == []


# -- results -------------------------------------------------------------------------------------------------------


def _results_replace_per_kind(store: ResultStore) -> None:
    store.save_results("persona", {"b": {"size": 2}, "a": {"size": 1, "attrs": {"age": "25-34"}}})
    assert store.results("persona") == {"a": {"size": 1, "attrs": {"age": "25-34"}}, "b": {"size": 2}}
    store.save_results("persona", {"c": {"size": 3}})
    assert list(store.results("persona")) == ["c"], "saving a kind replaces all its results"
    assert store.results("other") == {}


def _reply_links_any_order(store: DocumentStore) -> None:
    """Replies link across sources whatever the order of writes; ambiguity is reported, never guessed."""

    def reply(sid: str, parent: str, pin: str | None = None) -> Document:
        return Document("comments", sid, DocumentKind.COMMENT, f"re {parent}", parent_id=parent, parent_source=pin)

    replies = [reply("c1", "p1"), reply("c2", "p2"), reply("c3", "zz"), reply("c4", "amb")]
    store.write_batch(replies, [])  # replies first: nothing to link to yet
    links = store.reply_links("comments")
    assert (links.matched, links.unmatched, links.ambiguous) == (0, 4, 0), links
    post = lambda sid, source="posts": Document(source, sid, DocumentKind.POST, f"post {sid}")  # noqa: E731
    store.write_batch([post("p1"), post("p2"), post("amb"), post("amb", "ads")], [])
    ids = {(d.source, d.source_id): d.doc_id for d in store.iter_documents()}
    links = store.reply_links("comments")
    assert (links.matched, links.unmatched, links.ambiguous) == (2, 1, 1), f"parents written later must link: {links}"
    assert links.unmatched_examples == ("zz",) and dict(links.ambiguous_examples) == {"amb": ("ads", "posts")}, links
    assert dict(links.elsewhere) == {"posts": 2}, f"links into other sources are counted by source: {links}"
    assert store.reply_links("posts").linked_in == 2 and store.reply_links().linked_in == 2
    pairs = set(store.reply_pairs())
    assert {(ids["posts", "p1"], ids["comments", "c1"]), (ids["posts", "p2"], ids["comments", "c2"])} <= pairs, pairs
    store.write_batch([reply("c4", "amb", pin="ads")], [])  # the same row again, pinned: skipped, re-linked
    assert (ids["ads", "amb"], ids["comments", "c4"]) in store.reply_pairs()
    c4 = store.get_document(ids["comments", "c4"] or 0)
    assert c4 is not None and c4.parent_source == "ads" and store.reply_links("comments").pinned == ("ads",)
    store.write_batch([Document("comments", "p2", DocumentKind.POST, "same-source parent")], [])
    same = store.reply_links("comments")
    assert (same.matched, same.unmatched, same.ambiguous) == (3, 1, 0), same
    assert store.reply_links("posts").linked_in == 1, "a parent in the reply's own source wins over another source"


def _assert_moments(store: Any, values: dict[int, float]) -> None:
    expected: dict[str, tuple[int, float, float]] = {}
    for doc_id, v in values.items():
        doc = store.get_document(doc_id)
        assert doc is not None
        n, s, ss = expected.get(doc.kind.value, (0, 0.0, 0.0))
        expected[doc.kind.value] = (n + 1, s + v, ss + v * v)
    got = store.score_moments("a", "x")
    assert set(got) == set(expected), (got, expected)
    for kind, (n, s, ss) in expected.items():
        gn, gs, gss = got[kind]
        assert gn == n and math.isclose(gs, s) and math.isclose(gss, ss), (kind, got[kind], expected[kind])


_DOCUMENT_CHECKS = (
    _new_store_is_empty,
    _write_batch_idempotent,
    _status_counts,
    _documents_round_trip,
    _quarantine_rows,
    _counts_by_period,
    _reply_pairs,
    _reply_links_any_order,
    _ingest_history,
)
_SCORE_CHECKS = (_pending_per_version, _aggregates, _top_quotes, _score_matrix, _embeddings_replace)


_ANALYSER_TEXTS = ["I love it!", "", "😍😍", "It broke after a week. Terrible.", "word " * 3000]


def check_analyser(analyser: Any, texts: list[str] | None = None) -> NamedChecks:
    """Named checks every analyser must pass: one result per text, fixed keys, finite, deterministic.

    ``analyser`` is an :class:`~empathic.analyse.base.Analyser` or a zero-argument factory of one.

    >>> from empathic.analyse.textstats import TextStats
    >>> from empathic.testing import run_checks
    >>> run_checks(check_analyser(TextStats))
    ['protocol', 'one_result_per_text', 'finite_declared_outputs', 'deterministic', 'empty_batch']
    """
    get = lazy(analyser, Analyser)
    texts = texts or _ANALYSER_TEXTS
    out = functools.cache(lambda: get().analyse(texts))

    def protocol() -> None:
        a = get()
        assert isinstance(a.name, str) and a.name and a.version, "name and version must be set"
        assert a.outputs and all(isinstance(o, str) for o in a.outputs), f"outputs must name the scores: {a.outputs}"

    def one_result_per_text() -> None:
        assert len(out()) == len(texts), f"{len(out())} results for {len(texts)} texts"

    def finite_declared_outputs() -> None:
        for i, scores in enumerate(out()):
            assert set(scores) == set(get().outputs), f"text {i}: keys {sorted(scores)} != outputs {get().outputs}"
            assert all(isinstance(v, float) and math.isfinite(v) for v in scores.values()), f"text {i}: {scores}"

    def deterministic() -> None:
        again = get().analyse(texts)
        assert [dict(a) for a in again] == [dict(b) for b in out()], "analyse must be deterministic"

    def empty_batch() -> None:
        assert get().analyse([]) == [], "an empty batch gives an empty result"

    yield from named(protocol, one_result_per_text, finite_declared_outputs, deterministic, empty_batch)


_EMOTION_TEXTS = (
    "I love this so much, thank you!",
    "",
    "   ",
    "😍😍😍",
    "This is " + "really " * 3000 + "bad.",
    "Ok.",
    "Why would anyone buy this?",
)


def check_emotion_model(model: Any) -> NamedChecks:
    """Named checks every emotion model must pass: ``[n, 28]`` probabilities, deterministic, robust inputs.

    ``model`` is an ``EmotionModel`` or a zero-argument factory of one (built when a check first runs).
    """
    from empathic.analyse.emotion.models import EmotionModel
    from empathic.analyse.emotion.taxonomy import LABELS, NEUTRAL

    get = lazy(model, EmotionModel)
    texts = list(_EMOTION_TEXTS)
    pred = functools.cache(lambda: get().predict(texts))

    def probabilities() -> None:
        p = np.asarray(pred().probs)
        assert tuple(pred().labels) == LABELS and p.shape == (len(texts), 28), p.shape
        assert np.all((p >= 0) & (p <= 1)) and np.all(np.isfinite(p)), "probabilities must be in [0, 1]"

    def empty_text_is_neutral() -> None:
        p = np.asarray(pred().probs)
        assert p[1, NEUTRAL] == 1.0 and p[2, NEUTRAL] == 1.0, f"empty text is neutral: {p[1, NEUTRAL]}"

    def embeddings() -> None:
        if pred().embeddings is None:
            return  # a model without an encoder (e.g. vader) stores none
        e = np.asarray(pred().embeddings)
        assert e.shape[0] == len(texts) and e.ndim == 2 and np.all(np.isfinite(e)), e.shape
        assert not np.any(e[1]), "empty text has a zero embedding"

    def deterministic() -> None:
        again = np.asarray(get().predict_proba(texts))
        assert np.allclose(again, np.asarray(pred().probs), atol=1e-6), "predictions must be deterministic"

    def batch_independent() -> None:
        alone = np.asarray(get().predict_proba(texts[:1]))
        assert np.allclose(alone[0], np.asarray(pred().probs)[0], atol=1e-4), "scores must not depend on the batch"

    def empty_batch() -> None:
        assert np.asarray(get().predict_proba([])).shape == (0, 28)

    def thresholds() -> None:
        t = np.asarray(get().thresholds)
        assert t.shape == (28,), f"one threshold per label, got shape {t.shape}"

    yield from named(
        probabilities, empty_text_is_neutral, embeddings, deterministic, batch_independent, empty_batch, thresholds
    )
