"""``minilm-ngram``: word n-grams, handcrafted counts, 28 emotions and MiniLM embeddings (int8 ONNX)."""

from __future__ import annotations

from empathic.predict.pretest.base import LinearPretest


class MinilmPretest(LinearPretest):
    """Word n-grams, handcrafted counts, 28 emotions and MiniLM embeddings (the default)."""

    name = "minilm-ngram"
    asset = "upworthy-pretest-v1"
