"""Voice-of-the-customer use cases: themes, needs, drivers, personas of a workspace's customer documents.

Each reads the stored scores and embeddings, calls the pure stage (:mod:`empathic.analyse`) with typed
params, and returns the typed records. :func:`themes` and :func:`personas` also store what they found
(results kinds ``themes`` and ``persona``), so the report and later stages show what the user last
computed; :func:`stored_themes` and :func:`stored_personas` read it back (``None`` when never stored).

>>> from empathic.store import open_store
>>> store = open_store("memory")
>>> stored_themes(store) is None and stored_personas(store) is None
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from empathic.app.stored import load_latest, read_stored, save_latest
from empathic.errors import AnalysisError
from empathic.store import Store
from empathic.types import DesignIdea, Document, DriverEffect, NeedSentence, Persona, Theme, ThemeRun


@dataclass(frozen=True)
class ThemesParams:
    """How to find themes: ``n_themes`` None lets the silhouette choose."""

    n_themes: int | None = None
    min_theme_size: int = 10
    seed: int = 0


@dataclass(frozen=True)
class NeedsParams:
    top: int = 20  # backlog items


@dataclass(frozen=True)
class DriversParams:
    target: str = "rating"  # or a numeric attribute such as 'Recommended IND'
    with_themes: bool = True
    seed: int = 0


@dataclass(frozen=True)
class PersonasParams:
    """``dimensions`` None: the first two common author attributes of :data:`PERSONA_DIMENSIONS`."""

    dimensions: tuple[str, ...] | None = None
    min_size: int = 20


# -- voice of the customer ------------------------------------------------------------------------------------------

CUSTOMER_KINDS = ("review", "comment", "testimonial", "survey")
EKMAN_NAMES = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
GENERIC_EMBEDDING = "all-minilm-l6-v2"
THEMES_KIND = "themes"
PERSONAS_KIND = "persona"


def customer_documents(store: Store, kinds: Sequence[str] = CUSTOMER_KINDS) -> list[Document]:
    """Customer-voice documents (reviews, comments, testimonials, surveys), in storage order."""
    return [d for d in store.iter_documents() if d.kind.value in kinds]


def ekman_mix(store: Store, doc_ids: Sequence[int]) -> np.ndarray:
    """``[n, 7]`` Ekman group probabilities from the stored ``emotion`` scores (NaN where missing)."""
    return store.score_matrix("emotion", [f"ekman:{g}" for g in EKMAN_NAMES], list(doc_ids))


def compute_themes(store: Store, params: ThemesParams = ThemesParams()) -> list[Theme]:
    """Themes of the customer voice from the stored generic embeddings (``embedding`` analyser); stores nothing."""
    from empathic.analyse.themes import ThemeModel

    docs = {d.doc_id: d for d in customer_documents(store)}
    ids, vectors = store.embeddings(GENERIC_EMBEDDING, list(docs))
    if not ids:
        raise AnalysisError(
            "No sentence embeddings are stored for the customer documents.",
            hint="Add 'embedding' to analyse.analysers (it is in the default) and run `empathic analyze`.",
        )
    texts = [docs[i].text for i in ids]
    model = ThemeModel(n_themes=params.n_themes, min_theme_size=params.min_theme_size, seed=params.seed).fit(
        vectors, texts
    )
    ekman = ekman_mix(store, ids)
    return model.summarise(
        ids,
        texts,
        [docs[i].rating for i in ids],
        None if np.isnan(ekman).all() else np.nan_to_num(ekman),
        [docs[i].created_at[:7] if docs[i].created_at else None for i in ids],
    )


def themes(store: Store, params: ThemesParams = ThemesParams(), *, save: bool = True) -> list[Theme]:
    """Themes with ``params``; with ``save`` stored with those params (replacing the last run) for the report."""
    found = compute_themes(store, params)
    if save:
        run = ThemeRun(tuple(found), params.n_themes, params.min_theme_size, params.seed)
        save_latest(store, THEMES_KIND, run.to_payload())
    return found


def stored_themes(store: Store) -> ThemeRun | None:
    """The themes last stored by :func:`themes`, with their params; None if never stored."""
    return load_latest(store, THEMES_KIND, ThemeRun.from_payload, "empathic themes")


def needs(store: Store, params: NeedsParams = NeedsParams()) -> tuple[list[NeedSentence], list[DesignIdea]]:
    """Need / pain-point / wish / suggestion sentences of the customer voice and the design-idea backlog."""
    from empathic.analyse.needs import build_backlog, detect_needs

    docs = customer_documents(store)
    found = [n for d in docs for n in detect_needs(d.doc_id or 0, d.text)]
    ids = [d.doc_id or 0 for d in docs]
    mix = np.nan_to_num(ekman_mix(store, ids))
    info = {
        d.doc_id or 0: (d.product, d.rating, dict(zip(EKMAN_NAMES, map(float, row), strict=True)))
        for d, row in zip(docs, mix, strict=True)
    }
    return found, build_backlog(found, info, top=params.top, background=[d.text for d in docs])


def _target_value(doc: Document, target: str) -> float | None:
    if target == "rating":
        return doc.rating
    raw = doc.attrs.get(target)
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def drivers(store: Store, params: DriversParams = DriversParams()) -> list[DriverEffect]:
    """Which emotions (and themes) move ``params.target`` (``rating`` or a numeric attribute)."""
    from empathic.analyse.drivers import DriverModel

    target = params.target
    docs = [d for d in customer_documents(store) if _target_value(d, target) is not None]
    if len(docs) < 30:
        raise AnalysisError(
            f"Only {len(docs)} customer documents have a value for {target!r}; at least 30 are needed.",
            hint="Use --target rating (ingest with --rating-col) or the name of a numeric attribute column.",
        )
    ids = [d.doc_id or 0 for d in docs]
    emo = ekman_mix(store, ids)[:, :6]  # neutral is the reference level
    if np.isnan(emo).all():
        raise AnalysisError("No emotion scores are stored.", hint="Run `empathic analyze` first.")
    columns, names, kinds = [emo], [f"emotion:{g}" for g in EKMAN_NAMES[:6]], ["emotion"] * 6
    if params.with_themes and store.embeddings(GENERIC_EMBEDDING, ids[:1])[0]:
        found = [t for t in compute_themes(store, ThemesParams(seed=params.seed)) if t.theme_id >= 0][:8]
        member = {d: t.theme_id for t in found for d in t.doc_ids}  # by id: two themes may share a label
        labels = Counter(t.label for t in found)
        for t in found[1:]:  # the largest theme is the reference level
            columns.append(np.array([[1.0 if member.get(i) == t.theme_id else 0.0] for i in ids]))
            names.append(f"theme:{t.label}" if labels[t.label] == 1 else f"theme:{t.label} #{t.theme_id}")
            kinds.append("theme")
    X = np.concatenate(columns, axis=1)
    y = np.array([_target_value(d, target) for d in docs], dtype=np.float64)
    return list(DriverModel(target=target).fit(X, y, names, kinds).effects_)


PERSONA_DIMENSIONS = ("age_band", "Age", "region", "customer_type", "Department Name", "department", "segment")


def personas(store: Store, params: PersonasParams = PersonasParams(), *, save: bool = True) -> list[Persona]:
    """Audience segments from author attributes and their own words; with ``save`` they replace the stored ones."""
    from empathic.analyse.personas import build_personas

    docs = customer_documents(store)
    if not docs:
        raise AnalysisError("No customer documents in this workspace.", hint="Ingest reviews or comments first.")
    dimensions: Sequence[str] | None = params.dimensions
    if dimensions is None:
        present = [dim for dim in PERSONA_DIMENSIONS if sum(dim in d.attrs for d in docs) >= 0.5 * len(docs)]
        dimensions = present[:2]
    if not dimensions:
        raise AnalysisError(
            "No author attribute is common enough to segment by.",
            hint=f"Pass --dimensions with attribute names (looked for: {', '.join(PERSONA_DIMENSIONS)}).",
        )
    ids = [d.doc_id or 0 for d in docs]
    mix = ekman_mix(store, ids)
    emotion = {
        i: dict(zip(EKMAN_NAMES, map(float, row), strict=True))
        for i, row in zip(ids, mix, strict=True)
        if not np.isnan(row).any()
    }
    needs_found, backlog = needs(store)
    idea_of = {d: idea.idea for idea in backlog for d in idea.doc_ids}
    doc_needs: dict[int, list[str]] = {}
    for n in needs_found:
        if n.doc_id in idea_of:
            doc_needs.setdefault(n.doc_id, []).append(idea_of[n.doc_id])
    found = build_personas(
        [(i, dict(d.attrs)) for i, d in zip(ids, docs, strict=True)],
        dimensions=dimensions,
        min_size=params.min_size,
        emotion=emotion or None,
        needs=doc_needs or None,
    )
    if save:
        store.save_results(PERSONAS_KIND, {p.name: p.to_payload() for p in found})
    return found


def stored_personas(store: Store) -> list[Persona] | None:
    """The personas last stored by :func:`personas` (or the demo); None if none is stored."""
    stored = store.results(PERSONAS_KIND)
    found = [
        read_stored(PERSONAS_KIND, name, p, lambda p, name=name: Persona.from_payload(name, p), "empathic personas")
        for name, p in stored.items()
    ]
    return found or None
