"""The analyser protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from empathic import registry


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


def get_analyser(name: str) -> Analyser:
    """Instantiate the analyser registered as ``name``."""
    return registry.get("analyser", name)()
