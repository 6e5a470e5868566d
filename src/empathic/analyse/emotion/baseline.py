"""A BERT-base-shaped ONNX text encoder with random weights: the speed baseline of ``empathic emotion bench``.

The benchmark compares our encoders against the cost of a standard BERT-base forward pass. Building that
reference here, straight from ``onnx.helper``, needs neither torch nor a network connection nor a model download.
The weights are random (normal * 0.02, LayerNorm scale 1 and bias 0) because inference speed depends only on the
architecture and tensor shapes, never on the values. The graph takes the same feed as our models (``input_ids``
and ``attention_mask``, int64 ``[batch, seq]``) and returns ``embedding``, float32 ``[batch, hidden]``: the
attention-mask-weighted mean of the last hidden states.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from empathic.errors import BackendNotInstalledError

__all__ = ["build_bert_base_onnx"]

_OPSET = 17
_LN_EPS = 1e-12


class _Graph:
    """Collects nodes and initializers, giving every node and tensor a unique name."""

    def __init__(self, helper: Any, numpy_helper: Any, rng: np.random.Generator) -> None:
        self.helper = helper
        self.numpy_helper = numpy_helper
        self.rng = rng
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(self.numpy_helper.from_array(value, name=name))
        return name

    def weight(self, name: str, shape: tuple[int, ...]) -> str:
        return self.const(name, (self.rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float32))

    def op(self, op_type: str, *inputs: str, **attrs: Any) -> str:
        self._n += 1
        out = f"{op_type.lower()}_{self._n}"
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], name=f"{op_type}_{self._n}", **attrs))
        return out

    def linear(self, x: str, prefix: str, n_in: int, n_out: int) -> str:
        w = self.weight(f"{prefix}.weight", (n_in, n_out))
        b = self.const(f"{prefix}.bias", np.zeros(n_out, dtype=np.float32))
        return self.op("Add", self.op("MatMul", x, w), b)

    def layer_norm(self, x: str, prefix: str, hidden: int) -> str:
        scale = self.const(f"{prefix}.weight", np.ones(hidden, dtype=np.float32))
        bias = self.const(f"{prefix}.bias", np.zeros(hidden, dtype=np.float32))
        return self.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=_LN_EPS)


def build_bert_base_onnx(
    path: str | Path,
    *,
    layers: int = 12,
    hidden: int = 768,
    heads: int = 12,
    intermediate: int = 3072,
    vocab_size: int = 30522,
    max_position: int = 512,
    seed: int = 0,
) -> Path:
    """Write a random-weight BERT encoder with mean pooling to ``path`` (opset 17) and return the path.

    The defaults give BERT-base (12 layers, hidden 768, 12 heads, FFN 3072, ~420 MB file).
    """
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError as exc:
        raise BackendNotInstalledError(
            "The BERT-base baseline needs the 'onnx' package.", hint="Run: pip install 'empathic[bench]'"
        ) from exc
    if hidden % heads:
        raise ValueError(f"hidden ({hidden}) must be divisible by heads ({heads})")
    head_dim = hidden // heads
    g = _Graph(helper, numpy_helper, np.random.default_rng(seed))

    def i64(name: str, *values: int) -> str:
        return g.const(name, np.array(values, dtype=np.int64))

    def f32(name: str, value: float) -> str:
        return g.const(name, np.array(value, dtype=np.float32))

    # Embeddings: word + position + token-type 0, then LayerNorm.
    word = g.op("Gather", g.weight("embeddings.word_embeddings.weight", (vocab_size, hidden)), "input_ids")
    seq_len = g.op("Gather", g.op("Shape", "input_ids"), g.const("const.one_scalar", np.array(1, dtype=np.int64)))
    positions = g.op("Range", g.const("const.zero_scalar", np.array(0, dtype=np.int64)), seq_len, "const.one_scalar")
    pos = g.op("Gather", g.weight("embeddings.position_embeddings.weight", (max_position, hidden)), positions)
    tok = g.op("Gather", g.weight("embeddings.token_type_embeddings.weight", (2, hidden)), "const.zero_scalar")
    x = g.layer_norm(g.op("Add", g.op("Add", word, pos), tok), "embeddings.LayerNorm", hidden)

    # Additive attention mask: (1 - mask) * -10000, broadcast to [batch, 1, 1, seq].
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    inv = g.op("Sub", f32("const.one", 1.0), mask)
    add_mask = g.op("Unsqueeze", g.op("Mul", inv, f32("const.neg_10000", -10000.0)), i64("const.axes_1_2", 1, 2))

    split_shape = i64("const.split_heads", 0, 0, heads, head_dim)
    merge_shape = i64("const.merge_heads", 0, 0, hidden)
    scale = f32("const.attn_scale", 1.0 / math.sqrt(head_dim))
    sqrt2 = f32("const.sqrt2", math.sqrt(2.0))
    half = f32("const.half", 0.5)

    def heads_of(t: str, perm: list[int]) -> str:
        return g.op("Transpose", g.op("Reshape", t, split_shape), perm=perm)

    for i in range(layers):
        p = f"encoder.layer.{i}"
        q = heads_of(g.linear(x, f"{p}.attention.self.query", hidden, hidden), [0, 2, 1, 3])  # [b, h, s, d]
        k = heads_of(g.linear(x, f"{p}.attention.self.key", hidden, hidden), [0, 2, 3, 1])  # [b, h, d, s]
        v = heads_of(g.linear(x, f"{p}.attention.self.value", hidden, hidden), [0, 2, 1, 3])  # [b, h, s, d]
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), add_mask)
        ctx = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        ctx = g.op("Reshape", g.op("Transpose", ctx, perm=[0, 2, 1, 3]), merge_shape)
        attn = g.linear(ctx, f"{p}.attention.output.dense", hidden, hidden)
        x = g.layer_norm(g.op("Add", attn, x), f"{p}.attention.output.LayerNorm", hidden)
        h = g.linear(x, f"{p}.intermediate.dense", hidden, intermediate)
        gelu = g.op("Mul", g.op("Mul", h, half), g.op("Add", g.op("Erf", g.op("Div", h, sqrt2)), "const.one"))
        ffn = g.linear(gelu, f"{p}.output.dense", intermediate, hidden)
        x = g.layer_norm(g.op("Add", ffn, x), f"{p}.output.LayerNorm", hidden)

    # Mask-weighted mean pooling over the sequence axis.
    m3 = g.op("Unsqueeze", mask, i64("const.axis_2", 2))  # [b, s, 1]
    axis1 = i64("const.axis_1", 1)
    summed = g.op("ReduceSum", g.op("Mul", x, m3), axis1, keepdims=0)  # [b, hidden]
    count = g.op("Max", g.op("ReduceSum", m3, axis1, keepdims=0), f32("const.eps", 1e-9))  # [b, 1]
    g.nodes.append(helper.make_node("Div", [summed, count], ["embedding"], name="pool_div"))

    graph = helper.make_graph(
        g.nodes,
        "bert_base_baseline",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)], producer_name="empathic")
    model.ir_version = 8  # opset 17 pairs with IR 8; keeps older onnxruntime builds able to load it
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(out), save_as_external_data=False)
    return out
