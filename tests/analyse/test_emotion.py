"""Emotion models: one conformance suite over every backend, golden sentences, integrity checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from empathic import registry
from empathic.analyse.emotion.analyser import EmotionAnalyser, get_emotion_model
from empathic.analyse.emotion.models import ASSETS, FinetunedEmotion
from empathic.analyse.emotion.taxonomy import LABELS
from empathic.config import AnalyseSettings
from empathic.errors import ModelIntegrityError
from empathic.models.text import emoji_to_words
from empathic.testing import check_analyser, check_emotion_model, run_checks

BACKENDS = registry.names("emotion_model")


@pytest.fixture(scope="module", params=BACKENDS)
def model(request):
    return get_emotion_model(request.param)


def test_conformance(model) -> None:
    run_checks(check_emotion_model(model))


def test_emotion_analyser_conformance() -> None:
    run_checks(check_analyser(EmotionAnalyser(AnalyseSettings())))


GOLDEN = [
    ("Thank you so much for your help, I really appreciate it!", "gratitude"),
    ("I love this jacket, it's perfect.", "love"),
    ("This is hilarious, I can't stop laughing lol", "amusement"),
    ("I'm so sad my dog died yesterday.", "sadness"),
    ("I'm terrified of what will happen next.", "fear"),
    ("Why is the zip on the left side? What's the point of that?", "curiosity"),
    ("Sorry, that was my mistake, I feel terrible about it.", "remorse"),
    ("Wow, I did not expect that at all!", "surprise"),
]


@pytest.mark.parametrize(("text", "label"), GOLDEN)
@pytest.mark.parametrize("backend", ["minilm-finetuned", "minilm-heads"])
def test_golden_sentences(backend: str, text: str, label: str) -> None:
    m = get_emotion_model(backend)
    p = m.predict_proba([text])[0]
    top3 = [LABELS[i] for i in np.argsort(-p)[:3]]
    assert label in top3, (backend, text, top3)


def test_vader_gets_polarity_right() -> None:
    m = get_emotion_model("vader")
    p = m.predict_proba(["I love it, wonderful!", "Awful, I hate it."])
    joy, anger = LABELS.index("joy"), LABELS.index("anger")
    assert p[0, joy] > 0.5 > p[1, joy] and p[1, anger] > 0.5 > p[0, anger]


def test_emoji_become_words() -> None:
    assert "heart" in emoji_to_words("😍") and emoji_to_words("plain") == "plain"


def test_long_text_is_split_and_keeps_emotions_of_each_part() -> None:
    m = get_emotion_model("minilm-finetuned")
    filler = "The parcel arrived on a Tuesday and I opened it in the kitchen. " * 30
    p, plain = m.predict_proba([filler + "Thank you so much, I am so grateful!", filler])
    gratitude = LABELS.index("gratitude")
    # not lost to truncation: the thanks at the end counts, in proportion to its share of the text
    assert p[gratitude] > 0.05 and p[gratitude] > 30 * plain[gratitude], (p[gratitude], plain[gratitude])
    assert LABELS[int(np.argsort(-p)[1])] == "gratitude", "the strongest emotion after neutral"


def test_sha256_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    src = ASSETS / FinetunedEmotion.asset
    dst = tmp_path / "copy"
    shutil.copytree(src, dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    with (dst / manifest["model_file"]).open("ab") as f:
        f.write(b"tampered")
    with pytest.raises(ModelIntegrityError) as e:
        FinetunedEmotion(dst)
    assert e.value.code == "EMP601" and "sha256" in e.value.message and "Reinstall" in (e.value.hint or "")


def test_sentence_level_scores() -> None:
    from empathic.analyse.emotion.tasks import sentence_scores

    out = sentence_scores("Thank you so much for the quick refund! But the zip broke after one day, I'm furious.")
    assert [r["text"][:5] for r in out] == ["Thank", "But t"]
    assert "gratitude" in out[0]["emotions"]
    assert {"anger", "annoyance"} & set(out[1]["emotions"])
