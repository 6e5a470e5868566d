"""Ranking on a real SQLite workspace: consent gate, explanations, audience, product, records."""

from __future__ import annotations

import pytest

from empathic.app.relate import rank_testimonials, select_testimonials
from empathic.errors import UnknownAudienceError
from empathic.relate.rankers import COMPONENTS
from empathic.relate.signals import attribute_match
from empathic.store import open_store
from empathic.types import Audience, Document, DocumentKind, RankedTestimonial


def _testimonials(store):
    return {d.source_id: d for d in store.iter_documents(DocumentKind.TESTIMONIAL)}


@pytest.mark.parametrize("ranker", ["embedding", "lexical"])
def test_consent_gate_holds_for_every_persona(demo_ws, ranker: str) -> None:
    store = demo_ws.store
    docs = _testimonials(store)
    refused = {s for s, d in docs.items() if d.consent is False}
    unknown = {s for s, d in docs.items() if d.consent is None}
    assert len(refused) == 8 and len(unknown) == 7, "as the demo data README says"
    personas = store.results("persona")
    assert personas
    for name in personas:
        ranking = select_testimonials(store, persona=name, k=10, ranker=ranker)
        assert ranking.results, name
        assert all(r.consent is True and docs[r.source_id].consent is True for r in ranking.results)
        assert not {r.source_id for r in ranking.results} & (refused | unknown)
        reasons = {e.source_id: e.reason for e in ranking.excluded if e.source_id.startswith("T")}
        assert {s for s, why in reasons.items() if why == "consent_false"} == refused
        assert {s for s, why in reasons.items() if why == "consent_unknown"} == unknown
        assert all(e.reason == "consent_unknown" for e in ranking.excluded if e.source_id.startswith("R"))
        assert all(e.detail for e in ranking.excluded)


def test_a_ranked_testimonial_cannot_be_built_without_consent() -> None:
    for consent in (False, None):
        with pytest.raises(ValueError, match="consent"):
            RankedTestimonial(1, "T1", "text", 0.5, {}, consent=consent)  # type: ignore[arg-type]


def test_results_carry_components_sources_highlights_and_incentive(demo_ws) -> None:
    store = demo_ws.store
    docs = _testimonials(store)
    results = rank_testimonials(store, Audience(), k=30)
    assert len(results) == 30 and [r.rank for r in results] == list(range(1, 31))
    for r in results:
        assert set(COMPONENTS) <= set(r.components) and all(0 <= v <= 1 for v in r.components.values())
        stored = store.get_document(r.doc_id)
        assert stored is not None and stored.source_id == r.source_id and stored.text == r.text
        assert r.highlight and r.highlight in r.text
        assert r.incentivised == (docs[r.source_id].attrs.get("incentivised") == "true")
        assert r.to_dict()["components"].keys() >= set(COMPONENTS)
    assert any(r.incentivised for r in results), "the demo has consented, gifted testimonials"


def test_audience_attributes_raise_relatability(demo_ws) -> None:
    store = demo_ws.store
    wanted = {"age_band": "65+"}
    top = rank_testimonials(store, Audience.parse("age_band=65+"), k=5)
    everyone = [d for d in _testimonials(store).values() if d.consent is True]
    base = sum(attribute_match(d.attrs, wanted) for d in everyone) / len(everyone)
    assert sum(attribute_match(r.attrs, wanted) for r in top) / len(top) > base + 0.2
    ranking = select_testimonials(store, "age_band=65+", k=5)
    assert ranking.audience.doc_ids, "the audience's own documents are found by attribute"


def test_product_filter_and_unknown_persona(demo_ws) -> None:
    store = demo_ws.store
    got = rank_testimonials(store, Audience(), product="Ridgeline Rain Shell", k=10)
    assert got and all(r.product == "Ridgeline Rain Shell" for r in got)
    with pytest.raises(UnknownAudienceError, match="Stored personas"):
        select_testimonials(store, persona="no such persona")


def test_a_review_is_surfaced_only_with_explicit_consent() -> None:
    store = open_store("memory")
    store.write_batch(
        [
            Document("r", "R1", DocumentKind.REVIEW, "Kept me dry on a 3-day hike in Wales.", rating=5, consent=True),
            Document("r", "R2", DocumentKind.REVIEW, "Warm on a 10-mile walk in January.", rating=5),
        ],
        [],
    )
    ranking = select_testimonials(store, Audience(), ranker="lexical")
    assert [r.source_id for r in ranking.results] == ["R1"]
    assert [(e.source_id, e.reason) for e in ranking.excluded] == [("R2", "consent_unknown")]
