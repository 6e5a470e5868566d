"""Empathic: a self-hosted empathy engine for marketing teams.

Listen (ingest) → feel (analyse) → mirror, understand, relate, narrate → test → report.

>>> import empathic
>>> empathic.__version__
'0.1.0'

The facade most users want is :class:`empathic.Workspace` (imported lazily)::

    ws = empathic.Workspace.init("brand-ws")
    ws.ingest("reviews.csv", ColumnMapping(text_col="Review Text"), "review")
"""

from __future__ import annotations

from typing import Any

from empathic._version import __version__

__all__ = ["Workspace", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from empathic.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'empathic' has no attribute {name!r}")
