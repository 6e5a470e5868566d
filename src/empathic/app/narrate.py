"""Narrate use case: rank an audience's consented testimonials (relate), then narrate them (narrate).

``relate`` and ``narrate`` are independent siblings; this module is the glue above both, shared by
the CLI (through :class:`~empathic.workspace.Workspace`), the API and the report. It turns ranked testimonials into
:class:`~empathic.types.SourceQuote` records (with the ranker's highlight sentence and the stored
emotion scores) and passes the non-consented candidates too, so the output guard can prove that
none of their words appear.

>>> from empathic.store import open_store
>>> from empathic.types import Audience, Document, DocumentKind
>>> store = open_store("memory")
>>> _ = store.write_batch([Document("t", "T1", DocumentKind.TESTIMONIAL, "The zip pocket kept my passport safe.",
...                                 consent=True, author="Priya S.", attrs={"region": "west"})], [])
>>> n = narrate_for_audience(store, Audience({"region": "west"}), fmt="social", ranker="lexical")
>>> n.backend, [q.text for q in n.quotes]
('extractive', ['The zip pocket kept my passport safe.'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathic.analyse.emotion.taxonomy import LABELS
from empathic.app.relate import testimonials
from empathic.config import NarrateSettings
from empathic.errors import NarrateError
from empathic.narrate import LLM, get_llm, narrate
from empathic.relate.signals import is_true
from empathic.store import Store
from empathic.types import Audience, Narrative, NarrativeFormat, SourceQuote, TestimonialRanking

MAX_FORBIDDEN = 500  # non-consented candidates checked against each output


def narrate_for_audience(
    store: Store,
    audience: Audience | str | None = None,
    *,
    persona: str | None = None,
    fmt: NarrativeFormat | str = NarrativeFormat.AD,
    llm: str | LLM | None = None,
    settings: NarrateSettings | None = None,
    emotion: str | None = None,
    product: str | None = None,
    k: int = 5,
    ranker: str | None = None,
    seed: int = 0,
    ranking: TestimonialRanking | None = None,
    include_flagged: bool = False,
) -> Narrative:
    """Rank the consented testimonials for a persona (by name) or an audience, then write a guarded narrative.

    ``ranking``: an existing ranking for this audience (the report ranks each persona once); its top ``k``
    are quoted and ``persona``, ``audience``, ``product`` and ``ranker`` are not used to rank again.
    ``include_flagged``: testimonials the injection/abuse detector flags take part (their flagged sentences
    are still never prompted nor quoted).
    """
    settings = settings or NarrateSettings()
    if emotion is not None and emotion not in LABELS:
        raise NarrateError(
            f"Unknown emotion {emotion!r}.", hint=f"Use one of the GoEmotions labels: {', '.join(LABELS)}."
        )
    try:
        fmt = NarrativeFormat(fmt)
    except ValueError:
        raise NarrateError(
            f"Unknown narrative format {fmt!r}.", hint=f"Use one of: {', '.join(f.value for f in NarrativeFormat)}."
        ) from None
    backend = get_llm(llm or settings.llm, settings) if not hasattr(llm, "complete") else llm
    if ranking is None:
        ranking = testimonials(
            store, audience, persona=persona, product=product, k=k, ranker=ranker, include_flagged=include_flagged
        )
    top = ranking.results[:k]
    ids = [r.doc_id for r in top]
    emotions = _emotions(store, ids) if emotion else {}
    sources = [
        SourceQuote(
            doc_id=r.doc_id,
            text=r.text,
            consent=True,
            incentivised=r.incentivised,
            author=r.author,
            product=r.product,
            emotions=emotions.get(r.doc_id, {}),
            highlight=r.highlight,
        )
        for r in top
    ]
    for e in ranking.excluded[:MAX_FORBIDDEN]:
        if e.reason in ("consent_false", "consent_unknown"):
            doc = store.get_document(e.doc_id)
            if doc is not None:
                sources.append(
                    SourceQuote(doc.doc_id or 0, doc.text, doc.consent, is_true(doc.attrs.get("incentivised")))
                )
    return narrate(
        sources,
        fmt=fmt,
        llm=backend,  # type: ignore[arg-type]
        audience=ranking.audience.label,
        product=product or "",
        emotion=emotion,
        needs=ranking.audience.needs,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        retries=settings.retries,
        seed=seed,
        include_flagged=include_flagged,
    )


def _emotions(store: Store, ids: Sequence[int]) -> dict[int, dict[str, float]]:
    if not ids:
        return {}
    matrix = store.score_matrix("emotion", LABELS, list(ids))
    return {
        d: {label: float(v) for label, v in zip(LABELS, row, strict=True) if not np.isnan(v)}
        for d, row in zip(ids, matrix, strict=True)
    }
