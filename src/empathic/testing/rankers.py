"""Conformance suite for testimonial rankers (registry kind ``ranker``): :func:`check_ranker`.

>>> from empathic.relate.rankers import LexicalRanker
>>> from empathic.testing import run_checks
>>> "flags_planted_problems" in run_checks(check_ranker(LexicalRanker))
True
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from empathic.relate.rankers import COMPONENTS, Ranker
from empathic.relate.signals import POSITIVE_EMOTIONS
from empathic.testing.suite import NamedChecks, lazy, named
from empathic.types import Audience, Document, DocumentKind, RankingInputs

_TEXTS = (
    "I wore the Ridgeline on a 14-hour flight to Vancouver and the zip pocket kept my passport safe.",
    "Great product! Highly recommend! Five stars!",
    "I was gifted the Tidewater Leggings to try and honestly they are the best leggings I have ever worn.",
    "I was sent the Tidewater Leggings to try and honestly they're the best leggings I have ever worn.",
    "Terrible. The seams split after two washes and the zip broke.",
    "After three weeks of daily commuting in the rain the hood still keeps my glasses dry.",
    "Lovely soft tee, I wore it for a week of hiking in Iceland without it smelling.",
)


def ranking_fixture(seed: int = 0) -> RankingInputs:
    """Seven candidates with every stored signal: one templated, a planted near-duplicate pair by two
    authors (indices 2 and 3), a 5-star review whose text is negative (index 4), and an audience that
    matches the first author's attributes."""
    rng = np.random.default_rng(seed)
    attrs = [{"age_band": "25-34", "region": "west"}] + [{"age_band": "55-64", "region": "north"}] * 6
    docs = tuple(
        Document(
            "fixture",
            f"T{i}",
            DocumentKind.REVIEW if i == 4 else DocumentKind.TESTIMONIAL,
            text,
            author=f"author{i}",
            created_at=f"2025-06-0{i + 1}",
            rating=5.0 if i == 4 else None,
            product="Tidewater Leggings" if i in (2, 3) else None,
            consent=True,
            attrs=attrs[i],
            doc_id=i + 1,
        )
        for i, text in enumerate(_TEXTS)
    )
    vectors = rng.normal(size=(len(docs), 16))
    vectors[3] = vectors[2] + 0.01 * rng.normal(size=16)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    audience_vectors = rng.normal(size=(5, 16))
    audience_vectors /= np.linalg.norm(audience_vectors, axis=1, keepdims=True)
    emotion = rng.uniform(0.0, 0.6, size=(len(docs), len(POSITIVE_EMOTIONS)))
    emotion[4] = 0.01
    sentiment = np.array([0.7, 0.9, 0.8, 0.8, -0.8, 0.5, 0.6])
    return RankingInputs(
        docs=docs,
        audience=Audience({"age_band": "25-34", "region": "west"}, needs=("pockets", "waterproof hood")),
        embeddings=vectors.astype(np.float32),
        emotion=emotion,
        emotion_names=POSITIVE_EMOTIONS,
        arousal=rng.uniform(0.2, 0.8, size=len(docs)),
        sentiment=sentiment,
        audience_ids=(101, 102, 103, 104, 105),
        audience_embeddings=audience_vectors,
        need_embeddings=audience_vectors[:2],
        audience_texts=(
            "I need more pockets for my phone and passport when I travel.",
            "The hood keeps the rain off on my commute.",
            "Wish it packed smaller for flights.",
            "Great for hiking weekends in the hills.",
            "The zip broke after a month.",
        ),
        need_texts=("I need more pockets for my phone and passport when I travel.", "Wish it packed smaller."),
        products=("Ridgeline Rain Shell", "Tidewater Leggings"),
    )


def check_ranker(ranker: Any) -> NamedChecks:
    """Named checks every testimonial ranker must pass on :func:`ranking_fixture`.

    ``ranker`` is a :class:`~empathic.relate.rankers.Ranker` or a zero-argument factory of one.
    """
    get = lazy(ranker, Ranker)
    inputs = ranking_fixture()
    n = len(inputs.docs)
    scored = functools.cache(lambda: get().score(inputs))

    def named_components_in_unit_range() -> None:
        assert isinstance(get().name, str) and get().name, "a ranker needs a non-empty name"
        out = scored()
        for name in COMPONENTS:
            assert name in out.components, f"component {name!r} is missing"
        for name, values in out.components.items():
            v = np.asarray(values, dtype=np.float64)
            assert v.shape == (n,), f"component {name!r} has shape {v.shape}, expected ({n},)"
            assert np.isfinite(v).all() and (v >= -1e-9).all() and (v <= 1 + 1e-9).all(), f"{name!r} not in [0, 1]"

    def similarity_symmetric() -> None:
        sim = np.asarray(scored().similarity, dtype=np.float64)
        assert sim.shape == (n, n), f"similarity has shape {sim.shape}, expected ({n}, {n})"
        assert np.allclose(sim, sim.T, atol=1e-6), "similarity must be symmetric"

    def verbatim_highlights() -> None:
        out = scored()
        assert len(out.flags) == n and len(out.highlights) == n, "one flag tuple and one highlight per candidate"
        for doc, hl in zip(inputs.docs, out.highlights, strict=True):
            assert hl and hl in doc.text, f"highlight {hl!r} is not a verbatim part of {doc.source_id}"

    def flags_planted_problems() -> None:
        flags = scored().flags
        assert "templated" in flags[1], f"templated praise not flagged: {flags[1]}"
        assert any(f.startswith("near_duplicate:T3") for f in flags[2]), f"planted near-duplicate missed: {flags}"
        assert any(f.startswith("near_duplicate:T2") for f in flags[3]), f"planted near-duplicate missed: {flags}"
        assert "rating_mismatch" in flags[4], f"5 stars on a negative text not flagged: {flags[4]}"
        assert flags[0] == () and flags[5] == (), f"clean stories flagged: {flags[0]}, {flags[5]}"

    def authenticity_lower_when_flagged() -> None:
        out = scored()
        clean = [i for i in range(n) if not out.flags[i]]
        assert clean, "every candidate was flagged"
        auth = np.asarray(out.components["authenticity"])
        assert auth[clean].min() > auth[[1, 2, 3, 4]].max(), "flagged candidates must score lower on authenticity"

    def relatability_follows_audience() -> None:
        out = scored()
        attr = np.asarray(out.components.get("relatability.attributes", out.components["relatability"]))
        assert attr[0] == attr.max() and attr[0] > attr[1:].max(), "the author matching the audience must relate most"

    def specificity_prefers_stories() -> None:
        spec = np.asarray(scored().components["specificity"])
        assert spec[0] > spec[1], "a concrete story must be more specific than generic praise"

    def deterministic() -> None:
        again = get().score(inputs)
        for name in COMPONENTS:
            assert np.allclose(scored().components[name], again.components[name]), f"{name!r} is not deterministic"

    yield from named(
        named_components_in_unit_range,
        similarity_symmetric,
        verbatim_highlights,
        flags_planted_problems,
        authenticity_lower_when_flagged,
        relatability_follows_audience,
        specificity_prefers_stories,
        deterministic,
    )


__all__ = ["check_ranker", "ranking_fixture"]
