"""The random-weight BERT-base speed baseline builds and runs in onnxruntime."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from empathic.analyse.emotion.baseline import build_bert_base_onnx  # noqa: E402

SMALL = {"layers": 2, "hidden": 64, "heads": 4, "intermediate": 128, "vocab_size": 1000, "max_position": 64}


def _session(path: Path) -> ort.InferenceSession:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _batch(seqs: list[list[int]], width: int) -> dict[str, np.ndarray]:
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def test_small_model_runs_and_ignores_padding(tmp_path: Path) -> None:
    path = build_bert_base_onnx(tmp_path / "small.onnx", **SMALL)
    assert path.is_file()
    sess = _session(path)
    assert [i.name for i in sess.get_inputs()] == ["input_ids", "attention_mask"]
    seqs = [[101, 7, 8, 9, 102], [101, 42, 102], [101, 5, 6, 7, 8, 9, 10, 102]]
    (emb,) = sess.run(["embedding"], _batch(seqs, 8))
    assert emb.shape == (3, 64)
    assert emb.dtype == np.float32
    assert np.isfinite(emb).all()
    (wide,) = sess.run(["embedding"], _batch(seqs, 20))
    np.testing.assert_allclose(wide, emb, atol=1e-4)
    (alone,) = sess.run(["embedding"], _batch(seqs[1:2], 3))
    np.testing.assert_allclose(alone[0], emb[1], atol=1e-4)


def test_defaults_have_twelve_layers(tmp_path: Path) -> None:
    path = build_bert_base_onnx(tmp_path / "deep.onnx", hidden=8, heads=2, intermediate=16, vocab_size=50)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    n_ln = sum(node.op_type == "LayerNormalization" for node in model.graph.node)
    assert n_ln == 12 * 2 + 1
