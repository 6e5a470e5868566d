"""Themes: planted blobs on the unit sphere are recovered, labelled and summarised; real reviews cluster sanely."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import numpy as np
import pytest

from empathic.analyse.themes import EKMAN_GROUPS, ThemeModel, class_tfidf, cosine_silhouette, tokenize

PHRASES = ("zip broke zipper", "delivery late shipping", "soft fabric comfortable", "colour faded wash", "price value")
FILLER = ("dress", "ordered", "week", "bought", "shop", "item")


def _blobs(
    sizes: tuple[int, ...] = (120, 100, 80), dim: int = 384, noise: float = 0.03, seed: int = 7
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Gaussian blobs around random unit centres (nearly orthogonal in 384-d), texts that differ per blob."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    X = centres[truth] + noise * rng.normal(size=(len(truth), dim))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    texts = [f"The {PHRASES[b]}, {rng.choice(FILLER)} and {rng.choice(FILLER)}" for b in truth]
    return X, texts, truth


def _purity(labels: np.ndarray, truth: np.ndarray) -> float:
    keep = labels >= 0
    hits = sum(np.bincount(truth[keep & (labels == t)]).max() for t in np.unique(labels[keep]))
    return hits / keep.sum()


def test_recovers_planted_themes_with_their_words() -> None:
    X, texts, truth = _blobs()
    model = ThemeModel(n_themes=3).fit(X, texts)
    assert model.k_ == 3 and model.centroids_.shape == (3, 384)
    assert _purity(model.labels_, truth) > 0.9
    assert (model.labels_ >= 0).mean() > 0.95
    for theme in range(3):
        blob = np.bincount(truth[model.labels_ == theme]).argmax()
        assert set(PHRASES[blob].split()) <= set(model.keywords_[theme]), model.keywords_[theme]
        assert len(model.keywords_[theme]) == 8
    # themes are numbered by size, largest first
    assert list(np.bincount(model.labels_[model.labels_ >= 0])) == [120, 100, 80]


@pytest.mark.parametrize("sizes", [(120, 100, 80), (60, 70, 80, 90, 100)])
def test_automatic_k_finds_the_planted_number(sizes: tuple[int, ...]) -> None:
    X, texts, truth = _blobs(sizes)
    model = ThemeModel().fit(X, texts)
    assert model.k_ == len(sizes)
    assert _purity(model.labels_, truth) > 0.9
    assert model.silhouette_ > 0.5


def test_tiny_clusters_and_far_points_become_reported_outliers() -> None:
    X, texts, truth = _blobs((120, 100, 80, 5))  # the fourth blob is smaller than min_theme_size
    rng = np.random.default_rng(3)
    far = rng.normal(size=(4, 384))
    far /= np.linalg.norm(far, axis=1, keepdims=True)  # cosine ~0 to every centre: below the floor
    X = np.vstack([X, far])
    texts = [*texts, *["odd one out"] * 4]
    model = ThemeModel(n_themes=4, min_theme_size=10).fit(X, texts)
    assert model.k_ == 3
    outliers = np.flatnonzero(model.labels_ == -1)
    assert set(np.flatnonzero(truth == 3)) <= set(outliers)
    assert set(range(305, 309)) <= set(outliers)
    assert len(outliers) < 0.1 * len(X)
    assert np.array_equal(model.predict(X), model.labels_)  # predict applies the same rule
    themes = model.summarise(range(1000, 1000 + len(X)), texts)
    assert [t.theme_id for t in themes][-1] == -1 and themes[-1].label == "outliers"
    assert [t.size for t in themes[:-1]] == sorted((t.size for t in themes[:-1]), reverse=True)
    assert sum(t.size for t in themes) == len(X)  # nothing dropped
    assert set(themes[-1].doc_ids) == {1000 + i for i in outliers}
    assert sum(t.share for t in themes) == pytest.approx(1.0)


def test_too_few_documents_are_all_outliers_never_dropped() -> None:
    X, texts, _ = _blobs((6,))
    model = ThemeModel().fit(X, texts)  # fewer documents than min_theme_size: no theme can form
    assert model.k_ == 0 and (model.labels_ == -1).all() and np.isnan(model.silhouette_)
    (theme,) = model.summarise(range(6), texts)
    assert theme.theme_id == -1 and theme.size == 6 and theme.share == 1.0
    assert (model.predict(X) == -1).all()


def test_same_seed_same_themes_and_fit_returns_self() -> None:
    X, texts, _ = _blobs()
    a = ThemeModel(seed=5)
    assert a.fit(X, texts) is a
    b = ThemeModel(seed=5).fit(X, texts)
    assert np.array_equal(a.labels_, b.labels_)
    assert np.array_equal(a.centroids_, b.centroids_)
    assert a.keywords_ == b.keywords_ and a.k_ == b.k_


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_theme_size": 0}, "The 'min_theme_size' parameter of ThemeModel must be an int >= 1. Got 0."),
        ({"n_themes": 0}, "The 'n_themes' parameter of ThemeModel must be None or an int >= 1. Got 0."),
        ({"outlier_quantile": 1.0}, "The 'outlier_quantile' parameter of ThemeModel must be a float in [0, 1)."),
        ({"max_iter": 0}, "The 'max_iter' parameter of ThemeModel must be an int >= 1. Got 0."),
        ({"seed": 1.5}, "The 'seed' parameter of ThemeModel must be an int. Got 1.5."),
        ({"outlier_floor": 2}, "The 'outlier_floor' parameter of ThemeModel must be a float in [-1, 1]. Got 2."),
    ],
)
def test_parameters_are_validated_in_fit(params: dict, message: str) -> None:
    X, texts, _ = _blobs()
    model = ThemeModel(**params)  # __init__ only stores
    with pytest.raises(ValueError, match=re.escape(message)):
        model.fit(X, texts)


def test_mismatched_inputs_are_rejected() -> None:
    X, texts, _ = _blobs()
    with pytest.raises(ValueError, match="len\\(texts\\)"):
        ThemeModel(n_themes=3).fit(X, texts[:-1])
    model = ThemeModel(n_themes=3).fit(X, texts)
    with pytest.raises(ValueError, match="the 300 documents given to fit"):
        model.summarise(range(10), texts[:10])
    with pytest.raises(ValueError, match="ekman must be"):
        model.summarise(range(300), texts, ekman=np.zeros((300, 28)))


def test_quotes_are_the_most_central_documents() -> None:
    X, texts, _ = _blobs()
    texts = [f"{t} #{i}" for i, t in enumerate(texts)]
    texts[5] = texts[6] = "same words"  # a repeated text is quoted once
    model = ThemeModel(n_themes=3).fit(X, texts)
    ids = list(range(500, 800))
    for theme in model.summarise(ids, texts):
        members = np.flatnonzero(model.labels_ == theme.theme_id)
        sims = X[members] @ model.centroids_[theme.theme_id]
        order = members[np.argsort(-sims)]
        expected = [i for i in order if i != 6 or model.labels_[5] != model.labels_[6]][:3]
        assert theme.quote_ids == tuple(500 + i for i in expected)
        assert theme.label == " · ".join(theme.keywords[:3])
        assert set(theme.quote_ids) <= set(theme.doc_ids)


def test_ratings_emotion_mix_and_trend() -> None:
    X, texts, _ = _blobs()
    model = ThemeModel(n_themes=3).fit(X, texts)
    rng = np.random.default_rng(1)
    ekman = rng.dirichlet(np.ones(7), len(X))
    ratings = [None if i % 4 == 0 else float(i % 5 + 1) for i in range(len(X))]
    periods = [None if i % 10 == 0 else f"2024-0{i % 3 + 1}-15T10:00:00" for i in range(len(X))]
    for theme in model.summarise(range(len(X)), texts, ratings=ratings, ekman=ekman, periods=periods):
        members = np.flatnonzero(model.labels_ == theme.theme_id)
        assert list(theme.emotion_mix) == list(EKMAN_GROUPS)
        assert list(theme.emotion_mix.values()) == pytest.approx(ekman[members].mean(axis=0))
        rated = [ratings[i] for i in members if ratings[i] is not None]
        assert theme.mean_rating == pytest.approx(sum(rated) / len(rated))
        expected: dict[str, int] = {}
        for i in members:
            if periods[i]:
                expected[periods[i][:7]] = expected.get(periods[i][:7], 0) + 1
        assert dict(theme.trend) == expected and list(theme.trend) == sorted(expected)
    bare = model.summarise(range(len(X)), texts)
    assert all(t.mean_rating is None and not t.emotion_mix and not t.trend for t in bare)


def test_class_tfidf_follows_bertopic() -> None:
    docs = [["zip", "broke", "zip broke"], ["zip", "late"], ["late", "late"]]
    top = class_tfidf(docs, np.array([0, 0, 1]), top=3)
    # class 0: zip 2/5, broke 1/5, zip broke 1/5, late 1/5; class 1: late 2/2; A = int(7 / 2) = 3
    assert top[0] == ("zip", "broke", "zip broke")  # log(1 + 3/2) * 2/5 beats log(1 + 3/1) * 1/5
    assert top[1] == ("late",)
    assert tokenize("I didn't like the ZIP") == ["zip"]


def test_silhouette_of_separated_groups_is_near_one() -> None:
    X, _, truth = _blobs(noise=0.001)
    assert cosine_silhouette(X, truth) > 0.9
    assert np.isnan(cosine_silhouette(X, np.zeros(len(X), dtype=int)))


@pytest.mark.slow
@pytest.mark.shared_data
def test_real_reviews_form_sane_themes(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from empathic.analyse.emotion.models import HeadsEmotion

    path = shared_data / "womens_clothing_reviews" / "womens_clothing_ecommerce_reviews.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        texts = [row["Review Text"] for row in csv.DictReader(f) if (row["Review Text"] or "").strip()][:1500]
    embeddings = HeadsEmotion().embed(texts)
    model = ThemeModel().fit(embeddings, texts)
    themes = model.summarise(range(len(texts)), texts)
    assert 4 <= model.k_ <= 15
    assert all(t.size >= model.min_theme_size and t.keywords for t in themes if t.theme_id >= 0)
    assert (model.labels_ == -1).mean() < 0.3
    assert sum(t.size for t in themes) == len(texts)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
