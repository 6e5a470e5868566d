"""Static int8 quantisation (build-time tool): calibration methods, fp32 nodes kept, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from empathic.errors import ConfigError  # noqa: E402
from empathic.models.onnx import OnnxEncoder  # noqa: E402
from empathic.models.quantize import static_int8  # noqa: E402

TOKENIZER = Path(__file__).parents[2] / "src/empathic/analyse/emotion/assets/minilm-l6-v2-encoder/tokenizer.json"
TEXTS = [
    "You won't believe what happened next",
    "A mother writes to her son",
    "Ten charts that explain the economy",
    "Why this matters",
    "The quiet courage of nurses on the night shift, told in their own words",
] * 8


def _tiny_model(path: Path) -> Path:
    """input_ids → embedding Gather → mean over tokens → MatMul → score (a stand-in encoder)."""
    rng = np.random.default_rng(0)
    emb = numpy_helper.from_array(rng.normal(size=(30522, 8)).astype(np.float32), "emb")
    w = numpy_helper.from_array(rng.normal(size=(8, 1)).astype(np.float32), "w")
    axes = [
        numpy_helper.from_array(np.array([1], dtype=np.int64), "ax1"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "ax2"),
    ]
    nodes = [  # masked mean pooling, so padding in a batch changes nothing
        helper.make_node("Gather", ["emb", "input_ids"], ["h"], name="embed/Gather"),
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT, name="mask/Cast"),
        helper.make_node("Unsqueeze", ["m", "ax2"], ["m3"], name="mask/Unsqueeze"),
        helper.make_node("Mul", ["h", "m3"], ["hm"], name="pool/Mul"),
        helper.make_node("ReduceSum", ["hm", "ax1"], ["total"], keepdims=0, name="pool/Sum"),
        helper.make_node("ReduceSum", ["m3", "ax1"], ["count"], keepdims=0, name="pool/Count"),
        helper.make_node("Div", ["total", "count"], ["pooled"], name="pool/Div"),
        helper.make_node("MatMul", ["pooled", "w"], ["s"], name="head/MatMul"),
        helper.make_node("Flatten", ["s"], ["score"], axis=1, name="out"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "t"]),
        ],
        [helper.make_tensor_value_info("score", TensorProto.FLOAT, ["b", 1])],
        [emb, w, *axes],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def _scores(path: Path) -> np.ndarray:
    enc = OnnxEncoder(path, TOKENIZER, outputs=("score",))
    return enc.run(enc.chunk(TEXTS[:5]))["score"].reshape(-1)


@pytest.mark.parametrize("method", ["minmax", "percentile"])
def test_static_int8_tracks_fp32(tmp_path: Path, method: str) -> None:
    fp32 = _tiny_model(tmp_path / "fp32.onnx")
    out = static_int8(fp32, tmp_path / "int8.onnx", TOKENIZER, TEXTS, outputs=("score",), method=method)
    ref, got = _scores(fp32), _scores(out)
    assert np.corrcoef(ref, got)[0, 1] > 0.95
    ops = [n.op_type for n in onnx.load(str(out)).graph.node]
    assert "QuantizeLinear" in ops and "DequantizeLinear" in ops


def test_keep_fp32_leaves_matching_nodes_unquantised(tmp_path: Path) -> None:
    fp32 = _tiny_model(tmp_path / "fp32.onnx")
    out = static_int8(fp32, tmp_path / "int8.onnx", TOKENIZER, TEXTS, outputs=("score",), keep_fp32=r"head/")
    graph = onnx.load(str(out)).graph
    made_by = {o: n for n in graph.node for o in n.output}
    matmul = next(n for n in graph.node if n.op_type == "MatMul")
    # the kept MatMul reads its fp32 weight directly, not through a DequantizeLinear
    assert "w" in matmul.input
    assert all(made_by[i].op_type != "DequantizeLinear" for i in matmul.input if i in made_by and i != "pooled")
    np.testing.assert_allclose(_scores(out), _scores(fp32), rtol=0.1, atol=0.05)


def test_unknown_method_is_a_config_error(tmp_path: Path) -> None:
    fp32 = _tiny_model(tmp_path / "fp32.onnx")
    with pytest.raises(ConfigError, match="calibration method"):
        static_int8(fp32, tmp_path / "int8.onnx", TOKENIZER, TEXTS, method="median")
