"""Themes: spherical k-means on sentence embeddings, labelled by class-based TF-IDF keywords. Pure numpy, no I/O.

* clustering: spherical k-means (cosine; k-means++ init; best of a few seeded restarts) on L2-normalised
  embeddings. With ``n_themes=None`` the number of themes is chosen by the cosine silhouette: every ``k``
  in ``3..min(15, n // min_theme_size)`` is clustered on one seeded sample of at most 2,000 documents and
  the best-scoring ``k`` is then fitted on all documents (the silhouette is quadratic, so never on all).
* outliers (label ``-1``, reported, never dropped): members of clusters smaller than ``min_theme_size``,
  and documents whose cosine to their centroid is both below their cluster's ``outlier_quantile`` and
  below ``outlier_floor``. Themes are numbered by size, largest first.
* keywords: c-TF-IDF as BERTopic defines it, over lower-case words of three letters or more (stop words
  removed) and their bigrams: ``tf(t, c) * log(1 + A / f(t))`` with ``tf`` the term's frequency in class
  ``c`` (L1-normalised), ``A`` the mean number of terms per class and ``f(t)`` its frequency over all classes.

>>> rng = np.random.default_rng(0)
>>> X = np.repeat(np.eye(8)[:3], 20, axis=0) + 0.05 * rng.normal(size=(60, 8))
>>> X /= np.linalg.norm(X, axis=1, keepdims=True)
>>> texts = ["the zip broke"] * 20 + ["late delivery"] * 20 + ["soft fabric"] * 20
>>> model = ThemeModel(n_themes=3, min_theme_size=5).fit(X, texts)
>>> model.k_, sorted(model.keywords_[t][0] for t in range(model.k_))
(3, ['broke', 'delivery', 'fabric'])
>>> sorted((t.label, t.size) for t in model.summarise(range(60), texts))[0]
('broke · zip · zip broke', 20)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np

from empathic.analyse.emotion.taxonomy import EKMAN
from empathic.types import Theme

EKMAN_GROUPS: tuple[str, ...] = tuple(EKMAN)  # anger, disgust, fear, joy, sadness, surprise, neutral
SILHOUETTE_SAMPLE = 2000
K_MIN, K_MAX = 3, 15
N_INIT = 3  # k-means++ restarts; the best (highest total cosine) is kept
N_KEYWORDS = 8
N_QUOTES = 3

_STOP_TEXT = """
    about above after again against all also although always among and another any anyone anything are aren arent
    around because been before being below between both but cannot could couldn couldnt did didn didnt does doesn
    doesnt doing don dont down during each either else even ever every few for from further get gets got had hadn
    hadnt has hasn hasnt have haven havent having her here hers herself him himself his how however into isn isnt
    its itself just let like made make many may might mine more most much must myself near neither nor not now off
    often once one only onto other others our ours ourselves out over own per quite rather really same shall she
    should shouldn shouldnt since some such than that thats the their theirs them themselves then there therefore
    these they this those though through thus too under until upon very via was wasn wasnt were weren werent what
    whats when where whether which while who whom whose why will with within without won wont would wouldn wouldnt
    yet you your yours yourself yourselves ive ill youre youve theyre well still anyway etc
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[a-z]{3,}")


def tokenize(text: str) -> list[str]:
    """Lower-case words of three letters or more, stop words removed, then their bigrams.

    >>> tokenize("The zip broke after 2 days, didn't it?")
    ['zip', 'broke', 'days', 'zip broke', 'broke days']
    """
    words = [w for w in _WORD.findall((text or "").lower().replace("'", "").replace("’", "")) if w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _kmeans_pp(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding with the cosine distance ``1 - cos`` as the D² weight."""
    centers = [int(rng.integers(len(X)))]
    dist = np.maximum(1.0 - X @ X[centers[0]], 0.0)
    for _ in range(1, k):
        total = dist.sum()
        nxt = int(rng.choice(len(X), p=dist / total)) if total > 0 else int(rng.integers(len(X)))
        centers.append(nxt)
        dist = np.minimum(dist, np.maximum(1.0 - X @ X[nxt], 0.0))
    return X[centers].copy()


def _spherical_kmeans(
    X: np.ndarray, k: int, rng: np.random.Generator, max_iter: int, n_init: int = N_INIT
) -> tuple[np.ndarray, np.ndarray]:
    """Best of ``n_init`` runs: (unit centroids ``[k, d]``, labels ``[n]``)."""
    X = X.astype(np.float32)  # the loop is memory-bound: single precision halves its time
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for _ in range(n_init):
        C = _kmeans_pp(X, k, rng)
        labels = np.full(len(X), -1)
        for _ in range(max_iter):
            sims = X @ C.T  # [n, k]: small, so no batching is needed here
            new = sims.argmax(axis=1)
            counts = np.bincount(new, minlength=k)
            for empty in np.flatnonzero(counts == 0):  # re-seed an empty cluster at the worst-fitted point
                worst = int(sims[np.arange(len(X)), new].argmin())
                new[worst] = empty
                sims[worst, empty] = np.inf
            if np.array_equal(new, labels):
                break
            labels = new
            onehot = (labels[None, :] == np.arange(k)[:, None]).astype(np.float32)
            C = _unit(onehot @ X).astype(np.float32)
        score = float(np.einsum("ij,ij->", X, C[labels], dtype=np.float64))
        if best is None or score > best[0]:
            best = (score, C, labels)
    assert best is not None
    return _unit(best[1]), best[2]


def cosine_silhouette(X: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette with the cosine distance (rows of ``X`` unit; ``-1`` labels left out; NaN if < 2 groups)."""
    keep = labels >= 0
    X, labels = X[keep], labels[keep]
    groups, labels = np.unique(labels, return_inverse=True)
    if len(groups) < 2:
        return float("nan")
    onehot = (labels[:, None] == np.arange(len(groups))[None, :]).astype(np.float64)
    counts = onehot.sum(axis=0)
    sums = np.empty((len(X), len(groups)))
    for start in range(0, len(X), 1024):  # batched: [batch, n] distances at a time
        sums[start : start + 1024] = (1.0 - X[start : start + 1024] @ X.T) @ onehot
    own = sums[np.arange(len(X)), labels]
    a = own / np.maximum(counts[labels] - 1, 1)
    other = sums / counts[None, :]
    other[np.arange(len(X)), labels] = np.inf
    b = other.min(axis=1)
    s = np.where(counts[labels] > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def class_tfidf(docs_terms: Sequence[Sequence[str]], classes: np.ndarray, top: int = N_KEYWORDS) -> dict[int, tuple]:
    """Top ``top`` c-TF-IDF terms per class (ties broken alphabetically; zero scores left out)."""
    vocab = {t: i for i, t in enumerate(sorted({t for terms in docs_terms for t in terms}))}
    names = np.array(sorted(vocab, key=vocab.__getitem__), dtype=object)
    uniq, cls = np.unique(classes, return_inverse=True)
    if not vocab:
        return {int(c): () for c in uniq}
    rows = np.concatenate([np.full(len(terms), c) for terms, c in zip(docs_terms, cls, strict=True)])
    cols = np.fromiter((vocab[t] for terms in docs_terms for t in terms), dtype=np.int64, count=len(rows))
    tf = np.bincount(rows.astype(np.int64) * len(vocab) + cols, minlength=len(uniq) * len(vocab))
    tf = tf.reshape(len(uniq), len(vocab)).astype(np.float64)
    avg_terms = int(tf.sum(axis=1).mean())  # BERTopic: the mean number of terms per class, as an int
    idf = np.log(1.0 + avg_terms / np.maximum(tf.sum(axis=0), 1.0))
    scores = tf / np.maximum(tf.sum(axis=1, keepdims=True), 1.0) * idf
    out = {}
    for i, c in enumerate(uniq):
        order = np.argsort(-scores[i], kind="stable")[:top]  # vocabulary is sorted: ties go alphabetically
        out[int(c)] = tuple(str(t) for t in names[order[scores[i, order] > 0]])
    return out


class ThemeModel:
    """Themes of L2-normalised document embeddings with c-TF-IDF keywords (see the module docstring).

    Learned: ``labels_`` (``-1`` outliers), ``centroids_`` ``[k_, d]``, ``keywords_`` (theme id -> terms,
    ``-1`` included when there are outliers), ``k_``, ``silhouette_`` (cosine, on the sample),
    ``similarity_`` (cosine of each document to its nearest centroid) and ``thresholds_`` (per theme:
    below it a document is an outlier).
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        min_theme_size: int = 10,
        outlier_quantile: float = 0.1,
        outlier_floor: float = 0.4,
        seed: int = 0,
        max_iter: int = 100,
    ) -> None:
        self.n_themes = n_themes
        self.min_theme_size = min_theme_size
        self.outlier_quantile = outlier_quantile
        self.outlier_floor = outlier_floor
        self.seed = seed
        self.max_iter = max_iter

    def _validate_params(self) -> None:
        def is_int(v: object) -> bool:
            return isinstance(v, int | np.integer) and not isinstance(v, bool)

        def fail(name: str, expected: str) -> None:
            raise ValueError(f"The {name!r} parameter of ThemeModel must be {expected}. Got {getattr(self, name)!r}.")

        if self.n_themes is not None and not (is_int(self.n_themes) and self.n_themes >= 1):
            fail("n_themes", "None or an int >= 1")
        if not (is_int(self.min_theme_size) and self.min_theme_size >= 1):
            fail("min_theme_size", "an int >= 1")
        if not (isinstance(self.outlier_quantile, int | float) and 0.0 <= self.outlier_quantile < 1.0):
            fail("outlier_quantile", "a float in [0, 1)")
        if not (isinstance(self.outlier_floor, int | float) and -1.0 <= self.outlier_floor <= 1.0):
            fail("outlier_floor", "a float in [-1, 1]")
        if not is_int(self.seed):
            fail("seed", "an int")
        if not (is_int(self.max_iter) and self.max_iter >= 1):
            fail("max_iter", "an int >= 1")

    def _choose_k(self, X: np.ndarray, rng: np.random.Generator) -> tuple[int, np.ndarray]:
        sample = np.sort(rng.choice(len(X), size=min(len(X), SILHOUETTE_SAMPLE), replace=False))
        k_max = min(K_MAX, len(X) // self.min_theme_size)
        best_k, best_s = 1, -np.inf
        for k in range(K_MIN, k_max + 1):
            _, labels = _spherical_kmeans(X[sample], k, rng, self.max_iter)
            s = cosine_silhouette(X[sample], labels)
            if s > best_s + 1e-9:
                best_k, best_s = k, s
        if best_k == 1 and k_max >= 2:  # too few documents for the range: fall back to two themes
            best_k = 2
        return best_k, sample

    def fit(self, embeddings: np.ndarray, texts: Sequence[str]) -> ThemeModel:
        """Cluster ``embeddings`` ``[n, d]`` (re-normalised) and label themes from ``texts``."""
        self._validate_params()
        X = np.asarray(embeddings, dtype=np.float64)
        if X.ndim != 2 or len(X) == 0 or len(X) != len(texts):
            raise ValueError(f"embeddings must be [n, d] with n = len(texts) >= 1. Got {X.shape} and {len(texts)}.")
        X = _unit(X)
        rng = np.random.default_rng(self.seed)
        if self.n_themes is None:
            k, sample = self._choose_k(X, rng)
        else:
            if self.n_themes > len(X):
                raise ValueError(f"n_themes ({self.n_themes}) is larger than the number of documents ({len(X)}).")
            k = self.n_themes
            sample = np.sort(rng.choice(len(X), size=min(len(X), SILHOUETTE_SAMPLE), replace=False))
        C, raw = _spherical_kmeans(X, k, rng, self.max_iter)
        counts = np.bincount(raw, minlength=k)
        kept = [c for c in np.argsort(-counts, kind="stable") if counts[c] >= self.min_theme_size]
        dropped = [c for c in range(k) if counts[c] < self.min_theme_size and counts[c] > 0]
        self.centroids_ = C[kept]
        self.outlier_centroids_ = C[dropped]  # dissolved tiny clusters: documents near them stay outliers
        self.k_ = len(kept)
        sims = X @ self.centroids_.T
        thresholds = np.empty(self.k_)
        for theme, c in enumerate(kept):
            member_sims = sims[raw == c, theme]
            thresholds[theme] = min(float(np.quantile(member_sims, self.outlier_quantile)), self.outlier_floor)
        self.thresholds_ = thresholds
        self.labels_, self.similarity_ = self._assign(X)
        self.silhouette_ = cosine_silhouette(X[sample], self.labels_[sample])
        self.keywords_ = class_tfidf([tokenize(t) for t in texts], self.labels_)
        self.keywords_ = {t: self.keywords_.get(t, ()) for t in [*range(self.k_), -1] if t in self.keywords_}
        return self

    def _assign(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest centroid (batched); ``-1`` below the theme's threshold or nearest a dissolved cluster."""
        labels = np.full(len(X), -1, dtype=np.int64)
        best = np.full(len(X), -np.inf)
        if self.k_ == 0:
            return labels, best
        for start in range(0, len(X), 8192):
            block = X[start : start + 8192]
            sims = block @ self.centroids_.T
            nearest = sims.argmax(axis=1)
            top = sims[np.arange(len(block)), nearest]
            ok = top >= self.thresholds_[nearest]
            if len(self.outlier_centroids_):
                ok &= top >= (block @ self.outlier_centroids_.T).max(axis=1)
            labels[start : start + len(block)] = np.where(ok, nearest, -1)
            best[start : start + len(block)] = top
        return labels, best

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        """Theme of each row (``-1`` for outliers), with the rule used in ``fit``."""
        return self._assign(_unit(embeddings))[0]

    def summarise(
        self,
        doc_ids: Iterable[int],
        texts: Sequence[str],
        ratings: Sequence[float | None] | None = None,
        ekman: np.ndarray | None = None,
        periods: Sequence[str | None] | None = None,
    ) -> list[Theme]:
        """One :class:`Theme` per theme, then the outliers (``-1``) if any, for the documents given to ``fit``.

        ``ekman`` is ``[n, 7]`` group probabilities (order of :data:`EKMAN_GROUPS`); ``periods`` are
        ``YYYY-MM`` (longer ISO dates are cut to their month). Quotes are the most central documents,
        skipping repeated texts.
        """
        ids = [int(i) for i in doc_ids]
        n = len(self.labels_)
        if len(ids) != n or len(texts) != n:
            raise ValueError(f"summarise needs the {n} documents given to fit. Got {len(ids)} ids, {len(texts)} texts.")
        if ekman is not None:
            ekman = np.asarray(ekman, dtype=np.float64)
            if ekman.shape != (n, len(EKMAN_GROUPS)):
                raise ValueError(
                    f"ekman must be [{n}, {len(EKMAN_GROUPS)}] ({', '.join(EKMAN_GROUPS)}). Got {ekman.shape}."
                )
        rating_arr = None
        if ratings is not None:
            rating_arr = np.array([np.nan if r is None else float(r) for r in ratings], dtype=np.float64)
        themes = []
        for theme in [*range(self.k_), -1]:
            members = np.flatnonzero(self.labels_ == theme)
            if len(members) == 0:
                continue
            keywords = self.keywords_.get(theme, ())
            quotes, seen = [], set()
            for i in members[np.argsort(-self.similarity_[members], kind="stable")]:
                key = " ".join((texts[i] or "").lower().split())
                if key not in seen:
                    seen.add(key)
                    quotes.append(ids[i])
                if len(quotes) == N_QUOTES:
                    break
            mean_rating = None
            if rating_arr is not None and np.isfinite(rating_arr[members]).any():
                mean_rating = float(np.nanmean(rating_arr[members]))
            mix = {} if ekman is None else dict(zip(EKMAN_GROUPS, ekman[members].mean(axis=0).tolist(), strict=True))
            trend: dict[str, int] = {}
            for p in [periods[i] for i in members] if periods is not None else []:
                if p:
                    trend[p[:7]] = trend.get(p[:7], 0) + 1
            themes.append(
                Theme(
                    theme_id=theme,
                    label="outliers" if theme == -1 else " · ".join(keywords[:3]),
                    keywords=keywords,
                    size=len(members),
                    share=len(members) / n,
                    doc_ids=tuple(ids[i] for i in members),
                    quote_ids=tuple(quotes),
                    mean_rating=mean_rating,
                    emotion_mix=mix,
                    trend=dict(sorted(trend.items())),
                )
            )
        return sorted(themes, key=lambda t: (t.theme_id == -1, -t.size, t.theme_id))
