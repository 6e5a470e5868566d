"""Store-backed runners: read stored scores and links, then call the pure statistics.

The statistics modules (:mod:`.mirror`, ...) do no I/O; these functions are the bridge that
jobs, reports and the API share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from empathic.errors import AnalysisError, MirrorInputError
from empathic.store import Store
from empathic.types import DesignIdea, Document, DriverEffect, MirrorResult, NeedSentence, Persona, Theme

MIRROR_BY = ("author", "campaign", "segment")


def _mirror_key(by: str, parent: Document, child: Document) -> str | None:
    if by == "author":
        return parent.author
    if by == "campaign":
        return parent.attrs.get("campaign")
    for attr in ("segment", "age_band", "region", "customer_type"):
        if attr in child.attrs:
            return f"{attr}={child.attrs[attr]}"
    return None


def mirror_from_store(
    store: Store,
    *,
    by: str | None = None,
    n_perm: int = 1000,
    n_boot: int = 1000,
    seed: int = 0,
    min_items: int = 5,
    stratify: str = "channel",
) -> MirrorResult:
    """Emotional echo over every stored reply link, from the stored ``emotion`` scores.

    The null reassigns responses across content items of the same kind and the same value of the
    parent attribute ``stratify`` (default ``channel``; ``inbound`` for customer-support threads).
    With ``by``, the same statistics are rolled up per parent author, parent campaign or responder segment.
    Without any reply pair the result says why (``status="no_pairs"``, ``reason``); links without
    emotion scores raise :class:`~empathic.errors.MirrorInputError`; a ``stratify`` attribute that no
    parent has comes back in ``warnings``.
    """
    from empathic.analyse.emotion.taxonomy import LABELS
    from empathic.analyse.mirror import mirror_stats

    if by is not None and by not in MIRROR_BY:
        raise AnalysisError(f"Cannot roll the mirror up by {by!r}.", hint=f"Use one of: {', '.join(MIRROR_BY)}.")
    pairs = store.reply_pairs()
    if not pairs:
        return MirrorResult(items=0, responses=0, status="no_pairs", reason=no_pairs_reason(store))
    parents = sorted({p for p, _ in pairs})
    children = [c for _, c in pairs]
    pm = store.score_matrix("emotion", LABELS, parents)
    cm = store.score_matrix("emotion", LABELS, children)
    row = {p: i for i, p in enumerate(parents)}
    keep = [k for k, (p, _) in enumerate(pairs) if not np.isnan(pm[row[p]]).any() and not np.isnan(cm[k]).any()]
    if not keep:
        bare_parents = int(np.isnan(pm).any(axis=1).sum())
        bare_replies = int(np.isnan(cm).any(axis=1).sum())
        raise MirrorInputError(
            f"{len(pairs):,} reply links were found, but none has emotion scores on both sides: "
            f"{bare_parents:,} of {len(parents):,} parents and {bare_replies:,} of {len(children):,} replies "
            "have no 'emotion' scores yet.",
            hint="Run `empathic analyze` (with the 'emotion' analyser, in analyse.analysers by default) first.",
        )
    docs = {d: store.get_document(d) for d in {*parents, *children}}
    warnings: tuple[str, ...] = ()
    if not any(stratify in docs[p].attrs for p in parents):  # type: ignore[union-attr]
        present = sorted({a for p in parents for a in docs[p].attrs})  # type: ignore[union-attr]
        warnings = (
            f"--stratify {stratify!r} is an attribute of no parent item, so the null is stratified by kind only. "
            f"Parent attributes: {', '.join(map(repr, present)) or 'none'}.",
        )
    owner = np.array([row[pairs[k][0]] for k in keep])
    strata = [f"{docs[p].kind.value}/{docs[p].attrs.get(stratify, '')}" for p in parents]  # type: ignore[union-attr]
    result = mirror_stats(
        pm, cm[keep], owner, strata, n_perm=n_perm, n_boot=n_boot, seed=seed, content_probs=pm, response_probs=cm[keep]
    )
    result = replace(result, warnings=warnings)
    if by is None:
        return result
    groups: dict[str, list[int]] = {}
    for k in keep:
        key = _mirror_key(by, docs[pairs[k][0]], docs[pairs[k][1]])  # type: ignore[arg-type]
        if key is not None:
            groups.setdefault(key, []).append(k)
    rollup: dict[str, dict[str, float | int | None]] = {}
    for key, ks in sorted(groups.items()):
        sub_parents = sorted({pairs[k][0] for k in ks})
        if len(sub_parents) < min_items:
            continue
        sub_row = {p: i for i, p in enumerate(sub_parents)}
        sub = mirror_stats(
            pm[[row[p] for p in sub_parents]],
            cm[ks],
            np.array([sub_row[pairs[k][0]] for k in ks]),
            [strata[row[p]] for p in sub_parents],
            n_perm=n_perm,
            n_boot=n_boot,
            seed=seed,
        )
        d = sub.to_dict()
        rollup[key] = {
            k: d[k]
            for k in (
                "items",
                "responses",
                "mirror_similarity",
                "null_similarity",
                "lift",
                "ci_low",
                "ci_high",
                "p_value",
            )
        }
    return replace(result, by={"dimension": by, "min_items": min_items, "groups": rollup})


def no_pairs_reason(store: Store) -> str:
    """Why the store holds no reply pair, in words true for this workspace (ids shown with repr())."""
    links = store.reply_links()
    if not links.replies:
        return (
            "no document in this workspace has a parent id. Ingest the replies with --parent-col COLUMN (the column "
            "holding the id of what they answer), e.g. `empathic ingest comments.csv --kind comment --id-col id "
            "--parent-col post_id`."
        )
    sources = ", ".join(map(repr, sorted(store.status().by_source)))
    parts = [f"{links.replies:,} replies have a parent id, but no parent was found.", *links.problems()]
    if links.unmatched:
        parts.append(
            f"Sources in this workspace: {sources}. Ingest the file that holds the parents (with --id-col naming "
            "its id column), or check that the parent column holds those ids."
        )
    return " ".join(parts)


# -- voice of the customer ------------------------------------------------------------------------------------------

CUSTOMER_KINDS = ("review", "comment", "testimonial", "survey")
EKMAN_NAMES = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
GENERIC_EMBEDDING = "all-minilm-l6-v2"


def customer_documents(store: Store, kinds: Sequence[str] = CUSTOMER_KINDS) -> list[Document]:
    """Customer-voice documents (reviews, comments, testimonials, surveys), in storage order."""
    return [d for d in store.iter_documents() if d.kind.value in kinds]


def ekman_mix(store: Store, doc_ids: Sequence[int]) -> np.ndarray:
    """``[n, 7]`` Ekman group probabilities from the stored ``emotion`` scores (NaN where missing)."""
    return store.score_matrix("emotion", [f"ekman:{g}" for g in EKMAN_NAMES], list(doc_ids))


def themes_from_store(
    store: Store, *, n_themes: int | None = None, min_theme_size: int = 10, seed: int = 0
) -> list[Theme]:
    """Themes of the customer voice from the stored generic embeddings (``embedding`` analyser)."""
    from empathic.analyse.themes import ThemeModel

    docs = {d.doc_id: d for d in customer_documents(store)}
    ids, vectors = store.embeddings(GENERIC_EMBEDDING, list(docs))
    if not ids:
        raise AnalysisError(
            "No sentence embeddings are stored for the customer documents.",
            hint="Add 'embedding' to analyse.analysers (it is in the default) and run `empathic analyze`.",
        )
    texts = [docs[i].text for i in ids]
    model = ThemeModel(n_themes=n_themes, min_theme_size=min_theme_size, seed=seed).fit(vectors, texts)
    ekman = ekman_mix(store, ids)
    return model.summarise(
        ids,
        texts,
        [docs[i].rating for i in ids],
        None if np.isnan(ekman).all() else np.nan_to_num(ekman),
        [docs[i].created_at[:7] if docs[i].created_at else None for i in ids],
    )


def needs_from_store(store: Store, *, top: int = 20) -> tuple[list[NeedSentence], list[DesignIdea]]:
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
    return found, build_backlog(found, info, top=top, background=[d.text for d in docs])


def _target_value(doc: Document, target: str) -> float | None:
    if target == "rating":
        return doc.rating
    raw = doc.attrs.get(target)
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def drivers_from_store(
    store: Store, *, target: str = "rating", with_themes: bool = True, seed: int = 0
) -> list[DriverEffect]:
    """Which emotions (and themes) move ``target`` (``rating`` or a numeric attribute such as ``Recommended IND``)."""
    from empathic.analyse.drivers import DriverModel

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
    if with_themes and store.embeddings(GENERIC_EMBEDDING, ids[:1])[0]:
        themes = [t for t in themes_from_store(store, seed=seed) if t.theme_id >= 0][:8]
        member = {d: t.label for t in themes for d in t.doc_ids}
        for t in themes[1:]:  # the largest theme is the reference level
            columns.append(np.array([[1.0 if member.get(i) == t.label else 0.0] for i in ids]))
            names.append(f"theme:{t.label}")
            kinds.append("theme")
    X = np.concatenate(columns, axis=1)
    y = np.array([_target_value(d, target) for d in docs], dtype=np.float64)
    return list(DriverModel(target=target).fit(X, y, names, kinds).effects_)


PERSONA_DIMENSIONS = ("age_band", "Age", "region", "customer_type", "Department Name", "department", "segment")


def personas_from_store(
    store: Store, *, dimensions: Sequence[str] | None = None, min_size: int = 20, save: bool = True
) -> list[Persona]:
    """Audience segments from author attributes and their own words; stored under results kind ``persona``."""
    from empathic.analyse.personas import build_personas

    docs = customer_documents(store)
    if not docs:
        raise AnalysisError("No customer documents in this workspace.", hint="Ingest reviews or comments first.")
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
    needs_found, backlog = needs_from_store(store)
    idea_of = {d: idea.idea for idea in backlog for d in idea.doc_ids}
    needs: dict[int, list[str]] = {}
    for n in needs_found:
        if n.doc_id in idea_of:
            needs.setdefault(n.doc_id, []).append(idea_of[n.doc_id])
    personas = build_personas(
        [(i, dict(d.attrs)) for i, d in zip(ids, docs, strict=True)],
        dimensions=dimensions,
        min_size=min_size,
        emotion=emotion or None,
        needs=needs or None,
    )
    if save:
        store.save_results("persona", {p.name: _persona_payload(p) for p in personas})
    return personas


def _persona_payload(p: Persona) -> dict[str, object]:
    return {
        "size": p.size,
        "attributes": dict(p.attributes),
        "top_needs": list(p.top_needs),
        "top_themes": list(p.top_themes),
        "emotion_profile": dict(p.emotion_profile),
        "quote_ids": list(p.quote_ids),
        "doc_ids": list(p.doc_ids),
    }
