"""Mirror: do responses echo the emotion of the content they answer? Pure statistics, no I/O.

Each content item *i* has an emotion vector ``c_i`` (the 27 GoEmotions emotion probabilities,
neutral left out so that "both neutral" does not count as an echo) and responses ``r_ij``.

* similarity ``s_ij = cos(c_i, r_ij)``; an item's observed similarity is the mean over its
  responses, and ``mirror_similarity`` the mean over items (each item weighs the same).
* null: responses reassigned at random across items of the same stratum (kind/channel). Under
  that permutation the expected similarity of item *i* is ``ĉ_i · mean(r̂)`` over its stratum's
  responses, computed exactly (no sampling): ``null_similarity`` is its mean over items.
* ``lift`` = mean over items of (observed − null expectation), with a bootstrap CI over items and
  a permutation p-value (one-sided: echo is larger than chance) from ``n_perm`` reassignments.
* transfer: for content whose dominant Ekman group is X, the share of responses whose dominant
  group is Y, against the share among all responses, with cluster-bootstrap CIs over items.

>>> rng = np.random.default_rng(0)
>>> c = rng.dirichlet(np.ones(27), 40); owner = np.repeat(np.arange(40), 5)
>>> r = 0.7 * c[owner] + 0.3 * rng.dirichlet(np.ones(27), 200)   # planted echo
>>> res = mirror_stats(c, r, owner, n_perm=200, n_boot=200, seed=1)
>>> res.lift > 0 and res.ci_low > 0 and res.p_value < 0.05
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from empathic.analyse.emotion.taxonomy import EKMAN, LABELS, NEUTRAL
from empathic.types import MirrorResult

EMOTION_IDX = [i for i in range(len(LABELS)) if i != NEUTRAL]
_EKMAN_IDX = [[LABELS.index(m) for m in members] for members in EKMAN.values()]


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _item_means(values: np.ndarray, owner: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(owner, minlength=m).astype(np.float64)
    sums = np.bincount(owner, weights=values, minlength=m)
    return sums / np.maximum(counts, 1), counts


def ekman_dominant(probs: np.ndarray) -> np.ndarray:
    """Index (into the Ekman groups, neutral last) of each row's strongest group."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape[1] == len(LABELS):
        groups = np.stack([probs[:, idx].max(axis=1) for idx in _EKMAN_IDX], axis=1)
    else:
        groups = probs
    return groups.argmax(axis=1)


def mirror_stats(
    content: np.ndarray,
    responses: np.ndarray,
    owner: Sequence[int] | np.ndarray,
    strata: Sequence[object] | None = None,
    *,
    n_perm: int = 1000,
    n_boot: int = 1000,
    seed: int = 0,
    content_probs: np.ndarray | None = None,
    response_probs: np.ndarray | None = None,
) -> MirrorResult:
    """Mirror lift of responses over a within-stratum permutation null (see module docstring).

    ``content`` is ``[m, k]`` and ``responses`` ``[n, k]`` emotion vectors (pass 28-label
    probabilities and neutral is dropped; any other ``k`` is used as is); ``owner[j]`` is the
    content row response *j* answers; ``strata[i]`` groups content items for the null.
    ``content_probs``/``response_probs`` (28 labels) enable the transfer matrix.
    """
    owner = np.asarray(owner, dtype=np.int64)
    m = len(content)
    if len(responses) != len(owner):
        raise ValueError(f"responses ({len(responses)}) and owner ({len(owner)}) must have the same length")
    if m == 0 or len(owner) == 0:
        return MirrorResult(items=m, responses=len(owner), status="no_pairs")
    c = _unit(content[:, EMOTION_IDX] if content.shape[1] == len(LABELS) else content)
    r = _unit(responses[:, EMOTION_IDX] if responses.shape[1] == len(LABELS) else responses)
    strata_arr = (
        np.zeros(m, dtype=np.int64)
        if strata is None
        else np.unique(np.asarray(strata, dtype=str), return_inverse=True)[1]
    )
    answered = np.bincount(owner, minlength=m) > 0
    resp_stratum = strata_arr[owner]
    # exact null expectation per item: its content against the mean response of its stratum
    null_item = np.zeros(m)
    for s in np.unique(strata_arr):
        mean_r = r[resp_stratum == s].mean(axis=0) if np.any(resp_stratum == s) else np.zeros(r.shape[1])
        null_item[strata_arr == s] = c[strata_arr == s] @ mean_r
    sims = np.einsum("ij,ij->i", c[owner], r)
    obs_item, _ = _item_means(sims, owner, m)
    idx = np.flatnonzero(answered)
    diff = obs_item[idx] - null_item[idx]
    observed = float(obs_item[idx].mean())
    lift = float(diff.mean())
    rng = np.random.default_rng(seed)
    boots = np.array([diff[rng.integers(0, len(idx), len(idx))].mean() for _ in range(n_boot)]) if n_boot else diff
    # permutation p-value: shuffle which item each response answers, within strata
    groups = [np.flatnonzero(resp_stratum == s) for s in np.unique(resp_stratum)]
    exceed = 0
    for _ in range(n_perm):
        perm_owner = owner.copy()
        for g in groups:
            perm_owner[g] = owner[g][rng.permutation(len(g))]
        perm_item, _ = _item_means(np.einsum("ij,ij->i", c[perm_owner], r), perm_owner, m)
        exceed += float(perm_item[idx].mean()) >= observed
    p_value = (1 + exceed) / (1 + n_perm) if n_perm else float("nan")
    by_emotion: dict[str, dict[str, float]] = {}
    transfer: dict[str, dict[str, dict[str, float]]] = {}
    if content_probs is not None and response_probs is not None:
        by_emotion, transfer = _by_emotion_and_transfer(
            content_probs, response_probs, owner, obs_item, null_item, idx, rng, n_boot
        )
    return MirrorResult(
        items=len(idx),
        responses=len(owner),
        mirror_similarity=observed,
        null_similarity=float(null_item[idx].mean()),
        lift=lift,
        ci_low=float(np.quantile(boots, 0.025)),
        ci_high=float(np.quantile(boots, 0.975)),
        p_value=float(p_value),
        by_emotion=by_emotion,
        transfer=transfer,
        status="ok" if len(idx) > 1 else "too_few",
    )


def _by_emotion_and_transfer(
    content_probs: np.ndarray,
    response_probs: np.ndarray,
    owner: np.ndarray,
    obs_item: np.ndarray,
    null_item: np.ndarray,
    idx: np.ndarray,
    rng: np.random.Generator,
    n_boot: int,
) -> tuple[dict, dict]:
    names = list(EKMAN)
    c_dom = ekman_dominant(content_probs)
    r_dom = ekman_dominant(response_probs)
    k = len(names)
    by_emotion = {}
    for g, name in enumerate(names):
        sel = idx[c_dom[idx] == g]
        if len(sel):
            by_emotion[name] = {"items": len(sel), "lift": float((obs_item[sel] - null_item[sel]).mean())}
    # per-item response counts by group, so the bootstrap resamples whole items (clusters)
    counts = np.zeros((len(c_dom), k))
    np.add.at(counts, (owner, r_dom), 1.0)
    overall = counts[idx].sum(axis=0) / max(counts[idx].sum(), 1.0)
    transfer: dict[str, dict[str, dict[str, float]]] = {}
    for g, name in enumerate(names):
        sel = idx[c_dom[idx] == g]
        if not len(sel):
            continue
        rows = counts[sel]
        share = rows.sum(axis=0) / max(rows.sum(), 1.0)
        boot = (
            np.array(
                [
                    (b := rows[rng.integers(0, len(sel), len(sel))]).sum(axis=0) / max(b.sum(), 1.0)
                    for _ in range(n_boot)
                ]
            )
            if n_boot
            else share[None, :]
        )
        transfer[name] = {
            names[h]: {
                "share": float(share[h]),
                "ci_low": float(np.quantile(boot[:, h], 0.025)),
                "ci_high": float(np.quantile(boot[:, h], 0.975)),
                "overall": float(overall[h]),
            }
            for h in range(k)
        }
    return by_emotion, transfer


def mirror_dataframe(
    df: object,
    content_id: str,
    content: str,
    response: str,
    *,
    backend: str = "minilm-finetuned",
    strata: str | None = None,
    **options: object,
) -> MirrorResult:
    """Mirror over a table of (content id, content, response) rows, e.g. a pandas DataFrame.

    ``content`` and ``response`` columns hold texts (scored with the emotion ``backend``) or
    28-probability vectors. Rows with the same content id are responses to one item.
    """
    from empathic.analyse.emotion.analyser import get_emotion_model

    get = df.__getitem__  # type: ignore[attr-defined]
    ids, c_col, r_col = list(get(content_id)), list(get(content)), list(get(response))
    first: dict[object, int] = {}
    for row, key in enumerate(ids):
        first.setdefault(key, row)
    owner = _index(ids, first)
    c_items = [c_col[first[k]] for k in first]
    model = None

    def vectors(values: list[object]) -> np.ndarray:
        nonlocal model
        if values and isinstance(values[0], str):
            model = model or get_emotion_model(backend)
            return np.asarray(model.predict_proba([str(v) for v in values]))
        return np.asarray(values, dtype=np.float64)

    cv, rv = vectors(c_items), vectors(r_col)
    st = [list(get(strata))[first[k]] for k in first] if strata else None
    return mirror_stats(
        cv,
        rv,
        owner,
        st,
        content_probs=cv if cv.shape[1] == 28 else None,
        response_probs=rv if rv.shape[1] == 28 else None,
        **options,
    )  # type: ignore[arg-type]


def _index(ids: list[object], first: dict[object, int]) -> np.ndarray:
    position = {k: i for i, k in enumerate(first)}
    return np.array([position[k] for k in ids])
