"""Persona-matched testimonials: score the candidates, gate on consent and safety, diversify (no I/O).

:func:`rank_pool` ranks a pool of candidates whose ranker inputs are loaded; it returns a
:class:`~empathic.types.TestimonialRanking` with the top ``k`` results and every candidate that
was left out, with its reason. :func:`empathic.app.relate.select_testimonials` (CLI, report, API)
loads the pool and the inputs from a workspace and calls it.

**Consent.** A document is returned only when its ``consent`` is True. Consent false is excluded
as ``consent_false``; no consent recorded — which includes every review ingested without a
``--consent-col`` — as ``consent_unknown``. Reviews can therefore be surfaced only when they were
ingested with a consent column that says yes. :class:`~empathic.types.RankedTestimonial` itself
refuses a document without consent, so no caller can build an output that bypasses the gate.
Candidates are *scored* without the gate (near-duplicates of a non-consented text still count
against a consented one); :func:`score_inputs` is that ungated scoring function, used by the
validation benchmark as a measurement, never as a product output.

**Safety.** A consented candidate that the injection/abuse detector (:func:`empathic.safety.scan`)
flags — instructions to a model, encoded payloads, Unicode tricks, links and contact details,
insults, defamatory, medical or absolute claims — is excluded as ``flagged_unsafe`` with the
detector's reasons, whatever the ranker; ``include_flagged=True`` ranks it with its ``unsafe:...``
flags (authenticity 0), and its highlight is never a flagged sentence nor what follows one.

>>> from empathic.types import Document
>>> consent_reason(Document("t", "T2", DocumentKind.TESTIMONIAL, "Warm on a 3-day hike.", consent=False)).reason
'consent_false'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from empathic.errors import RelateError
from empathic.relate import signals
from empathic.relate.rankers import COMPONENTS, Ranker
from empathic.safety import scan
from empathic.types import (
    Audience,
    Document,
    DocumentKind,
    ExcludedTestimonial,
    RankedTestimonial,
    RankerScores,
    RankingInputs,
    SafetyVerdict,
    TestimonialRanking,
)

GENERIC_EMBEDDING = "all-minilm-l6-v2"
CANDIDATE_KINDS = (DocumentKind.TESTIMONIAL, DocumentKind.REVIEW)
CUSTOMER_KINDS = ("review", "comment", "testimonial", "survey")
DEFAULT_WEIGHTS: Mapping[str, float] = {"relatability": 0.35, "resonance": 0.2, "specificity": 0.25,
                                        "authenticity": 0.2}  # fmt: skip
MAX_AUDIENCE_DOCS = 2000


def score_inputs(
    ranker: Ranker, inputs: RankingInputs, weights: Mapping[str, float] | None = None
) -> tuple[np.ndarray, RankerScores]:
    """The ungated score: ``sum(weight × component)`` for every candidate, and the ranker's output.

    This is a measurement (used by ``bench/testimonials.py``); product outputs go through
    :func:`select_testimonials`, which applies the consent gate.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise RelateError(f"Unknown score components {sorted(unknown)}.", hint=f"Use: {', '.join(COMPONENTS)}.")
    scores = ranker.score(inputs)
    total = sum((w * np.asarray(scores.components[c], dtype=np.float64) for c, w in weights.items()),
                np.zeros(len(inputs.docs)))  # fmt: skip
    return total, scores


def consent_reason(doc: Document) -> ExcludedTestimonial | None:
    """Why ``doc`` may not be quoted, or None when its author consented."""
    if doc.consent is True:
        return None
    if doc.consent is False:
        return ExcludedTestimonial(doc.doc_id or 0, doc.source_id, "consent_false",
                                   "the author declined consent to be quoted")  # fmt: skip
    what = "review" if doc.kind is DocumentKind.REVIEW else doc.kind.value
    return ExcludedTestimonial(
        doc.doc_id or 0,
        doc.source_id,
        "consent_unknown",
        f"{what} without recorded consent; only documents with consent = yes are quoted "
        "(ingest with --consent-col to record it)",
    )


def rank_pool(
    model: Ranker,
    pool: Sequence[Document],
    audience: Audience,
    inputs: RankingInputs,
    excluded: Sequence[ExcludedTestimonial] = (),
    *,
    k: int = 10,
    weights: Mapping[str, float] | None = None,
    diversity: float = 0.3,
    include_flagged: bool = False,
) -> TestimonialRanking:
    """Score ``pool`` (consented or not) with ``model``, gate on consent and safety, diversify the top ``k``.

    ``excluded``: candidates already left out (consent), kept in the ranking's account. Pure: ``inputs`` holds
    what the ranker requires (see :func:`empathic.app.relate.build_inputs`).
    """
    excluded = list(excluded)
    total, scores = score_inputs(model, inputs, weights)
    eligible = [i for i, d in enumerate(pool) if d.consent is True]
    unsafe = {i: signals.unsafe_flags(scan(pool[i].text)) for i in eligible}
    for i in eligible:
        if unsafe[i] and not include_flagged:
            excluded.append(safety_reason(pool[i], scan(pool[i].text)))
    eligible = [i for i in eligible if include_flagged or not unsafe[i]]
    results: list[RankedTestimonial] = []
    if eligible:
        sim = np.clip(np.asarray(scores.similarity)[np.ix_(eligible, eligible)], 0.0, 1.0)
        picked = signals.mmr(total[eligible], sim, k, lam=1.0 - diversity)
        for rank, j in enumerate(picked, start=1):
            i = eligible[j]
            results.append(ranked(pool[i], float(total[i]), scores, i, rank, unsafe[i]))
    return TestimonialRanking(
        audience, tuple(results), tuple(excluded), model.name, len(pool), weights or DEFAULT_WEIGHTS
    )


def safety_reason(doc: Document, verdict: SafetyVerdict) -> ExcludedTestimonial:
    """Why a consented ``doc`` the detector flagged is not ranked (``flagged_unsafe``, with every reason)."""
    detail = verdict.summary(limit=len(verdict.reasons)) + " (rank it anyway with --include-flagged)"
    return ExcludedTestimonial(doc.doc_id or 0, doc.source_id, "flagged_unsafe", detail)


def ranked(
    doc: Document, score: float, scores: RankerScores, i: int, rank: int, unsafe: tuple[str, ...] = ()
) -> RankedTestimonial:
    flags = scores.flags[i] if scores.flags else ()
    highlight = scores.highlights[i] if scores.highlights else ""
    if unsafe:  # the gate does not trust a ranker to flag: a plugin's flags are completed, its highlight re-checked
        flags = (*unsafe, *(f for f in flags if f not in unsafe))
        if not highlight or highlight not in signals.trusted_prefix(doc.text):
            highlight = signals.best_sentence(doc.text)
    return RankedTestimonial(
        doc_id=doc.doc_id or 0,
        source_id=doc.source_id,
        text=doc.text,
        score=score,
        components={name: float(np.asarray(v)[i]) for name, v in scores.components.items()},
        consent=doc.consent is True,
        kind=doc.kind,
        source=doc.source,
        author=doc.author,
        product=doc.product,
        rating=doc.rating,
        created_at=doc.created_at,
        incentivised=signals.is_true(doc.attrs.get("incentivised")),
        attrs=doc.attrs,
        highlight=highlight,
        flags=flags,
        rank=rank,
    )
