"""Pre-test models, the base: protocol, the linear utility every backend builds on, its drivers, loading.

Pre-test models score headlines by predicted click-through, with the drivers behind each score.

A model gives every text a *utility* ``s`` in log-odds units, centred so that the average
headline of its training data scores 0. For two variants, ``sigmoid(s_a - s_b)`` is the
predicted chance that ``a`` gets the higher click-through rate when both are shown with the
same image to the same audience (a Bradley–Terry model fitted on Upworthy A/B tests). The
score ranks variants; it is not a click-through rate.

Backends (registry kind ``pretest_model``), one module each:

* ``minilm-pairwise`` (:mod:`.pairwise`) — ``minilm-ngram`` blended with a MiniLM fine-tuned on Upworthy pairs
  (default);
* ``minilm-ngram`` (:mod:`.minilm`) — word n-grams + handcrafted counts + 28 emotions + MiniLM embeddings;
* ``lexicon-ngram`` (:mod:`.lexicon`) — word n-grams + handcrafted counts only; no ONNX model (light).

>>> state, manifest = load_state(ASSETS / "upworthy-pretest-light-v1")
>>> manifest["name"], sorted(state)[:3]
('lexicon-ngram', ['idf', 'mean', 'ngram_offset'])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from empathic.analyse.emotion.taxonomy import LABELS
from empathic.errors import AnalysisError
from empathic.models.manifest import load_manifest
from empathic.predict.pretest.features import BLOCKS, HANDCRAFTED, FeatureExtractor, HeadlineFeatures, NgramVectorizer
from empathic.types import PretestDriver, PretestScore

ASSETS = Path(__file__).parent.parent / "assets"
NAMED = {"handcrafted": HANDCRAFTED, "emotions": tuple(f"emotion:{x}" for x in LABELS)}
BLOCK_LABEL = {
    "embedding": "meaning (MiniLM embedding)",
    "emotion_embedding": "emotional tone (emotion embedding)",
    "appeal": "learned headline appeal (MiniLM fine-tuned on Upworthy tests)",
}


@runtime_checkable
class PretestModel(Protocol):
    """Texts → utilities (log-odds vs an average headline) and ranked, explained scores."""

    name: str

    def score(self, texts: Sequence[str]) -> np.ndarray: ...

    def rank(self, texts: Sequence[str]) -> list[PretestScore]: ...


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


class LinearPretest:
    """A fitted linear utility over n-grams and dense feature blocks, loaded from an asset folder.

    ``state`` holds the learned arrays (see :func:`empathic.train.pretest_linear.fit_linear`); ``manifest``
    the recipe and metrics. Use :meth:`load` for a shipped or trained model.
    """

    name = ""
    asset = ""

    def __init__(self, path: str | Path | None = None, *, threads: int | None = None) -> None:
        state, manifest = load_state(Path(path) if path else ASSETS / self.asset)
        self.manifest = manifest
        self.threads = threads
        self._set_state(state)

    def _set_state(self, state: dict[str, np.ndarray | list[str]]) -> None:
        self.blocks: tuple[str, ...] = tuple(self.manifest["recipe"]["dense"])
        for b in self.blocks:
            if b not in BLOCKS:
                raise AnalysisError(f"Pre-test model uses an unknown feature block {b!r}; known: {', '.join(BLOCKS)}.")
        self.vectorizer = NgramVectorizer.from_vocabulary(
            state["vocabulary"], state["idf"], n_max=int(self.manifest["recipe"]["ngram_max"])
        )
        self.w_ngram = np.asarray(state["w_ngram"], dtype=np.float64)
        self.ngram_offset = float(np.asarray(state["ngram_offset"]))
        self.mean = np.asarray(state["mean"], dtype=np.float64)
        self.scale = np.asarray(state["scale"], dtype=np.float64)  # sd / block weight: x' = (x - mean) / scale
        self.w_dense = np.asarray(state["w_dense"], dtype=np.float64)
        self._wording_scale = 1.0
        self._light = not any(b in ("emotions", "embedding", "emotion_embedding") for b in self.blocks)
        self._extractor = FeatureExtractor(light=self._light, threads=self.threads)

    def features(self, texts: Sequence[str]) -> HeadlineFeatures:
        return self._extractor.transform(list(texts))

    def _dense(self, feats: HeadlineFeatures) -> np.ndarray:
        if not self.blocks:
            return np.zeros((feats.handcrafted.shape[0], 0))
        return np.hstack([feats.block(b) for b in self.blocks])

    def _parts(self, texts: Sequence[str]) -> tuple[HeadlineFeatures, np.ndarray, np.ndarray, np.ndarray]:
        feats = self.features(texts)
        ngram = self.vectorizer.transform_dense(list(texts))
        dense = self._dense(feats)
        contrib = (dense - self.mean) / self.scale * self.w_dense
        wording = ngram @ self.w_ngram - self.ngram_offset
        return feats, dense, contrib, wording

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Utility per text: log-odds of out-clicking an average training headline."""
        if len(texts) == 0:
            return np.zeros(0)
        _, _, contrib, wording = self._parts(texts)
        return contrib.sum(axis=1) + wording

    def rank(self, texts: Sequence[str], *, top_drivers: int = 6) -> list[PretestScore]:
        """Texts ranked by utility, best first, each with its strongest drivers."""
        texts = list(texts)
        if not texts:
            return []
        feats, dense, contrib, wording = self._parts(texts)
        util = contrib.sum(axis=1) + wording
        order = np.argsort(-util, kind="stable")
        best = util[order[0]]
        names = self._names(feats)
        out = []
        for rank, i in enumerate(order, start=1):
            drivers = _drivers(names, dense[i], contrib[i], float(wording[i]), self._top_ngrams(texts[i]))
            drivers.sort(key=lambda d: -abs(d.contribution))
            out.append(
                PretestScore(
                    text=texts[i],
                    rank=rank,
                    score=float(util[i]),
                    p_beats_average=float(_sigmoid(util[i])),
                    p_beats_best=float(_sigmoid(util[i] - best)),
                    drivers=tuple(drivers[:top_drivers]),
                    features=_named_values(feats, i),
                )
            )
        return out

    def _names(self, feats: HeadlineFeatures) -> list[str]:
        return [n for b in self.blocks for n in NAMED.get(b, (b,) * feats.block(b).shape[1])]

    def _top_ngrams(self, text: str, k: int = 3) -> str:
        ((idx, val),) = self.vectorizer.transform_rows([text])
        if len(idx) == 0:
            return ""
        c = val * self.w_ngram[idx] * self._wording_scale
        top = np.argsort(-np.abs(c))[:k]
        return ", ".join(f"{self.vectorizer.vocabulary_[idx[j]]!r} {c[j]:+.2f}" for j in top)


def _named_values(feats: HeadlineFeatures, i: int) -> dict[str, float]:
    vals = {n: float(v) for n, v in zip(HANDCRAFTED, feats.handcrafted[i], strict=True)}
    if feats.emotions.any():
        top = np.argsort(-feats.emotions[i])[:3]
        vals |= {f"emotion:{LABELS[j]}": float(feats.emotions[i, j]) for j in top}
    return vals


def _drivers(
    names: list[str], values: np.ndarray, contrib: np.ndarray, wording: float, top_ngrams: str
) -> list[PretestDriver]:
    drivers = [PretestDriver("wording", "word n-grams", wording, None, top_ngrams)]
    grouped: dict[str, float] = {}
    for name, v, c in zip(names, values, contrib, strict=True):
        if name in BLOCK_LABEL:
            grouped[name] = grouped.get(name, 0.0) + float(c)
        elif name.startswith("emotion:"):
            drivers.append(PretestDriver(name, f"emotion {name[8:]} (probability)", float(c), float(v), ""))
        else:
            drivers.append(PretestDriver(name, name.replace("_", " "), float(c), float(v), ""))
    drivers.extend(PretestDriver(k, BLOCK_LABEL[k], c, None, "") for k, c in grouped.items())
    return drivers


def load_state(path: Path) -> tuple[dict[str, np.ndarray | list[str]], dict]:
    """Read a pre-test model folder (manifest.json, weights.npz, vocabulary.json), checking every sha256."""
    manifest = load_pretest_manifest(path)
    with np.load(path / "weights.npz", allow_pickle=False) as data:
        state: dict[str, np.ndarray | list[str]] = {k: data[k] for k in data.files}
    state["vocabulary"] = json.loads((path / "vocabulary.json").read_text(encoding="utf-8"))
    return state, manifest


def load_pretest_manifest(folder: Path) -> dict:
    """A pre-test model folder's manifest, every file's sha256 checked."""
    return load_manifest(
        folder,
        what=f"Pre-test model folder {folder}",
        hint="Reinstall empathic, or train one: empathic train pretest --data ../shared/data/upworthy --out DIR.",
    )


def cv_accuracy(model: object) -> float | None:
    """The grouped-CV pairwise accuracy recorded in a model's manifest (the blend's, for ``minilm-pairwise``)."""
    cv = getattr(model, "manifest", {}).get("cv", {})
    value = cv.get("blend_half", cv).get("pairwise_accuracy")
    return float(value) if value is not None else None
