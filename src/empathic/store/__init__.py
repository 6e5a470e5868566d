"""Persistence: the :class:`Store` protocols and their backends (``sqlite``, ``memory``).

>>> from empathic.store import open_store
>>> store = open_store("memory")
>>> store.status().documents
0
"""

from __future__ import annotations

from empathic.store.base import DocumentStore, ExperimentStore, ResultStore, ScoreStore, Store, open_store

__all__ = ["DocumentStore", "ExperimentStore", "ResultStore", "ScoreStore", "Store", "open_store"]
