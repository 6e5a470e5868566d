"""Store-backed runners: read stored scores and links, then call the pure statistics.

The statistics modules (:mod:`.mirror`, ...) do no I/O; these functions are the bridge that
jobs, reports and the API share.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from empathic.errors import AnalysisError
from empathic.store import Store
from empathic.types import Document, MirrorResult

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
    """
    from empathic.analyse.emotion.taxonomy import LABELS
    from empathic.analyse.mirror import mirror_stats

    if by is not None and by not in MIRROR_BY:
        raise AnalysisError(f"Cannot roll the mirror up by {by!r}.", hint=f"Use one of: {', '.join(MIRROR_BY)}.")
    pairs = store.reply_pairs()
    if not pairs:
        return MirrorResult(items=0, responses=0, status="no_pairs")
    parents = sorted({p for p, _ in pairs})
    children = [c for _, c in pairs]
    pm = store.score_matrix("emotion", LABELS, parents)
    cm = store.score_matrix("emotion", LABELS, children)
    row = {p: i for i, p in enumerate(parents)}
    keep = [k for k, (p, _) in enumerate(pairs) if not np.isnan(pm[row[p]]).any() and not np.isnan(cm[k]).any()]
    if not keep:
        raise AnalysisError(
            "No reply link has emotion scores on both sides.",
            hint="Run `empathic analyze` (with the 'emotion' analyser) first.",
        )
    docs = {d: store.get_document(d) for d in {*parents, *children}}
    owner = np.array([row[pairs[k][0]] for k in keep])
    strata = [f"{docs[p].kind.value}/{docs[p].attrs.get(stratify, '')}" for p in parents]  # type: ignore[union-attr]
    result = mirror_stats(
        pm, cm[keep], owner, strata, n_perm=n_perm, n_boot=n_boot, seed=seed, content_probs=pm, response_probs=cm[keep]
    )
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
