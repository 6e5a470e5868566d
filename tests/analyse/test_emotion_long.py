"""Long texts: chunks combine by a token-weighted mean, so the whole text, not its loudest chunk, decides.

Real ONNX model (``minilm-finetuned``); the texts are written so that each has several chunks.
"""

from __future__ import annotations

import numpy as np
import pytest

from empathic.analyse.emotion.analyser import EmotionAnalyser, emotion_scores
from empathic.analyse.emotion.models import FinetunedEmotion, aggregate_chunks
from empathic.analyse.emotion.taxonomy import EKMAN, LABELS, SENTIMENT_OF, group_proba, valence_arousal
from empathic.config import AnalyseSettings
from empathic.errors import AnalysisError

MILD = [
    "The fabric is nice and soft.",
    "It fits well around the shoulders.",
    "The colour is pretty close to the photos.",
    "Shipping was fine.",
    "I think it looks good with jeans.",
    "The length is okay for my height.",
]
ANGRY = [
    "I am absolutely furious, this is the worst garbage I have ever bought!",
    "The seams ripped on the first wear and customer service hung up on me, I am livid!",
    "I hate this company and I am so angry!",
]
FURIOUS_REVIEW = (
    "This dress arrived torn and filthy. I am furious. The zip broke the first time I tried it on and the lining "
    "was ripped. I called customer service three times and they hung up on me every single time. I am so angry I "
    "could scream. This is the worst purchase I have ever made, total garbage. They refused my refund and lied to "
    "me about the return policy. I am disgusted by how they treat customers. Never again, what a disgrace. I am "
    "absolutely livid and I want my money back now. Do not buy from them, they are scammers. The fabric smelled "
    "awful and the colour bled all over my other clothes. I wasted a whole afternoon driving to the post office to "
    "send back their junk. I am still fuming about it today. The model in the photos looks stunning though, and I "
    "admire the designer's talent."
)
SHORT = [
    "Thank you so much for your help, I really appreciate it!",
    "The zip broke after one day, I'm furious.",
    "Ok.",
    "Love it 😍",
    "",
    "Runs small; order a size up. Otherwise the cut is flattering and the colour is exactly as shown.",
]


@pytest.fixture(scope="module")
def model() -> FinetunedEmotion:
    return FinetunedEmotion()


def _top(p: np.ndarray) -> str:
    return LABELS[int(np.argmax(p))]


def test_one_chunk_text_keeps_its_chunk_scores_exactly(model: FinetunedEmotion) -> None:
    rows, owner, _ = model.chunk_proba(SHORT)
    assert owner.tolist() == list(range(len(SHORT))), "each short text is one chunk"
    pred = model.predict(SHORT)
    full = [i for i, t in enumerate(SHORT) if t]
    # bit-identical to the model's output for the chunk, as under the former max/min rule
    assert np.array_equal(pred.probs[full], rows[full])
    assert np.array_equal(pred.probs, FinetunedEmotion(aggregate="max").predict(SHORT).probs)


def test_chunks_are_weighted_by_their_tokens(model: FinetunedEmotion) -> None:
    text = " ".join(ANGRY * 5 + MILD[:3])
    rows, _, tokens = model.chunk_proba([text])
    assert len(rows) >= 3 and len(set(tokens.tolist())) > 1, "several chunks of different lengths"
    pred = model.predict([text])
    assert np.allclose(pred.probs[0], np.average(rows, axis=0, weights=tokens), rtol=0, atol=1e-12)
    # groups, valence and arousal come from the aggregate
    scores = emotion_scores(pred.probs)[0]
    va = valence_arousal(pred.probs)[0]
    assert scores["valence"] == pytest.approx(va[0]) and scores["arousal"] == pytest.approx(va[1])
    assert scores["ekman:anger"] == pytest.approx(group_proba(pred.probs)[0, list(EKMAN).index("anger")])


def test_mostly_mild_and_mostly_angry_texts_are_told_apart(model: FinetunedEmotion) -> None:
    mostly_mild = " ".join(MILD * 4 + ANGRY)
    mostly_angry = " ".join(ANGRY * 5 + MILD[:3])
    p = model.predict_proba([mostly_mild, mostly_angry])
    assert all(len(model.chunk_proba([t])[0]) >= 2 for t in (mostly_mild, mostly_angry)), "several chunks each"
    mild_va, angry_va = valence_arousal(p)[:, 0]
    assert mild_va > 0 > angry_va
    assert SENTIMENT_OF[_top(p[0])] == "positive" and SENTIMENT_OF[_top(p[1])] == "negative", (_top(p[0]), _top(p[1]))
    ekman = list(EKMAN)
    assert ekman[int(group_proba(p)[1].argmax())] == "anger"
    # the angry text is angrier than the mostly mild one, not equally angry because one chunk is
    anger = LABELS.index("anger")
    assert p[1, anger] > 2 * p[0, anger]


def test_furious_long_review_is_not_admiration(model: FinetunedEmotion) -> None:
    rows, _, _ = model.chunk_proba([FURIOUS_REVIEW])
    assert len(rows) >= 2 and "admiration" in {_top(r) for r in rows}, "one chunk admires (the case to handle)"
    p = model.predict_proba([FURIOUS_REVIEW])[0]
    assert _top(p) != "admiration" and SENTIMENT_OF[_top(p)] == "negative", _top(p)
    assert valence_arousal(p[None])[0, 0] < -0.2
    old = FinetunedEmotion(aggregate="max").predict_proba([FURIOUS_REVIEW])[0]
    assert _top(old) == "admiration", "the former max rule shows the failure this guards against"


def test_aggregation_is_a_named_choice() -> None:
    with pytest.raises(AnalysisError) as e:
        FinetunedEmotion(aggregate="mean")
    assert e.value.code == "EMP600" and e.value.hint
    assert e.value.message == (
        "The 'aggregate' parameter of FinetunedEmotion must be one of 'weighted-mean', 'max'. Got 'mean'."
    )
    with pytest.raises(AnalysisError, match="The 'method' parameter of aggregate_chunks must be one of"):
        aggregate_chunks(np.zeros((1, 28)), np.zeros(1, dtype=np.int64), np.ones(1), 1, method="median")
    # stored scores carry the rule, so a workspace analysed under another rule is analysed again
    assert EmotionAnalyser(AnalyseSettings()).version.endswith("+weighted-mean")
