"""Run an ONNX text encoder on CPU: tokenise once, length-sorted batches, dynamic padding.

Texts longer than ``max_length`` tokens are split into sentences packed into chunks that fit
(a single over-long sentence is cut into windows); the caller aggregates chunk outputs per text
with the returned ``owner`` index. Loading a model folder (manifest, sha256 checks) is
:mod:`empathic.models.manifest`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from empathic.errors import AnalysisError
from empathic.models.text import emoji_to_words, split_sentences


@dataclass(frozen=True)
class Chunks:
    """Token rows to encode and, for each row, the index of the text it belongs to."""

    ids: list[list[int]]
    owner: np.ndarray  # [rows] -> text index
    tokens: np.ndarray  # [rows] token count (for weighting)


class OnnxEncoder:
    """Tokenizer + ONNX session with the inference settings that matter on 2 cores.

    ``outputs`` names the session outputs to fetch (e.g. ``("logits", "embedding")``).
    """

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path,
        *,
        outputs: Sequence[str],
        max_length: int = 128,
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_length = max_length
        self.batch_size = batch_size
        self.outputs = tuple(outputs)
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise AnalysisError(f"Could not load the ONNX model {model_path.name}: {exc}") from exc
        self.input_names = {i.name for i in self.session.get_inputs()}

    @classmethod
    def from_folder(
        cls,
        folder: Path,
        manifest: Mapping[str, Any],
        *,
        outputs: Sequence[str],
        model_file: str | None = None,
        batch_size: int = 64,
        threads: int | None = None,
    ) -> OnnxEncoder:
        """The encoder of a model folder: ``model_file`` (default: the manifest's) with the folder's
        ``tokenizer.json``, at the manifest's ``max_length`` (128 when it has none). Check the folder's
        sha256 first (:func:`empathic.models.manifest.load_manifest`)."""
        return cls(
            Path(folder) / (model_file or manifest["model_file"]),
            Path(folder) / "tokenizer.json",
            outputs=outputs,
            max_length=int(manifest.get("max_length", 128)),
            batch_size=batch_size,
            threads=threads,
        )

    def _windows(self, ids: list[int]) -> list[list[int]]:
        body = ids[1:-1]
        step = self.max_length - 2
        return [[self.cls_id, *body[i : i + step], self.sep_id] for i in range(0, max(len(body), 1), step)]

    def chunk(self, texts: Sequence[str]) -> Chunks:
        """Tokenise texts; split the long ones into sentence-packed chunks."""
        prepared = [emoji_to_words(t or "") for t in texts]
        encoded = self.tokenizer.encode_batch(prepared)
        rows: list[list[int]] = []
        owner: list[int] = []
        for i, enc in enumerate(encoded):
            if len(enc.ids) <= self.max_length:
                rows.append(enc.ids)
                owner.append(i)
                continue
            sentences = split_sentences(prepared[i])
            current: list[int] = []
            for sent in self.tokenizer.encode_batch(sentences):
                body = sent.ids[1:-1]
                if current and len(current) + len(body) + 2 > self.max_length:
                    rows.append([self.cls_id, *current, self.sep_id])
                    owner.append(i)
                    current = []
                if len(body) + 2 > self.max_length:
                    for w in self._windows(sent.ids):
                        rows.append(w)
                        owner.append(i)
                else:
                    current.extend(body)
            if current:
                rows.append([self.cls_id, *current, self.sep_id])
                owner.append(i)
        return Chunks(rows, np.asarray(owner, dtype=np.int64), np.asarray([len(r) for r in rows], dtype=np.float64))

    def run(self, chunks: Chunks) -> dict[str, np.ndarray]:
        """Encode every row; returns each output as an array with one row per chunk row."""
        n = len(chunks.ids)
        results: dict[str, np.ndarray | None] = dict.fromkeys(self.outputs)
        order = np.argsort([-len(r) for r in chunks.ids], kind="stable")
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(chunks.ids[i]) for i in idx)
            input_ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids = chunks.ids[i]
                input_ids[row, : len(ids)] = ids
                mask[row, : len(ids)] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            outs = self.session.run(list(self.outputs), feeds)
            for name, value in zip(self.outputs, outs, strict=True):
                buf = results[name]
                if buf is None:
                    buf = results[name] = np.zeros((n, *value.shape[1:]), dtype=np.float32)
                buf[idx] = value
        return {k: (v if v is not None else np.zeros((0,), dtype=np.float32)) for k, v in results.items()}
