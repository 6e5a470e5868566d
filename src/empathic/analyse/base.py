"""The analyser protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from empathic import registry
from empathic.config import AnalyseSettings


@runtime_checkable
class Analyser(Protocol):
    """Maps texts to named scores. ``version`` changes when outputs would change.

    ``analyse`` returns one mapping per text, with the same keys for every text
    (listed in ``outputs``), and must accept empty strings and emoji-only text.
    """

    name: str
    version: str
    outputs: tuple[str, ...]

    def analyse(self, texts: Sequence[str]) -> list[Mapping[str, float]]: ...


@runtime_checkable
class EmbeddingAnalyser(Analyser, Protocol):
    """An analyser with an encoder: returns sentence embeddings with the scores, so text is encoded once."""

    embedding_model: str | None

    def analyse_with_embeddings(self, texts: Sequence[str]) -> tuple[list[Mapping[str, float]], Any]: ...


def get_analyser(name: str, settings: AnalyseSettings | None = None) -> Analyser:
    """Instantiate the analyser registered as ``name`` (factories take the analyse settings)."""
    return registry.get("analyser", name)(settings)
