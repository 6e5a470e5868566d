"""Joint pairwise scorer: both headlines of a pair in one MiniLM pass (a cross-encoder; needs the ``train`` extra).

Input ``[CLS] a [SEP] b [SEP]`` (token types 0 / 1, at most ``max_len`` tokens in all), the frozen embedding
layer and the six transformer layers of all-MiniLM-L6-v2, then the mean of ``a``'s tokens and the mean of
``b``'s tokens (each contextualised by the other headline); the margin is ``w · (mean_a − mean_b)`` (no
bias), trained with the siamese scorer's loss (pairwise logistic, pairs weighted by ``min(|z|, cap)``).
Each epoch shows every training pair once, in a random order of its two headlines; at inference the
margin is averaged over both orders, so ``margin(a, b) == -margin(b, a)``. An experiment measured by
``bench/pretest_joint.py``; research code, not shipped (it lives in ``bench/``, beside its benchmark).

>>> cfg = JointConfig()
>>> cfg.epochs, cfg.max_len, cfg.batch
(2, 80, 32)
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from empathic.train.minilm import base_encoder, optimiser, require_torch, tokenizer, weights_dir
from empathic.train.pretest_scorer import pairwise_step, run_layers, warmup_linear

log = logging.getLogger("empathic.train")


@dataclass(frozen=True)
class JointConfig:
    """Hyper-parameters of the joint scorer (the siamese recipe's optimiser; declared before its CV run)."""

    epochs: int = 2
    lr: float = 5e-5
    head_lr: float = 1e-3
    max_len: int = 80  # both headlines and three special tokens
    batch: int = 32  # pairs per step
    cap: float = 2.0


def pair_encodings(texts: Sequence[str], pairs: np.ndarray, max_len: int) -> list[tuple[list[int], list[int]]]:
    """Token ids and token types of ``[CLS] a [SEP] b [SEP]`` for each row ``(a, b)`` of ``pairs``."""
    tok = tokenizer(weights_dir(), max_len)
    enc = tok.encode_batch([(texts[a], texts[b]) for a, b in pairs])
    return [(e.ids, e.type_ids) for e in enc]


def joint_scorer() -> Any:
    """Frozen embeddings → six MiniLM layers → ``w · (mean of a's tokens − mean of b's tokens)``."""
    torch = require_torch("The joint scorer")
    base = base_encoder()

    class Joint(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings = base.embeddings
            for p in self.embeddings.parameters():
                p.requires_grad_(False)
            self.layers = torch.nn.ModuleList(base.encoder.layer)
            self.dropout = torch.nn.Dropout(0.1)
            self.classifier = torch.nn.Linear(base.config.hidden_size, 1, bias=False)
            torch.nn.init.zeros_(self.classifier.weight)

        def forward(self, ids: Any, types: Any, mask: Any) -> Any:
            with torch.no_grad():
                h = self.embeddings(input_ids=ids, token_type_ids=types)
            h = run_layers(self.layers, h, mask)
            # segment means without the special tokens: a = type 0 after [CLS], b = type 1 before the last [SEP]
            special = (ids == 101) | (ids == 102)
            ma = (mask * (types == 0) * ~special).unsqueeze(-1)
            mb = (mask * (types == 1) * ~special).unsqueeze(-1)
            pa = (h * ma).sum(1) / ma.sum(1).clamp(min=1.0)
            pb = (h * mb).sum(1) / mb.sum(1).clamp(min=1.0)
            return self.classifier(self.dropout(pa - pb))[:, 0]

    return Joint()


def _batch(encs: Sequence[tuple[list[int], list[int]]], rows: Sequence[int]) -> tuple[Any, Any, Any]:
    torch = require_torch("The joint scorer")
    width = max(len(encs[i][0]) for i in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    types = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width))
    for r, i in enumerate(rows):
        n = len(encs[i][0])
        ids[r, :n] = torch.tensor(encs[i][0])
        types[r, :n] = torch.tensor(encs[i][1])
        mask[r, :n] = 1
    return ids, types, mask


def fit_joint(
    texts: Sequence[str], hp: np.ndarray, z: np.ndarray, train: np.ndarray, cfg: JointConfig, seed: int
) -> Any:
    """Fine-tune the joint scorer on the pairs where ``train`` is true (``hp``: headline rows of each pair)."""
    torch = require_torch("The joint scorer")
    torch.manual_seed(seed)
    random.seed(seed)
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(train & (z != 0))
    fwd = pair_encodings(texts, hp[rows], cfg.max_len)
    rev = pair_encodings(texts, hp[rows][:, ::-1], cfg.max_len)
    model = joint_scorer()
    model.train()
    steps_per_epoch = -(-len(rows) // cfg.batch)
    total = steps_per_epoch * cfg.epochs
    opt = optimiser(model, cfg.lr, cfg.head_lr)
    sched = warmup_linear(opt, total)
    t0, step = time.perf_counter(), 0
    for ep in range(cfg.epochs):
        flip = rng.random(len(rows)) < 0.5
        order = rng.permutation(len(rows))
        for start in range(0, len(rows), cfg.batch):
            idx = order[start : start + cfg.batch]
            ids, types, mask = _batch([rev[i] if flip[i] else fwd[i] for i in idx], range(len(idx)))
            d = model(ids, types, mask)
            loss = pairwise_step(model, opt, sched, d, np.where(flip[idx], -z[rows[idx]], z[rows[idx]]), cfg.cap)
            step += 1
            if step % 100 == 0 or step == total:
                mins = (time.perf_counter() - t0) / 60
                log.info("joint seed %d epoch %d step %d/%d loss %.4f %.1f min", seed, ep + 1, step, total, loss, mins)
    model.eval()
    return model


def joint_margins(model: Any, texts: Sequence[str], hp: np.ndarray, max_len: int, batch: int = 128) -> np.ndarray:
    """Antisymmetric margin of each pair ``(a, b)`` of ``hp``: the mean of ``m(a, b)`` and ``−m(b, a)``."""
    torch = require_torch("The joint scorer")
    model.eval()
    out = np.zeros(len(hp), dtype=np.float64)
    for sign, rows in ((1.0, hp), (-1.0, hp[:, ::-1])):
        encs = pair_encodings(texts, rows, max_len)
        order = np.argsort([len(e[0]) for e in encs], kind="stable")
        with torch.no_grad():
            for s in range(0, len(order), batch):
                sel = order[s : s + batch]
                out[sel] += 0.5 * sign * model(*_batch(encs, sel)).double().numpy()
    return out
