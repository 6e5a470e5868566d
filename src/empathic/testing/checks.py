"""The checks behind :mod:`empathic.testing`. Each raises ``AssertionError`` with a clear message."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from empathic.analyse.base import Analyser
from empathic.store.base import Store
from empathic.testing.experiments import check_experiment_store
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


def check_store(factory: Callable[[], Store]) -> None:
    """Behaviour every :class:`~empathic.store.base.Store` must show (fresh store per call)."""
    store = factory()
    try:
        assert isinstance(store, Store), "store does not implement the Store protocol"
        st = store.status()
        assert st.documents == 0 and st.quarantined == 0, "a new store must be empty"
        bad = QuarantinedRow("s", 9, QuarantineReason.EMPTY_TEXT, "line 9: empty", raw="9,,x", file="f.csv")
        res = store.write_batch(_docs(), [bad], file="f.csv")
        assert (res.stored, res.skipped, len(res.duplicates)) == (4, 0, 0), f"first write: {res}"
        # identical content is skipped; changed content under a stored id is quarantined as duplicate_id
        changed = Document("s", "2", DocumentKind.COMMENT, "Changed text")
        res2 = store.write_batch([*_docs(), changed], [bad], file="f.csv")
        assert (res2.stored, res2.skipped, len(res2.duplicates)) == (0, 4, 1), f"second write: {res2}"
        assert res2.duplicates[0].reason is QuarantineReason.DUPLICATE_ID
        st = store.status()
        assert st.documents == 4, st
        assert dict(st.by_kind) == {"post": 1, "comment": 2, "review": 1}, st.by_kind
        assert dict(st.by_source) == {"s": 3, "t": 1}, st.by_source
        assert dict(st.quarantined_by_reason) == {"empty_text": 1, "duplicate_id": 1}, "re-written rows must not repeat"
        docs = list(store.iter_documents(batch_size=2))
        assert [d.source_id for d in docs] == ["1", "2", "3", "1"], "documents come back in insertion order"
        ann = next(d for d in docs if d.author == "ann")
        assert ann.doc_id is not None and store.get_document(ann.doc_id) == ann, "get_document round-trips"
        assert (ann.parent_id, ann.rating, ann.consent, dict(ann.attrs)) == ("1", 5.0, True, {"age_band": "25-34"})
        assert ann.text == "Love it 😍" and ann.row_number == 3
        assert store.get_document(10_000) is None
        assert [d.kind for d in store.iter_documents(DocumentKind.COMMENT)] == [DocumentKind.COMMENT] * 2
        # analysis bookkeeping
        assert store.count_pending("a", "1") == 4
        first = store.pending("a", "1", 3)
        assert len(first) == 3
        ids = [d.doc_id for d in first if d.doc_id is not None]
        store.write_scores("a", "1", ids, [Score(i, "a", "x", v) for i, v in zip(ids, (0.5, -0.5, 0.9), strict=True)])
        assert store.count_pending("a", "1") == 1
        assert store.count_pending("a", "2") == 4, "a new analyser version makes everything pending again"
        store.write_scores("a", "1", ids[:1], [Score(ids[0], "a", "x", 0.1)])  # re-analysis replaces
        _assert_moments(store, {ids[0]: 0.1, ids[1]: -0.5, ids[2]: 0.9})
        hist = store.score_histogram("a", "x", -1.0, 1.0, 4)
        assert hist == [0, 1, 1, 1], hist
        assert store.score_histogram("a", "x", -1.0, 1.0, 4, kind=DocumentKind.COMMENT) == [0, 1, 0, 1]
        top = store.top_quotes("a", "x", 2)
        assert [round(q.score, 2) for q in top] == [0.9, 0.1], top
        low = store.top_quotes("a", "x", 1, highest=False, kind=DocumentKind.COMMENT)
        assert [round(q.score, 2) for q in low] == [-0.5]
        sums = store.score_sums("a", ["x"], by="kind")
        assert sums["comment"]["x"][0] == 2 and math.isclose(sums["comment"]["x"][1], 0.4), sums
        by_month = store.score_sums("a", ["x"], by="period")
        assert set(by_month) == {"2025-01", "2025-02"} and by_month["2025-02"]["x"] == (1, 0.9), by_month
        post, ann_id = docs[0].doc_id, ann.doc_id
        third = docs[2].doc_id
        assert store.reply_pairs() == [(post, ann_id), (post, third)], store.reply_pairs()
        mat = store.score_matrix("a", ["x", "missing"], [ids[2], 10_000])
        assert mat.shape == (2, 2) and math.isclose(mat[0, 0], 0.9) and np.isnan(mat[0, 1]) and np.isnan(mat[1, 0])
        store.save_results("persona", {"b": {"size": 2}, "a": {"size": 1, "attrs": {"age": "25-34"}}})
        assert store.results("persona") == {"a": {"size": 1, "attrs": {"age": "25-34"}}, "b": {"size": 2}}
        store.save_results("persona", {"c": {"size": 3}})
        assert list(store.results("persona")) == ["c"] and store.results("other") == {}
        vecs = np.arange(6, dtype=np.float32).reshape(3, 2)
        store.write_embeddings("enc", ids, vecs)
        store.write_embeddings("enc", ids[:1], np.array([[9.0, 9.0]], dtype=np.float32))  # replaces
        got_ids, got = store.embeddings("enc")
        assert got_ids == sorted(ids) and got.dtype == np.float32 and got.shape == (3, 2)
        assert got[got_ids.index(ids[0])].tolist() == [9.0, 9.0]
        some_ids, some = store.embeddings("enc", [ids[2], ids[1]])
        assert some_ids == [ids[2], ids[1]] and some.tolist() == [[4.0, 5.0], [2.0, 3.0]]
        assert store.embeddings("other")[0] == []
        periods = {(p.period, p.kind.value): p.count for p in store.counts_by_period()}
        assert periods == {("2025-01", "post"): 1, ("2025-01", "comment"): 1, ("2025-02", "comment"): 1}, periods
        q = store.quarantined()
        assert len(q) == 2 and q[0].raw == "9,,x" and q[0].file == "f.csv"
        assert [r.reason.value for r in store.quarantined(reason="duplicate_id")] == ["duplicate_id"]
        assert len(store.quarantined(limit=1)) == 1
        _check_reply_links(store)
        run = IngestSummary("f.csv", "comments", DocumentKind.COMMENT, 4, 4, 0, 0, links=store.reply_links("comments"))
        store.record_ingest(run)
        assert store.ingest_history()[-1] == run, "ingest runs round-trip, reply links included"
        check_experiment_store(store)
    finally:
        store.close()


def _check_reply_links(store: Store) -> None:
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


def _assert_moments(store: Store, values: dict[int, float]) -> None:
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


def check_analyser(analyser: Analyser, texts: list[str] | None = None) -> dict[str, Any]:
    """Behaviour every analyser must show: one result per text, fixed keys, finite, deterministic."""
    texts = texts or ["I love it!", "", "😍😍", "It broke after a week. Terrible.", "word " * 3000]
    assert isinstance(analyser, Analyser), "does not implement the Analyser protocol"
    assert analyser.name and analyser.version, "name and version must be set"
    out = analyser.analyse(texts)
    assert len(out) == len(texts), f"{len(out)} results for {len(texts)} texts"
    for i, scores in enumerate(out):
        assert set(scores) == set(analyser.outputs), f"text {i}: keys {sorted(scores)} != outputs {analyser.outputs}"
        assert all(isinstance(v, float) and math.isfinite(v) for v in scores.values()), f"text {i}: {scores}"
    again = analyser.analyse(texts)
    assert [dict(a) for a in again] == [dict(b) for b in out], "analyse must be deterministic"
    assert analyser.analyse([]) == [], "an empty batch gives an empty result"
    return {"texts": len(texts)}


def check_emotion_model(model: Any) -> None:
    """Behaviour every emotion model must show: ``[n, 28]`` probabilities, deterministic, robust inputs."""
    from empathic.analyse.emotion.models import EmotionModel
    from empathic.analyse.emotion.taxonomy import LABELS, NEUTRAL

    assert isinstance(model, EmotionModel), "does not implement the EmotionModel protocol"
    texts = [
        "I love this so much, thank you!",
        "",
        "   ",
        "😍😍😍",
        "This is " + "really " * 3000 + "bad.",
        "Ok.",
        "Why would anyone buy this?",
    ]
    pred = model.predict(texts)
    p = np.asarray(pred.probs)
    assert tuple(pred.labels) == LABELS and p.shape == (len(texts), 28), p.shape
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.isfinite(p)), "probabilities must be in [0, 1]"
    assert p[1, NEUTRAL] == 1.0 and p[2, NEUTRAL] == 1.0, "empty text is neutral"
    if pred.embeddings is not None:
        e = np.asarray(pred.embeddings)
        assert e.shape[0] == len(texts) and e.ndim == 2 and np.all(np.isfinite(e))
        assert not np.any(e[1]), "empty text has a zero embedding"
    again = np.asarray(model.predict_proba(texts))
    assert np.allclose(again, p, atol=1e-6), "predictions must be deterministic"
    alone = np.asarray(model.predict_proba(texts[:1]))
    assert np.allclose(alone[0], p[0], atol=1e-4), "a text's scores must not depend on its batch"
    assert np.asarray(model.predict_proba([])).shape == (0, 28)
    t = np.asarray(model.thresholds)
    assert t.shape == (28,), "one threshold per label"
