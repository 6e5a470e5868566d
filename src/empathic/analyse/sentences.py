"""The one sentence splitter, which lives in :mod:`empathic.models.text` (the encoders chunk with it too).

Kept as an import path for the stages that split sentences.

>>> split_sentences("Great fit! Zip broke though.")
['Great fit!', 'Zip broke though.']
"""

from __future__ import annotations

from empathic.models.text import ABBREVIATIONS, covering_span, sentence_spans, split_sentences

__all__ = ["ABBREVIATIONS", "covering_span", "sentence_spans", "split_sentences"]
