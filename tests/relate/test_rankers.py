"""Both ranker backends pass the conformance suite; authenticity signals on planted cases; MMR."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from empathic import registry
from empathic.app.relate import build_inputs, select_testimonials
from empathic.errors import RelateError
from empathic.relate import get_ranker
from empathic.relate.signals import mmr
from empathic.relate.testimonials import score_inputs
from empathic.store import open_store
from empathic.testing import parametrize_with_checks
from empathic.testing.rankers import ranking_fixture
from empathic.types import Audience, Document, DocumentKind


@parametrize_with_checks("ranker", {name: functools.partial(get_ranker, name) for name in registry.names("ranker")})
def test_every_registered_ranker_passes_each_check(obj, check) -> None:
    check()


def test_embedding_ranker_says_what_is_missing() -> None:
    from dataclasses import replace

    with pytest.raises(RelateError, match="embeddings"):
        get_ranker("embedding").score(replace(ranking_fixture(), embeddings=None))


def test_mmr_trades_relevance_for_diversity() -> None:
    sim = np.array([[1.0, 0.98, 0.1], [0.98, 1.0, 0.1], [0.1, 0.1, 1.0]])
    rel = np.array([0.9, 0.89, 0.6])
    assert mmr(rel, sim, 2, lam=1.0) == [0, 1]
    assert mmr(rel, sim, 2, lam=0.7) == [0, 2]
    assert mmr(rel, sim, 5, lam=0.7) == [0, 2, 1], "k larger than the pool returns every candidate once"


def _store(texts: list[tuple[str, str]]):
    store = open_store("memory")
    docs = [
        Document("t", sid, DocumentKind.TESTIMONIAL, text, author=f"a{i}", consent=True, attrs={"region": "west"})
        for i, (sid, text) in enumerate(texts)
    ]
    store.write_batch(docs, [])
    return store


def test_diversity_keeps_a_near_copy_out_of_the_top_two() -> None:
    store = _store(
        [
            ("A", "I wore the Ridgeline on a 14-hour flight to Vancouver and the zip pocket kept my passport safe."),
            ("B", "I wore the Ridgeline on a 14-hour flight to Vancouver and the zip pocket kept my passport dry."),
            ("C", "Three weeks of cycling in the rain and the hood still keeps my glasses dry in March."),
        ]
    )
    plain = select_testimonials(store, Audience({"region": "west"}), k=2, ranker="lexical", diversity=0.0)
    diverse = select_testimonials(store, Audience({"region": "west"}), k=2, ranker="lexical", diversity=0.5)
    assert {r.source_id for r in plain.results} == {"A", "B"}, "by score alone the two copies lead"
    top = plain.results[0].source_id
    assert [r.source_id for r in diverse.results] == [top, "C"], "MMR swaps the second copy for a different story"
    assert all(any(f.startswith("near_duplicate:") for f in r.flags) for r in plain.results if r.source_id != "C")


@pytest.mark.parametrize("ranker", ["embedding", "lexical"])
def test_planted_authenticity_problems_in_the_demo_data_are_flagged(demo_ws, ranker: str) -> None:
    store = demo_ws.store
    docs = [d for d in store.iter_documents() if d.kind in (DocumentKind.TESTIMONIAL, DocumentKind.REVIEW)]
    model = get_ranker(ranker)
    total, scores = score_inputs(model, build_inputs(store, docs, Audience(), model))
    flags = {d.source_id: f for d, f in zip(docs, scores.flags, strict=True)}
    # the README of the demo data plants: four templated testimonials, two near-duplicate gifted ones
    for sid in ("T008", "T015", "T022", "T040"):
        assert "templated" in flags[sid], (sid, flags[sid])
    assert any(f == "near_duplicate:T019" for f in flags["T017"]) and any(
        f == "near_duplicate:T017" for f in flags["T019"]
    )
    assert "rating_mismatch" in flags["R0201"], "1 star on a glowing review"
    auth = dict(zip((d.source_id for d in docs), scores.components["authenticity"], strict=True))
    assert max(auth[s] for s in ("T008", "T015", "T017", "T019")) < 1.0 <= auth["T001"]
    assert np.isfinite(total).all()
