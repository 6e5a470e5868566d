"""Report use case: what each report section shows — the stored result, else one computed with defaults.

A section shows what the user last computed and stored (``empathic personas``, ``themes``, ``mirror``);
only what was never stored is computed here with the defaults, marked ``computed_with_defaults`` with the
command that would store it, so the section can say so. Nothing here stores anything: reports are read-only.

>>> from empathic.store import open_store
>>> report_personas(open_store("memory")) is None  # nothing stored, nothing to compute from
True
>>> Shown((), computed_with_defaults=True, what="Personas", how="default dimensions",
...       command="empathic personas --dimensions …").note
'Personas computed with default dimensions; run `empathic personas --dimensions …` to choose.'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from empathic.app.mirror import MirrorParams, compute_mirror, stored_mirror
from empathic.app.relate import persona_audiences
from empathic.app.voc import PersonasParams, compute_themes, personas, stored_personas, stored_themes
from empathic.errors import AnalysisError
from empathic.store import Store
from empathic.types import Audience, MirrorResult, Persona, Theme

T = TypeVar("T")
REPORT_MIRROR = MirrorParams(n_perm=500, n_boot=500, seed=0)  # what the report computes when none is stored


@dataclass(frozen=True)
class Shown(Generic[T]):
    """A section's data: ``value``, and whether it was computed with defaults instead of read from the store."""

    value: T
    computed_with_defaults: bool = False
    what: str = ""  # e.g. "Personas"
    how: str = ""  # e.g. "default dimensions"
    command: str = ""  # the command that stores the user's own choice

    @property
    def note(self) -> str:
        """One line for the section ("" for a stored result)."""
        if not self.computed_with_defaults:
            return ""
        return f"{self.what} computed with {self.how}; run `{self.command}` to choose."


def report_personas(store: Store) -> Shown[list[Persona]] | None:
    """The stored personas, else personas with the default dimensions (not stored); None when neither exists."""
    found = stored_personas(store)
    if found is not None:
        return Shown(found)
    try:
        computed = personas(store, PersonasParams(), save=False)
    except AnalysisError:
        return None
    return Shown(computed, True, "Personas", "default dimensions", "empathic personas --dimensions …")


def report_audiences(store: Store, *, unavailable: Sequence[Audience] = ()) -> list[Audience]:
    """One audience per persona of :func:`report_personas` (so every section targets the same personas);
    ``unavailable`` when there is none."""
    shown = report_personas(store)
    return persona_audiences(shown.value) if shown is not None else list(unavailable)


def report_themes(store: Store) -> Shown[list[Theme]] | None:
    """The themes last stored by ``empathic themes`` (with its settings), else themes with the defaults."""
    run = stored_themes(store)
    if run is not None:
        return Shown(list(run.themes))
    try:
        computed = compute_themes(store)
    except AnalysisError:
        return None
    return Shown(computed, True, "Themes", "the default settings", "empathic themes --n N")


def report_mirror(store: Store) -> Shown[MirrorResult] | None:
    """The mirror result last stored by ``empathic mirror``, else one with 500 permutations and resamples."""
    result = stored_mirror(store)
    if result is not None:
        return Shown(result)
    try:
        computed = compute_mirror(store, REPORT_MIRROR)
    except AnalysisError:
        return None
    return Shown(computed, True, "Mirror", "500 permutations and no roll-up", "empathic mirror")
