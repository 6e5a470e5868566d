"""Mirror use case: does the audience echo the emotion it is shown? From stored reply links and emotion scores.

The statistics (:func:`empathic.analyse.mirror.mirror_stats`) are pure; this reads the store, runs them,
and (with ``save``) stores the result so the report shows what the user last computed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from empathic.app.stored import load_latest, save_latest
from empathic.errors import AnalysisError, MirrorInputError
from empathic.store import Store
from empathic.types import Document, MirrorResult

MIRROR_BY = ("author", "campaign", "segment")
MIRROR_KIND = "mirror"


@dataclass(frozen=True)
class MirrorParams:
    """``by``: roll up per parent ``author``, parent ``campaign`` or responder ``segment``; ``stratify``: the
    parent attribute within which the null reassigns responses (``inbound`` for support threads)."""

    by: str | None = None
    n_perm: int = 1000
    n_boot: int = 1000
    seed: int = 0
    min_items: int = 5
    stratify: str = "channel"


def _mirror_key(by: str, parent: Document, child: Document) -> str | None:
    if by == "author":
        return parent.author
    if by == "campaign":
        return parent.attrs.get("campaign")
    for attr in ("segment", "age_band", "region", "customer_type"):
        if attr in child.attrs:
            return f"{attr}={child.attrs[attr]}"
    return None


def mirror(store: Store, params: MirrorParams = MirrorParams(), *, save: bool = True) -> MirrorResult:
    """The emotional echo (:func:`compute_mirror`); with ``save`` stored (replacing the last one) for the report."""
    result = compute_mirror(store, params)
    if save:
        save_latest(store, MIRROR_KIND, result.to_payload())
    return result


def stored_mirror(store: Store) -> MirrorResult | None:
    """The mirror result last stored by :func:`mirror`; None if never stored."""
    return load_latest(store, MIRROR_KIND, MirrorResult.from_payload, "empathic mirror")


def compute_mirror(store: Store, params: MirrorParams = MirrorParams()) -> MirrorResult:
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

    by, n_perm, n_boot, seed, min_items, stratify = (
        params.by, params.n_perm, params.n_boot, params.seed, params.min_items, params.stratify
    )  # fmt: skip
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
