"""``minilm-pairwise`` (the default pre-test backend): ``minilm-ngram`` blended with a fine-tuned MiniLM scorer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from empathic.errors import AnalysisError
from empathic.models.onnx import OnnxEncoder
from empathic.predict.pretest.base import ASSETS, load_pretest_manifest
from empathic.predict.pretest.features import HeadlineFeatures
from empathic.predict.pretest.minilm import MinilmPretest


class PairwisePretest(MinilmPretest):
    """``minilm-ngram`` blended with a MiniLM fine-tuned on Upworthy headline pairs (int8 ONNX; the default).

    ``score = c_linear * linear + c_scorer * (scorer - offset)``: the blend weight and the log-odds scale were
    fitted on held-out tests (see the asset's MODEL_CARD.md), so the drivers (the linear parts, scaled, plus
    one "learned headline appeal" part) still add up to the score.
    """

    name = "minilm-pairwise"
    asset = "upworthy-pretest-v3"

    def __init__(self, path: str | Path | None = None, *, threads: int | None = None) -> None:
        folder = Path(path) if path else ASSETS / self.asset
        manifest = load_pretest_manifest(folder)
        linear = manifest["linear"]
        super().__init__(ASSETS / linear["asset"], threads=threads)
        if self.manifest["sha256"] != linear["sha256"]:
            raise AnalysisError(
                f"Pre-test model {folder.name} was blended with another version of {linear['asset']}.",
                hint="Reinstall empathic, or retrain the blend: empathic train pretest-scorer.",
            )
        self.linear_manifest, self.manifest = self.manifest, manifest
        blend = manifest["blend"]
        self._c_linear, self._c_scorer, self._offset = blend["c_linear"], blend["c_scorer"], blend["scorer_offset"]
        self._wording_scale = self._c_linear
        self._folder = folder

    @cached_property
    def _scorer(self) -> OnnxEncoder:
        return OnnxEncoder.from_folder(self._folder, self.manifest, outputs=("score",), threads=self.threads)

    def appeal(self, texts: Sequence[str]) -> np.ndarray:
        """The fine-tuned scorer's raw score of each text (long texts: token-weighted mean over chunks)."""
        return scorer_scores(self._scorer, texts)

    def _parts(self, texts: Sequence[str]) -> tuple[HeadlineFeatures, np.ndarray, np.ndarray, np.ndarray]:
        feats, dense, contrib, wording = super()._parts(texts)
        raw = self.appeal(texts)
        appeal = self._c_scorer * (raw - self._offset)
        dense = np.hstack([dense, raw[:, None]])
        return feats, dense, np.hstack([contrib * self._c_linear, appeal[:, None]]), wording * self._c_linear

    def _names(self, feats: HeadlineFeatures) -> list[str]:
        return [*super()._names(feats), "appeal"]


def scorer_scores(encoder: OnnxEncoder, texts: Sequence[str]) -> np.ndarray:
    """One ``score`` per text from a scorer ONNX (long texts: token-weighted mean over their chunks).

    Used by :meth:`PairwisePretest.appeal` and by the int8 export check (``bench/pretest_int8.py``).
    """
    chunks = encoder.chunk(list(texts))
    raw = encoder.run(chunks)["score"].astype(np.float64).reshape(-1)
    total = np.bincount(chunks.owner, weights=raw * chunks.tokens, minlength=len(texts))
    return total / np.bincount(chunks.owner, weights=chunks.tokens, minlength=len(texts))
