"""Headline features for the pre-test model: handcrafted counts, emotions and sentence embeddings.

Three blocks, computed per text with no I/O beyond loading the shipped ONNX models:

* ``handcrafted`` — named, interpretable counts: length, numbers, questions, second person,
  negative and positive words (VADER lexicon), ... (:data:`HANDCRAFTED`);
* ``emotion`` — the 28 GoEmotions probabilities of the project's emotion model and its
  384-d embedding (``minilm-finetuned``);
* ``embedding`` — the generic all-MiniLM-L6-v2 sentence embedding (384-d, L2-normalised).

>>> h = handcrafted(["You Won't Believe These 7 Awful Facts?"])
>>> int(h[0, HANDCRAFTED.index("second_person")]), int(h[0, HANDCRAFTED.index("has_number")])
(1, 1)
>>> int(h[0, HANDCRAFTED.index("negative_words")]) >= 1
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from empathic.analyse.emotion.taxonomy import LABELS

HANDCRAFTED: tuple[str, ...] = (
    "negative_words",
    "positive_words",
    "sentiment",
    "words",
    "chars",
    "mean_word_length",
    "has_number",
    "starts_with_number",
    "questions",
    "exclamations",
    "second_person",
    "first_person",
    "third_person",
    "demonstrative",
    "quotes",
    "colon",
    "ellipsis",
    "capital_words",
    "all_caps_words",
    "sentences",
)
"""Names of the handcrafted features, in column order."""

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*|\d[\d,.]*")
_SENT = re.compile(r"[.!?]+(\s|$)")
_YOU = {"you", "your", "yours", "you're", "youre", "you've", "you'll", "you'd", "yourself", "u"}
_FIRST = {"i", "me", "my", "mine", "i'm", "im", "i've", "i'd", "i'll", "we", "our", "us", "we're", "myself"}
_THIRD = {"he", "she", "they", "his", "her", "their", "them", "him", "he's", "she's", "they're"}
_DEMONSTRATIVE = {"this", "these", "that", "those", "here", "here's", "what", "why", "how"}


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer().lexicon


@lru_cache(maxsize=1)
def _vader():  # type: ignore[no-untyped-def]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def word_polarity(text: str) -> tuple[list[str], list[str]]:
    """The negative and positive words of ``text`` by the VADER lexicon (the Robertson et al. count).

    >>> word_polarity("A terrible, wonderful day")
    (['terrible'], ['wonderful'])
    """
    lex = _lexicon()
    neg: list[str] = []
    pos: list[str] = []
    for tok in _TOKEN.findall(text or ""):
        v = lex.get(tok.lower().replace("’", "'"))
        if v is not None and v < 0:
            neg.append(tok.lower())
        elif v is not None and v > 0:
            pos.append(tok.lower())
    return neg, pos


def handcrafted(texts: Sequence[str]) -> np.ndarray:
    """``[n, len(HANDCRAFTED)]`` counts for ``texts`` (see :data:`HANDCRAFTED`)."""
    out = np.zeros((len(texts), len(HANDCRAFTED)), dtype=np.float64)
    sia = _vader()
    for i, raw in enumerate(texts):
        text = raw or ""
        toks = _TOKEN.findall(text)
        low = [t.lower().replace("’", "'") for t in toks]
        words = [t for t in toks if t[0].isalpha()]
        neg, pos = word_polarity(text)
        out[i] = (
            len(neg),
            len(pos),
            sia.polarity_scores(text)["compound"],
            len(toks),
            len(text),
            float(np.mean([len(w) for w in words])) if words else 0.0,
            float(any(t[0].isdigit() for t in toks)),
            float(bool(toks) and toks[0][0].isdigit()),
            text.count("?"),
            text.count("!"),
            sum(t in _YOU for t in low),
            sum(t in _FIRST for t in low),
            sum(t in _THIRD for t in low),
            sum(t in _DEMONSTRATIVE for t in low),
            text.count('"') // 2 + text.count("“") + len(re.findall(r"(^|\s)'\w", text)),
            text.count(":"),
            text.count("...") + text.count("…"),
            sum(w[0].isupper() for w in words),
            sum(len(w) > 1 and w.isupper() for w in words),
            max(1, len(_SENT.findall(text))) if text.strip() else 0,
        )
    return out


@dataclass(frozen=True, slots=True, eq=False)
class HeadlineFeatures:
    """Feature blocks for a list of texts, row-aligned with it."""

    handcrafted: np.ndarray  # [n, len(HANDCRAFTED)]
    emotions: np.ndarray  # [n, 28] GoEmotions probabilities
    emotion_embedding: np.ndarray  # [n, 384] fine-tuned MiniLM embedding, L2-normalised
    embedding: np.ndarray  # [n, 384] generic MiniLM embedding, L2-normalised

    def block(self, name: str) -> np.ndarray:
        return {
            "handcrafted": self.handcrafted,
            "emotions": self.emotions,
            "emotion_embedding": self.emotion_embedding,
            "embedding": self.embedding,
        }[name]


BLOCKS = ("handcrafted", "emotions", "emotion_embedding", "embedding")


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)).astype(np.float64)


class FeatureExtractor:
    """Computes :class:`HeadlineFeatures`; ``light=True`` skips the ONNX models (zeros in their blocks).

    >>> f = FeatureExtractor(light=True).transform(["Hello there", "You?"])
    >>> f.handcrafted.shape, f.emotions.shape, f.embedding.shape
    ((2, 20), (2, 28), (2, 384))
    """

    def __init__(self, *, light: bool = False, threads: int | None = None) -> None:
        self.light = light
        self.threads = threads

    @cached_property
    def _models(self) -> tuple[Any, Any]:
        """The emotion model and the generic encoder, loaded (and sha256-checked) once per extractor."""
        from empathic.analyse.emotion.models import FinetunedEmotion, HeadsEmotion

        return FinetunedEmotion(threads=self.threads), HeadsEmotion(threads=self.threads)

    def transform(self, texts: Sequence[str]) -> HeadlineFeatures:
        texts = [t or "" for t in texts]
        n = len(texts)
        hand = handcrafted(texts)
        if self.light or n == 0:
            return HeadlineFeatures(hand, np.zeros((n, len(LABELS))), np.zeros((n, 384)), np.zeros((n, 384)))
        emotion_model, generic_model = self._models
        emo = emotion_model.predict(texts)
        gen = generic_model.predict(texts)
        assert emo.embeddings is not None and gen.embeddings is not None
        return HeadlineFeatures(hand, emo.probs.astype(np.float64), _unit(emo.embeddings), _unit(gen.embeddings))


_NGRAM_TOKEN = re.compile(r"\b\w+\b|[?!:\"']")


def ngram_tokens(text: str, n_max: int = 2) -> list[str]:
    """Lower-cased word and punctuation tokens plus their n-grams up to ``n_max`` (joined by spaces).

    >>> ngram_tokens("You won't believe?")
    ['you', 'won', "'", 't', 'believe', '?', 'you won', "won '", "' t", 't believe', 'believe ?']
    """
    if n_max < 1:
        return []
    toks = _NGRAM_TOKEN.findall((text or "").lower().replace("’", "'"))
    grams = list(toks)
    for n in range(2, n_max + 1):
        grams.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return grams


class NgramVectorizer:
    """Sublinear TF-IDF over word n-grams, L2-normalised rows; a fixed vocabulary once fitted.

    >>> v = NgramVectorizer(min_df=1).fit(["a cat", "a dog"])
    >>> v.vocabulary_[:3], v.transform_dense(["a cat"]).round(2).tolist()[0][:3]
    (['a', 'a cat', 'a dog'], [0.45, 0.63, 0.0])
    """

    def __init__(self, n_max: int = 2, min_df: int = 2) -> None:
        self.n_max = n_max
        self.min_df = min_df

    def fit(self, texts: Sequence[str]) -> NgramVectorizer:
        df: dict[str, int] = {}
        for t in texts:
            for g in set(ngram_tokens(t, self.n_max)):
                df[g] = df.get(g, 0) + 1
        self.vocabulary_ = sorted(g for g, c in df.items() if c >= self.min_df)
        n = len(texts)
        self.idf_ = np.array([np.log((1 + n) / (1 + df[g])) + 1.0 for g in self.vocabulary_])
        self._index = {g: i for i, g in enumerate(self.vocabulary_)}
        return self

    @classmethod
    def from_vocabulary(cls, vocabulary: Sequence[str], idf: np.ndarray, n_max: int = 2) -> NgramVectorizer:
        v = cls(n_max=n_max)
        v.vocabulary_ = list(vocabulary)
        v.idf_ = np.asarray(idf, dtype=np.float64)
        v._index = {g: i for i, g in enumerate(v.vocabulary_)}
        return v

    def transform_rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: (column indices, values) of its non-zero entries."""
        rows = []
        for t in texts:
            counts: dict[int, int] = {}
            for g in ngram_tokens(t, self.n_max):
                j = self._index.get(g)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            val = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf_[idx]
            norm = float(np.linalg.norm(val))
            rows.append((idx, val / norm if norm > 0 else val))
        return rows

    def transform_dense(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.vocabulary_)))
        for i, (idx, val) in enumerate(self.transform_rows(texts)):
            out[i, idx] = val
        return out
